// The services a person receives: recording them with their s117 decision (SCOPE-1), care type
// (SCOPE-3), accommodation (SCOPE-4, SCOPE-5), funding split from the joint policy (RESP-1, RESP-7) and
// cost (CHG-1, CHG-4); changing, confirming (PLAN-7) and ending them. The finance export of services
// that must not be charged (CHG-1) is in no-charge-export.ts.
import { randomUUID } from 'node:crypto';
import { applyServiceChange, defaultCareType, serviceViolations, type Accommodation, type ServiceCandidate, type ServiceChange } from '../../domain/care-services.ts';
import { compareDates, todayInLondon, type IsoDate } from '../../domain/dates.ts';
import { episodeOn, fundingDecisionReopened, fundingDecisionViolations, policySplit, serviceSplit } from '../../domain/funding.ts';
import type { ReviewSettings } from '../../domain/reviews.ts';
import type { Db } from '../../data/database.ts';
import * as repo from '../../data/care-services-repository.ts';
import { SERVICES_PART, servicePart } from '../../data/care-services-repository.ts';
import { BUDGETS_PART } from '../../data/budgets-repository.ts';
import { PERSON_PARTNERSHIPS_POLICIES_PART } from '../../data/funding-policies-repository.ts';
import { CURRENT_PLAN_NEEDS_PART, listCurrentPlanNeeds, type LinkableNeed } from '../../data/plans-repository.ts';
import type { FundingPolicyRow, PersonRow, ServiceRow } from '../../data/schema.ts';
import { findPolicy, findPolicyInEffect, policyFromRow } from '../funding-policies/policy-in-effect.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { ValidationError } from '../kernel/errors.ts';
import { pageQuery } from '../kernel/paging.ts';
import { uuidOrNull, rejectFutureDates } from '../kernel/person-record.ts';
import { mustHaveUpdated, type UseCases } from '../kernel/use-case.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { ServiceConfirmInput, ServiceCreateInput, ServiceEndInput, ServiceUpdateInput } from './care-services-inputs.ts';
import { accommodationFromRow, candidateColumns, candidateFromRow, moneyDetails, type ServiceView } from './care-services-view.ts';
import { moneyContext, moneyContextOf, type MoneyContext } from './money-context.ts';
import { findOwnService, ownService, planNeedsPart, serviceOf, servicesDetails, servicesOf, showService } from './care-services-parts.ts';
import { budgetsOf } from '../budgets/budgets-service.ts';
import { fundingPoliciesOf } from '../funding-policies/funding-policies-service.ts';
import { factsOfModel, RECORD_PARTS, viewOfModel } from '../people/people-service.ts';
import { loadPersonReadModel, partsTogether, type PersonReadModel } from '../../data/person-read-model.ts';
import { createNoChargeExport } from './no-charge-export.ts';
import { approvalColumns, keptSplitColumns, proposedSplitOf, sameDecision, splitColumns } from './split-approval.ts';

export interface CareServicesOptions { clock: () => Date; freePrescriptions: boolean; reviews: ReviewSettings; useCases: UseCases }

/** A service links only to a need of the person's current plan (its draft or latest final version), so the plan shows what meets each need. */
async function refuseUnknownNeed(db: Db, personId: string, needId: string | null | undefined): Promise<void> {
  if (!needId) return;
  const needs = await listCurrentPlanNeeds(db, personId);
  if (!needs.some((n) => n.id.toLowerCase() === needId.toLowerCase())) {
    throw new ValidationError([{ field: 'needId', message: 'That need is not in this person’s care and support plan: choose one of the plan’s needs' }]);
  }
}

/** SCOPE-5: a new or changed decision on rent records who made it; an unchanged one keeps its maker. */
function withDecider(accommodation: Accommodation, before: Accommodation | null, actor: Actor): Accommodation {
  const decision = accommodation.rentDecision;
  if (!decision) return { ...accommodation, rentDecision: null };
  const old = before?.rentDecision;
  const same = old && old.decision === decision.decision && old.reason === decision.reason && old.decidedOn === decision.decidedOn;
  return { ...accommodation, rentDecision: { ...decision, decidedBy: same ? (old.decidedBy ?? null) : actor.userId } };
}

/** What both service forms read besides the service (formOf). */
const FORM_PARTS = { policies: PERSON_PARTNERSHIPS_POLICIES_PART, needs: CURRENT_PLAN_NEEDS_PART };

/** One of the person's services by the URL's id: one that is not a UUID is asked for as null, so the statement's text stays the same. */
const oneServicePart = (serviceId: string) => servicePart(uuidOrNull(serviceId));

/** What a change to a service hands its audit event and its answer. */
interface Saved { row: ServiceRow; ctx: MoneyContext; details: Record<string, unknown> }

export function createCareServicesService(db: Db, { clock, freePrescriptions, useCases }: CareServicesOptions) {
  const { law } = useCases;
  const settings = { freePrescriptions };
  const findOwn = findOwnService;
  const show = (trx: Db, actor: Actor, ctx: MoneyContext, row: ServiceRow, today: IsoDate): Promise<ServiceView> => showService(trx, actor, ctx, row, today, settings);

  /** Writes a change with the version check (409 when it lost a race) and reads the row back. */
  async function save(trx: Db, actor: Actor, row: ServiceRow, columns: repo.ServiceChanges): Promise<ServiceRow> {
    mustHaveUpdated(await repo.updateService(trx, row.id, row.version, { ...columns, updated_by: actor.userId }), 'service');
    return (await repo.findService(trx, row.id))!;
  }

  /**
   * A change to one of the person's services. PLAN-7 and the budget clocks are derived from services,
   * so the runner re-derives the projections; the answer is the service as changed.
   */
  function changeService(actor: Actor, personId: string, action: string, work: (ctx: { trx: Db; person: PersonRow; today: IsoDate }) => Promise<Saved>): Promise<ServiceView> {
    return useCases.change(
      actor,
      personId,
      { permission: 'services:record', audit: (saved: Saved) => ({ action, recordType: 'service', recordId: saved.row.id, details: saved.details }) },
      work,
      async ({ trx, today }, saved) => show(trx, actor, saved.ctx, saved.row, today),
    );
  }

  /** The service oneServicePart found, as the caller may see it (404 when it is not the person's), from a model with the facts: no query. */
  function serviceOfModel(model: PersonReadModel, rows: repo.ServiceRows, actor: Actor, today: IsoDate): ServiceView {
    return serviceOf(ownService(rows.service, model.person), rows.policy, actor, moneyContextOf(factsOfModel(model, law), today), today, settings);
  }

  /** What both service forms show besides the service: the person, their partnership's funding policies and the plan's needs. */
  function formOf(model: PersonReadModel & { part: { policies: FundingPolicyRow[]; needs: LinkableNeed[] } }) {
    const person = viewOfModel(model);
    return { person, policies: fundingPoliciesOf(model.part.policies, { localAuthority: person.residence?.localAuthority, icb: person.gp?.icb }), needs: model.part.needs };
  }

  /** The add form, with the services recorded, so the page can ask before adding the same one again. */
  function addForm(actor: Actor, personId: string) {
    const audit = (r: { needs: unknown[] }) => ({ action: 'service.plan-needs.view', details: { parts: ['person', 'funding-policies', 'plan-needs'], needs: r.needs.length } });
    return useCases.readModel(
      actor,
      personId,
      { permission: 'person:read', audit },
      (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { summary: true }, undefined, partsTogether({ ...FORM_PARTS, recorded: SERVICES_PART })),
      ({ model }) => ({
        ...formOf(model),
        existing: null,
        recorded: model.part.recorded.services.map((r) => ({ id: r.id, description: r.description, provider: r.provider, startDate: r.start_date, endDate: r.end_date })),
      }),
    );
  }

  /** The change form of one of the person's services (404 when it is not theirs). */
  function changeForm(actor: Actor, personId: string, serviceId: string) {
    const audit = (r: { existing: ServiceView; needs: unknown[] }) => ({
      action: 'service.view',
      recordType: 'service',
      recordId: r.existing.id,
      details: { parts: ['person', 'service', 'funding-policies', 'plan-needs'], needs: r.needs.length },
    });
    return useCases.readModel(
      actor,
      personId,
      { permission: 'person:read', audit },
      (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, RECORD_PARTS, undefined, partsTogether({ ...FORM_PARTS, service: oneServicePart(serviceId) })),
      ({ model, today }) => ({ ...formOf(model), existing: serviceOfModel(model, model.part.service, actor, today), recorded: [] }),
    );
  }

  return {
    async create(actor: Actor, personId: string, input: unknown): Promise<ServiceView> {
      requirePermission(actor, 'services:record');
      const data = parseInput(ServiceCreateInput, input);
      return changeService(actor, personId, 'service.create', async ({ trx, person, today }) => {
        await refuseUnknownNeed(trx, person.id, data.needId);
        const ctx = await moneyContext(trx, person, today, law);
        const policy = await findPolicyInEffect(trx, ctx, data.startDate);
        const policyDefault = policySplit(policy ? policyFromRow(policy) : null, data.category);
        const chosen = serviceSplit(data.funding, policyDefault);
        if (!chosen.split) throw new ValidationError(chosen.violations);
        const funding = chosen.split;
        const candidate: ServiceCandidate = {
          description: data.description,
          category: data.category,
          careType: data.careType ?? defaultCareType(data.category),
          s117: data.s117,
          scope: data.scope ?? null,
          funding,
          weeklyCostPence: data.weeklyCostPence,
          personContributionPence: data.personContributionPence ?? 0,
          startDate: data.startDate,
          endDate: data.endDate ?? null,
          accommodation: data.accommodation ? withDecider({ ...data.accommodation, reason: data.accommodation.reason ?? null }, null, actor) : null,
          budget: data.budget ?? null,
        };
        refuse([...serviceViolations(candidate), ...fundingDecisionViolations(funding, policyDefault, data.fundingOverrideReason)]);
        if (data.confirmedOn) rejectFutureDates({ confirmedOn: data.confirmedOn }, today);
        const id = randomUUID();
        await repo.insertService(trx, {
          id,
          person_id: person.id,
          episode_id: episodeOn(ctx.aftercare, data.startDate)?.id ?? null,
          need_id: data.needId ?? null,
          provider: data.provider,
          policy_id: policy?.id ?? null,
          funding_override_reason: data.fundingOverrideReason ?? null,
          confirmed_on: data.confirmedOn ?? null,
          created_by: actor.userId,
          ...candidateColumns(candidate),
          ...splitColumns(funding, policyDefault),
        });
        await repo.insertFirstCost(trx, { serviceId: id, from: candidate.startDate, weeklyCostPence: candidate.weeklyCostPence, recordedBy: actor.userId });
        return { row: (await repo.findService(trx, id))!, ctx, details: moneyDetails(candidate, policy) };
      });
    },

    async list(actor: Actor, personId: string, query?: unknown) {
      requirePermission(actor, 'person:read');
      const paging = pageQuery(query);
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit: (r: { items: ServiceView[]; moneyVisible: boolean }) => ({ action: 'service.list', details: servicesDetails(r) }) },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { facts: true }, undefined, SERVICES_PART),
        ({ model, today }) => servicesOf(model.part, actor, moneyContextOf(factsOfModel(model, law), today), today, settings, paging),
      );
    },

    /**
     * The services and funding page: the person, their services and their budgets, read in one
     * read-model statement with one audit event naming what was shown (with what the two lists recorded).
     */
    async page(actor: Actor, personId: string) {
      const audit = (r: { services: { items: unknown[]; moneyVisible: boolean }; budgets: { items: unknown[] } }) => ({
        action: 'service.list',
        details: { parts: ['person', 'services', 'budgets'], ...servicesDetails(r.services), budgets: r.budgets.items.length },
      });
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, RECORD_PARTS, undefined, partsTogether({ services: SERVICES_PART, budgets: BUDGETS_PART })),
        ({ model, today }) => {
          const ctx = moneyContextOf(factsOfModel(model, law), today);
          return { person: viewOfModel(model), services: servicesOf(model.part.services, actor, ctx, today, settings), budgets: budgetsOf(model.part.budgets, actor, ctx, today) };
        },
      );
    },

    /**
     * The add and change service forms: the person, the service being changed (if any), the funding
     * policies of the person's partnership and the plan's needs, in one read-model statement. The event
     * is the one the service's own read writes when a service is shown, else the plan needs' read.
     */
    async formPage(actor: Actor, personId: string, serviceId?: string) {
      return serviceId === undefined ? addForm(actor, personId) : changeForm(actor, personId, serviceId);
    },

    /** A page about one of the person's services (ending it): the person and the service, in one read-model statement. */
    async servicePage(actor: Actor, personId: string, serviceId: string) {
      const audit = (r: { service: ServiceView }) => ({ action: 'service.view', recordType: 'service', recordId: r.service.id, details: { parts: ['person', 'service'] } });
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, RECORD_PARTS, undefined, oneServicePart(serviceId)),
        ({ model, today }) => ({ person: viewOfModel(model), service: serviceOfModel(model, model.part, actor, today) }),
      );
    },

    async get(actor: Actor, personId: string, serviceId: string): Promise<ServiceView> {
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit: (view: ServiceView) => ({ action: 'service.view', recordType: 'service', recordId: view.id }) },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { facts: true }, undefined, oneServicePart(serviceId)),
        ({ model, today }) => serviceOfModel(model, model.part, actor, today),
      );
    },

    /** The needs of the person's current plan a service may link to (for the service form's select). */
    async planNeeds(actor: Actor, personId: string) {
      return useCases.read(
        actor,
        personId,
        { permission: 'person:read', audit: (needs: unknown[]) => ({ action: 'service.plan-needs.view', details: { needs: needs.length } }) },
        ({ trx, person }) => planNeedsPart(trx, person),
      );
    },

    async update(actor: Actor, personId: string, serviceId: string, expectedVersion: number | null, input: unknown): Promise<ServiceView> {
      requirePermission(actor, 'services:record');
      const data = parseInput(ServiceUpdateInput, input);
      return changeService(actor, personId, 'service.update', async ({ trx, person, today }) => {
        const row = await findOwn(trx, person, serviceId, expectedVersion);
        // A link kept as it was stays even if the need has since left the plan.
        if (data.needId && data.needId.toLowerCase() !== row.need_id?.toLowerCase()) await refuseUnknownNeed(trx, person.id, data.needId);
        const ctx = await moneyContext(trx, person, today, law);
        const change: ServiceChange = {
          ...(data.description !== undefined && { description: data.description }),
          ...(data.category !== undefined && { category: data.category }),
          ...(data.careType !== undefined && { careType: data.careType }),
          ...(data.s117 !== undefined && { s117: data.s117 }),
          ...(data.funding !== undefined && { funding: data.funding }),
          ...(data.weeklyCostPence !== undefined && { weeklyCostPence: data.weeklyCostPence }),
          ...(data.personContributionPence !== undefined && { personContributionPence: data.personContributionPence ?? 0 }),
          ...(data.startDate !== undefined && { startDate: data.startDate }),
          ...(data.budget !== undefined && { budget: data.budget }),
        };
        // The change starts from the split as recorded (a proposal awaiting approval: RESP-7).
        const next = applyServiceChange({ ...candidateFromRow(row), funding: proposedSplitOf(row) }, change);
        // Fields that may be cleared with null are set here (applyServiceChange skips undefined only).
        if (data.scope !== undefined) next.scope = data.scope;
        if (data.endDate !== undefined) next.endDate = data.endDate;
        if (data.accommodation !== undefined) next.accommodation = data.accommodation ? withDecider({ ...data.accommodation, reason: data.accommodation.reason ?? null }, accommodationFromRow(row), actor) : null;
        const violations = serviceViolations(next);
        const overrideReason = data.fundingOverrideReason !== undefined ? data.fundingOverrideReason : row.funding_override_reason;
        let policy: FundingPolicyRow | null = await findPolicy(trx, row.policy_id);
        let split: Partial<ReturnType<typeof splitColumns>> = keptSplitColumns(row);
        if (fundingDecisionReopened(data)) {
          policy = await findPolicyInEffect(trx, ctx, next.startDate);
          const policyDefault = policySplit(policy ? policyFromRow(policy) : null, next.category);
          violations.push(...fundingDecisionViolations(next.funding, policyDefault, overrideReason));
          // A reopened decision is decided afresh; an approval stands only for the same decision (RESP-7).
          split = splitColumns(next.funding, policyDefault, sameDecision(row, policy?.id ?? null, next.category, next.funding) ? row : null);
        }
        refuse(violations);
        const updated = await save(trx, actor, row, {
          ...candidateColumns(next),
          ...split,
          ...(data.provider !== undefined && { provider: data.provider }),
          ...(data.needId !== undefined && { need_id: data.needId }),
          policy_id: policy?.id ?? null,
          funding_override_reason: overrideReason ?? null,
          episode_id: episodeOn(ctx.aftercare, next.startDate)?.id ?? row.episode_id,
        });
        // RESP-7: a new cost is in force from today (from the start, for a service not yet started); the days before keep theirs.
        if (updated.weekly_cost_pence !== row.weekly_cost_pence) {
          await repo.recordCostChange(trx, { serviceId: row.id, startDate: row.start_date, before: row.weekly_cost_pence, from: updated.start_date > today ? updated.start_date : today, weeklyCostPence: updated.weekly_cost_pence, recordedBy: actor.userId });
        }
        return { row: updated, ctx, details: { fields: Object.keys(data), ...moneyDetails(next, policy) } };
      });
    },

    /** RESP-7: the body whose share a split raises approves it, and the split then applies. */
    async approveSplit(actor: Actor, personId: string, serviceId: string, expectedVersion: number | null): Promise<ServiceView> {
      requirePermission(actor, 'services:record');
      return changeService(actor, personId, 'service.split-approve', async ({ trx, person, today }) => {
        const row = await findOwn(trx, person, serviceId, expectedVersion);
        const { body, columns } = await approvalColumns(trx, actor, row, clock());
        const ctx = await moneyContext(trx, person, today, law);
        return { row: await save(trx, actor, row, columns), ctx, details: { body, laPercent: columns.la_percent, icbPercent: columns.icb_percent, policyId: row.policy_id } };
      });
    },

    /** PLAN-7: a planned service is confirmed on a date. */
    async confirm(actor: Actor, personId: string, serviceId: string, expectedVersion: number | null, input: unknown): Promise<ServiceView> {
      requirePermission(actor, 'services:record');
      const data = parseInput(ServiceConfirmInput, input ?? {});
      const confirmedOn = data.confirmedOn ?? todayInLondon(clock());
      rejectFutureDates({ confirmedOn }, todayInLondon(clock()));
      return changeService(actor, personId, 'service.confirm', async ({ trx, person, today }) => {
        const row = await findOwn(trx, person, serviceId, expectedVersion);
        const ctx = await moneyContext(trx, person, today, law);
        return { row: await save(trx, actor, row, { confirmed_on: confirmedOn }), ctx, details: { confirmedOn } };
      });
    },

    async end(actor: Actor, personId: string, serviceId: string, expectedVersion: number | null, input: unknown): Promise<ServiceView> {
      requirePermission(actor, 'services:record');
      const data = parseInput(ServiceEndInput, input);
      return changeService(actor, personId, 'service.end', async ({ trx, person, today }) => {
        const row = await findOwn(trx, person, serviceId, expectedVersion);
        if (compareDates(data.endDate, row.start_date) < 0) throw new ValidationError([{ field: 'endDate', message: 'The end date must be on or after the start date' }]);
        const ctx = await moneyContext(trx, person, today, law);
        return { row: await save(trx, actor, row, { end_date: data.endDate }), ctx, details: { endDate: data.endDate } };
      });
    },

    ...createNoChargeExport(useCases),
  };
}

export type CareServicesService = ReturnType<typeof createCareServicesService>;
