// The services a person receives: recording them with their s117 decision (SCOPE-1), care type
// (SCOPE-3), accommodation (SCOPE-4, SCOPE-5), funding split from the joint policy (RESP-1, RESP-7) and
// cost (CHG-1, CHG-4); changing, confirming (PLAN-7) and ending them; and the finance export of
// services that must not be charged (CHG-1).
import { randomUUID } from 'node:crypto';
import { canSeeMoney } from '../../domain/access.ts';
import { computeAftercare, type AftercareResult, type Episode } from '../../domain/aftercare.ts';
import { compareDates, todayInLondon, type IsoDate } from '../../domain/dates.ts';
import { fundingDecisionViolations, policyInEffect, policySplit, weeklyShares, type FundingPolicy, type ServiceCategory, type Split } from '../../domain/funding.ts';
import {
  applyServiceChange,
  defaultCareType,
  prescriptionWording,
  rentMayBeBilled,
  serviceDecisionsNeeded,
  serviceViolations,
  type Accommodation,
  type ServiceCandidate,
  type ServiceChange,
} from '../../domain/care-services.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as people from '../../data/people-repository.ts';
import { listCurrentPlanNeeds } from '../../data/plans-repository.ts';
import type { FundingPolicyRow, PersonRow, ServiceRow } from '../../data/schema.ts';
import * as repo from '../../data/care-services-repository.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { ConflictError, NotFoundError, ValidationError } from '../kernel/errors.ts';
import { deriveAftercare, findVisiblePerson, isUuid, latestBySince, refreshProjections, rejectFutureDates } from '../kernel/person-record.ts';
import type { ReviewSettings } from '../../domain/reviews.ts';
import { ServiceConfirmInput, ServiceCreateInput, ServiceEndInput, ServiceUpdateInput } from './care-services-inputs.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { keyText, pageInMemory, pageQuery } from '../kernel/paging.ts';

export interface CareServicesOptions { clock: () => Date; freePrescriptions: boolean; reviews: ReviewSettings }

/** What the money rules need to know about a person: their episodes and responsible bodies. */
export interface MoneyContext {
  aftercare: AftercareResult;
  /** Every episode's local authority and ICB, or before any episode where they live and their GP's ICB. */
  responsibleBodies: string[];
  currentLocalAuthority: string | null;
  currentIcb: string | null;
}

export async function moneyContext(db: Db, person: PersonRow, today: IsoDate): Promise<MoneyContext> {
  const facts = await people.loadFacts(db, person);
  const aftercare = computeAftercare(facts, today);
  const currentLocalAuthority = latestBySince(facts.residences)?.localAuthority ?? null;
  const currentIcb = latestBySince(facts.gpRegistrations)?.icb ?? null;
  const fromEpisodes = aftercare.episodes.flatMap((e) => [e.localAuthority.code, e.icb.code]).filter((c): c is string => Boolean(c));
  const responsibleBodies = fromEpisodes.length > 0 ? [...new Set(fromEpisodes)] : [currentLocalAuthority, currentIcb].filter((c): c is string => Boolean(c));
  return { aftercare, responsibleBodies, currentLocalAuthority, currentIcb };
}

/** The episode a service starting on that date belongs to: the latest that had begun by then, else the first. */
export function episodeOn(aftercare: AftercareResult, on: IsoDate): Episode | null {
  const begun = aftercare.episodes.filter((e) => compareDates(e.qualifyingFrom, on) <= 0);
  return begun.at(-1) ?? aftercare.episodes[0] ?? null;
}

/** RESP-7: the partnership whose policy applies: the episode's bodies, or where the person lives now. */
export function partnershipOn(ctx: MoneyContext, on: IsoDate): { localAuthority: string | null; icb: string | null } {
  const episode = episodeOn(ctx.aftercare, on);
  return { localAuthority: episode?.localAuthority.code ?? ctx.currentLocalAuthority, icb: episode?.icb.code ?? ctx.currentIcb };
}

export function policyFromRow(row: FundingPolicyRow): FundingPolicy {
  return { id: row.id, localAuthority: row.local_authority_code, icb: row.icb_code, version: row.version, effectiveFrom: row.effective_from, splits: row.splits as FundingPolicy['splits'] };
}

function candidateFromRow(row: ServiceRow): ServiceCandidate {
  return {
    description: row.description,
    category: row.category as ServiceCategory,
    careType: row.care_type,
    s117: row.s117,
    scope:
      row.arises_from_mental_disorder === null || row.reduces_risk_of_deterioration === null
        ? null
        : { arisesFromMentalDisorder: row.arises_from_mental_disorder, reducesRiskOfDeterioration: row.reduces_risk_of_deterioration, rationale: row.scope_rationale ?? '' },
    funding: { localAuthorityPercent: row.la_percent, icbPercent: row.icb_percent },
    weeklyCostPence: row.weekly_cost_pence,
    personContributionPence: row.person_contribution_pence,
    startDate: row.start_date,
    endDate: row.end_date,
    accommodation: accommodationFromRow(row),
    budget: row.budget,
  };
}

function accommodationFromRow(row: ServiceRow): Accommodation | null {
  if (!row.accommodation_type) return null;
  return {
    type: row.accommodation_type as Accommodation['type'],
    enhancedFeatures: (row.enhanced_features ?? []) as Accommodation['enhancedFeatures'],
    reason: row.accommodation_reason,
    involuntaryPlacement: row.involuntary_placement,
    rentDecision: (row.rent_decision as Accommodation['rentDecision']) ?? null,
  };
}

function candidateColumns(s: ServiceCandidate) {
  return {
    description: s.description,
    category: s.category,
    care_type: s.careType,
    s117: s.s117,
    arises_from_mental_disorder: s.scope?.arisesFromMentalDisorder ?? null,
    reduces_risk_of_deterioration: s.scope?.reducesRiskOfDeterioration ?? null,
    scope_rationale: s.scope?.rationale ?? null,
    la_percent: s.funding.localAuthorityPercent,
    icb_percent: s.funding.icbPercent,
    weekly_cost_pence: s.weeklyCostPence,
    person_contribution_pence: s.personContributionPence,
    start_date: s.startDate,
    end_date: s.endDate,
    accommodation_type: s.accommodation?.type ?? null,
    enhanced_features: s.accommodation ? [...s.accommodation.enhancedFeatures] : null,
    accommodation_reason: s.accommodation?.reason ?? null,
    involuntary_placement: s.accommodation?.involuntaryPlacement ?? null,
    rent_decision: s.accommodation?.rentDecision ?? null,
    budget: s.budget,
  };
}


/** A service as the API and pages show it; amounts are null for someone who may not see money. */
export function serviceView(row: ServiceRow, policy: FundingPolicyRow | null, money: boolean, freePrescriptions: boolean, today: IsoDate) {
  const s = candidateFromRow(row);
  const shares = weeklyShares(s.weeklyCostPence, s.funding);
  const status = row.end_date && compareDates(row.end_date, today) < 0 ? 'ended' : row.confirmed_on ? 'confirmed' : 'planned';
  return {
    id: row.id,
    personId: row.person_id,
    version: row.version,
    episodeId: row.episode_id,
    description: row.description,
    category: s.category,
    careType: s.careType,
    s117: s.s117,
    scope: s.scope,
    needId: row.need_id,
    provider: row.provider,
    funding: { localAuthorityPercent: s.funding.localAuthorityPercent, icbPercent: s.funding.icbPercent },
    fundingPolicy: policy ? { id: policy.id, version: policy.version, partnershipName: policy.partnership_name } : null,
    fundingOverrideReason: row.funding_override_reason,
    moneyVisible: money,
    weeklyCostPence: money ? s.weeklyCostPence : null,
    weeklyShares: money ? shares : null,
    personContributionPence: money ? s.personContributionPence : null,
    startDate: row.start_date,
    endDate: row.end_date,
    confirmedOn: row.confirmed_on,
    status,
    accommodation: s.accommodation,
    rentMayBeBilled: rentMayBeBilled(s.s117, s.accommodation),
    budget: s.budget,
    prescriptions: prescriptionWording(s.category, s.s117, freePrescriptions),
    decisionsNeeded: serviceDecisionsNeeded(s),
  };
}
export type ServiceView = ReturnType<typeof serviceView>;

/** Issue 3 item 4, issue 4 item 1: a service links only to a need of the person's current plan (draft or latest final version). */
async function refuseUnknownNeed(db: Db, personId: string, needId: string | null | undefined): Promise<void> {
  if (!needId) return;
  const needs = await listCurrentPlanNeeds(db, personId);
  if (!needs.some((n) => n.id.toLowerCase() === needId.toLowerCase())) {
    throw new ValidationError([{ field: 'needId', message: 'That need is not in this person’s care and support plan: choose one of the plan’s needs' }]);
  }
}

/** A service as the plan shows it under the need it meets; the weekly cost only for someone who may see money. */
export interface LinkedService {
  id: string;
  description: string;
  s117: boolean;
  provider: string;
  confirmedOn: IsoDate | null;
  endDate: IsoDate | null;
  status: 'planned' | 'confirmed' | 'ended';
  weeklyCostPence: number | null;
}

/**
 * The person's services by the plan need they meet (need id, lower case), for the plan and the
 * person's copy. `money`: whether the caller may see money (canSeeMoney with moneyContext).
 */
export async function servicesByNeed(db: Db, personId: string, money: boolean, today: IsoDate): Promise<Map<string, LinkedService[]>> {
  const byNeed = new Map<string, LinkedService[]>();
  for (const row of await repo.listServices(db, personId)) {
    if (!row.need_id) continue;
    const key = row.need_id.toLowerCase();
    const status = row.end_date && compareDates(row.end_date, today) < 0 ? 'ended' : row.confirmed_on ? 'confirmed' : 'planned';
    const item: LinkedService = { id: row.id, description: row.description, s117: row.s117, provider: row.provider, confirmedOn: row.confirmed_on, endDate: row.end_date, status, weeklyCostPence: money ? row.weekly_cost_pence : null };
    byNeed.set(key, [...(byNeed.get(key) ?? []), item]);
  }
  return byNeed;
}

export function createCareServicesService(db: Db, { clock, freePrescriptions, reviews }: CareServicesOptions) {
  const today = () => todayInLondon(clock());

  async function policies(trx: Db, ctx: MoneyContext, on: IsoDate) {
    const partnership = partnershipOn(ctx, on);
    if (!partnership.localAuthority || !partnership.icb) return null;
    const rows = await repo.listFundingPolicies(trx, { localAuthority: partnership.localAuthority, icb: partnership.icb });
    const found = policyInEffect(rows.map(policyFromRow), partnership, on);
    return found ? rows.find((r) => r.id === found.id)! : null;
  }

  async function policyRow(trx: Db, id: string | null) {
    return id ? ((await repo.findFundingPolicy(trx, id)) ?? null) : null;
  }

  async function findOwn(trx: Db, person: PersonRow, serviceId: string, expectedVersion: number | null): Promise<ServiceRow> {
    const row = isUuid(serviceId) ? await repo.findService(trx, serviceId) : undefined;
    if (!row || row.person_id !== person.id) throw new NotFoundError('service');
    if (expectedVersion !== null && expectedVersion !== row.version) throw new ConflictError(`The service has changed since version ${expectedVersion}; it is now version ${row.version}`);
    return row;
  }

  async function show(trx: Db, actor: Actor, ctx: MoneyContext, row: ServiceRow) {
    return serviceView(row, await policyRow(trx, row.policy_id), canSeeMoney(actor, ctx.responsibleBodies), freePrescriptions, today());
  }

  /** Saves a changed service: validates, writes with the version check, audits. */
  async function save(trx: Db, actor: Actor, person: PersonRow, row: ServiceRow, columns: repo.ServiceChanges, action: string, details: Record<string, unknown>) {
    if (!(await repo.updateService(trx, row.id, row.version, { ...columns, updated_by: actor.userId }))) {
      throw new ConflictError('The service was changed by someone else at the same time; reload and try again');
    }
    const updated = (await repo.findService(trx, row.id))!;
    // PLAN-7 and the budget clocks are derived from services: keep the register in step.
    await refreshProjections(trx, person, today(), reviews);
    await appendAuditEvent(trx, { ...auditActor(actor), action, recordType: 'service', recordId: row.id, personId: person.id, details }, clock());
    return updated;
  }

  return {
    async create(actor: Actor, personId: string, input: unknown): Promise<ServiceView> {
      requirePermission(actor, 'services:record');
      const data = parseInput(ServiceCreateInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        await refuseUnknownNeed(trx, person.id, data.needId);
        const ctx = await moneyContext(trx, person, today());
        const policy = await policies(trx, ctx, data.startDate);
        const policyDefault = policySplit(policy ? policyFromRow(policy) : null, data.category);
        const funding: Split | undefined = data.funding ?? policyDefault ?? undefined;
        if (!funding) throw new ValidationError([{ field: 'funding', message: 'No joint funding policy sets a default for this kind of service: enter the local authority’s and the ICB’s percentages', rule: 'RESP-7' }]);
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
        if (data.confirmedOn) rejectFutureDates({ confirmedOn: data.confirmedOn }, today());
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
        });
        const row = (await repo.findService(trx, id))!;
        await refreshProjections(trx, person, today(), reviews);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'service.create', recordType: 'service', recordId: id, personId: person.id, details: moneyDetails(candidate, policy) }, clock());
        return show(trx, actor, ctx, row);
      });
    },

    async list(actor: Actor, personId: string, query?: unknown) {
      requirePermission(actor, 'person:read');
      const paging = pageQuery(query);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const ctx = await moneyContext(trx, person, today());
        const all = await repo.listServices(trx, person.id);
        // Lists convention: a keyset on (start date, recorded, id), as the repository orders them.
        const { page: rows, nextCursor } = paging ? pageInMemory(all, paging, ['asc', 'asc', 'asc'], (r) => [keyText(r.start_date), keyText(r.created_at), r.id]) : { page: all, nextCursor: null };
        const items = [];
        for (const row of rows) items.push(await show(trx, actor, ctx, row));
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'service.list', recordType: 'person', recordId: person.id, personId: person.id, details: { services: rows.length, money: canSeeMoney(actor, ctx.responsibleBodies) } }, clock());
        return { items, nextCursor, moneyVisible: canSeeMoney(actor, ctx.responsibleBodies) };
      });
    },

    async get(actor: Actor, personId: string, serviceId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = await findOwn(trx, person, serviceId, null);
        const ctx = await moneyContext(trx, person, today());
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'service.view', recordType: 'service', recordId: row.id, personId: person.id }, clock());
        return show(trx, actor, ctx, row);
      });
    },

    /** The needs of the person's current plan a service may link to (for the service form's select). */
    async planNeeds(actor: Actor, personId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const needs = await listCurrentPlanNeeds(trx, person.id);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'service.plan-needs.view', recordType: 'person', recordId: person.id, personId: person.id, details: { needs: needs.length } }, clock());
        return needs;
      });
    },

    /** The policy default a new service would take (for the form's prefill). */
    async fundingDefault(actor: Actor, personId: string, category: ServiceCategory, startDate: IsoDate) {
      requirePermission(actor, 'services:record');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const ctx = await moneyContext(trx, person, today());
        const policy = await policies(trx, ctx, startDate);
        return { policy: policy ? { id: policy.id, version: policy.version, partnershipName: policy.partnership_name, splits: policy.splits } : null, split: policySplit(policy ? policyFromRow(policy) : null, category) };
      });
    },

    async update(actor: Actor, personId: string, serviceId: string, expectedVersion: number | null, input: unknown): Promise<ServiceView> {
      requirePermission(actor, 'services:record');
      const data = parseInput(ServiceUpdateInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = await findOwn(trx, person, serviceId, expectedVersion);
        // A link kept as it was stays even if the need has since left the plan.
        if (data.needId && data.needId.toLowerCase() !== row.need_id?.toLowerCase()) await refuseUnknownNeed(trx, person.id, data.needId);
        const ctx = await moneyContext(trx, person, today());
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
        const next = applyServiceChange(candidateFromRow(row), change);
        // Fields that may be cleared with null are set here (applyServiceChange skips undefined only).
        if (data.scope !== undefined) next.scope = data.scope;
        if (data.endDate !== undefined) next.endDate = data.endDate;
        if (data.accommodation !== undefined) next.accommodation = data.accommodation ? withDecider({ ...data.accommodation, reason: data.accommodation.reason ?? null }, accommodationFromRow(row), actor) : null;
        const violations = serviceViolations(next);
        // RESP-7 is checked again only when what decides the split changes.
        const overrideReason = data.fundingOverrideReason !== undefined ? data.fundingOverrideReason : row.funding_override_reason;
        let policy = await policyRow(trx, row.policy_id);
        if (data.funding !== undefined || data.category !== undefined || data.startDate !== undefined) {
          policy = await policies(trx, ctx, next.startDate);
          violations.push(...fundingDecisionViolations(next.funding, policySplit(policy ? policyFromRow(policy) : null, next.category), overrideReason));
        }
        refuse(violations);
        const updated = await save(
          trx,
          actor,
          person,
          row,
          {
            ...candidateColumns(next),
            ...(data.provider !== undefined && { provider: data.provider }),
            ...(data.needId !== undefined && { need_id: data.needId }),
            policy_id: policy?.id ?? null,
            funding_override_reason: overrideReason ?? null,
            episode_id: episodeOn(ctx.aftercare, next.startDate)?.id ?? row.episode_id,
          },
          'service.update',
          { fields: Object.keys(data), ...moneyDetails(next, policy) },
        );
        return show(trx, actor, ctx, updated);
      });
    },

    /** PLAN-7: a planned service is confirmed on a date. */
    async confirm(actor: Actor, personId: string, serviceId: string, expectedVersion: number | null, input: unknown): Promise<ServiceView> {
      requirePermission(actor, 'services:record');
      const data = parseInput(ServiceConfirmInput, input ?? {});
      const confirmedOn = data.confirmedOn ?? today();
      rejectFutureDates({ confirmedOn }, today());
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = await findOwn(trx, person, serviceId, expectedVersion);
        const ctx = await moneyContext(trx, person, today());
        const updated = await save(trx, actor, person, row, { confirmed_on: confirmedOn }, 'service.confirm', { confirmedOn });
        return show(trx, actor, ctx, updated);
      });
    },

    async end(actor: Actor, personId: string, serviceId: string, expectedVersion: number | null, input: unknown): Promise<ServiceView> {
      requirePermission(actor, 'services:record');
      const data = parseInput(ServiceEndInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = await findOwn(trx, person, serviceId, expectedVersion);
        if (compareDates(data.endDate, row.start_date) < 0) throw new ValidationError([{ field: 'endDate', message: 'The end date must be on or after the start date' }]);
        const ctx = await moneyContext(trx, person, today());
        const updated = await save(trx, actor, person, row, { end_date: data.endDate }, 'service.end', { endDate: data.endDate });
        return show(trx, actor, ctx, updated);
      });
    },

    /**
     * CHG-1: every s117 service of the people the caller's organisation may see, for the council's
     * charging system to block charges. A CSV with a header row, RFC 4180 quoting and no formulas.
     */
    async noChargeCsv(actor: Actor): Promise<{ csv: string; rows: number }> {
      requirePermission(actor, 'finance:export');
      return db.transaction().execute(async (trx) => {
        const rows = await repo.listS117ServicesVisibleTo(trx, actor.role === 'admin' ? null : actor.organisationCode);
        const episodesOf = new Map<string, AftercareResult>();
        const lines: (string | number | null)[][] = [
          ['person_id', 'nhs_number', 'local_id', 'service_id', 'description', 'category', 'service_start_date', 'service_end_date', 'entitlement_from', 'entitlement_to', 'instruction'],
        ];
        for (const row of rows) {
          if (!episodesOf.has(row.person_id)) {
            const person = (await people.findPerson(trx, row.person_id))!;
            episodesOf.set(row.person_id, await deriveAftercare(trx, person, today()));
          }
          const episode = episodeOn(episodesOf.get(row.person_id)!, row.start_date);
          const rent = row.accommodation_type && !rentMayBeBilled(true, accommodationFromRow(row)) ? 'must not be charged, including rent and service charges' : 'must not be charged';
          lines.push([
            row.person_id,
            row.nhs_number,
            row.local_id,
            row.id,
            row.description,
            row.category,
            row.start_date,
            row.end_date,
            episode ? (episode.leftHospitalOn ?? episode.qualifyingFrom) : null,
            episode?.endedOn ?? null,
            rent,
          ]);
        }
        await appendAuditEvent(
          trx,
          { ...auditActor(actor), action: 'finance.no-charge-export', details: { services: rows.length, personIds: [...episodesOf.keys()] } },
          clock(),
        );
        return { csv: toCsv(lines), rows: rows.length };
      });
    },
  };
}

export type CareServicesService = ReturnType<typeof createCareServicesService>;

/** SCOPE-5: a new or changed decision on rent records who made it; an unchanged one keeps its maker. */
function withDecider(accommodation: Accommodation, before: Accommodation | null, actor: Actor): Accommodation {
  const decision = accommodation.rentDecision;
  if (!decision) return { ...accommodation, rentDecision: null };
  const old = before?.rentDecision;
  const same = old && old.decision === decision.decision && old.reason === decision.reason && old.decidedOn === decision.decidedOn;
  return { ...accommodation, rentDecision: { ...decision, decidedBy: same ? (old.decidedBy ?? null) : actor.userId } };
}

function moneyDetails(s: ServiceCandidate, policy: FundingPolicyRow | null) {
  return {
    s117: s.s117,
    category: s.category,
    careType: s.careType,
    laPercent: s.funding.localAuthorityPercent,
    icbPercent: s.funding.icbPercent,
    weeklyCostPence: s.weeklyCostPence,
    personContributionPence: s.personContributionPence,
    policyId: policy?.id ?? null,
    policyVersion: policy?.version ?? null,
  };
}

/** A cell that a spreadsheet would run as a formula gets a leading quote (CSV injection). */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  // Formula injection comes from text; a number (a negative balance) must stay a number.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180: CRLF line ends, quoted fields where needed. */
export function toCsv(lines: readonly (readonly (string | number | null)[])[]): string {
  return lines.map((line) => line.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
