// Direct payments (the local authority's) and personal health budgets (the ICB's): the services they
// pay for (DP-3), the payee checks (DP-1(b)), who may have one and who manages it (DP-1(a), (c), DP-2),
// the care-home limit (DP-1(e)), the PHB care plan before paying, refusals, reductions with notice
// (DP-2), changes and ending, and their review clocks (DP-1(d), DP-2).
import type { LawSettings } from '../../domain/aftercare.ts';
import { randomUUID } from 'node:crypto';
import { canSeeMoney } from '../../domain/access.ts';
import {
  ageOn,
  budgetReductionViolations,
  budgetViolations,
  eligibilityViolations,
  holderBody,
  paymentViolations,
  payeeNeedsNecessity,
  reductionByChangeViolations,
  type CarePlan,
} from '../../domain/budgets.ts';
import { compareDates, todayInLondon, type IsoDate } from '../../domain/dates.ts';
import { partnershipOn } from '../../domain/funding.ts';
import type { ReviewSettings } from '../../domain/reviews.ts';
import type { Db } from '../../data/database.ts';
import * as repo from '../../data/budgets-repository.ts';
import { loadPersonReadModel } from '../../data/person-read-model.ts';
import { findService, SERVICES_PART } from '../../data/care-services-repository.ts';
import type { BudgetRow, PersonRow } from '../../data/schema.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { NotFoundError, ValidationError } from '../kernel/errors.ts';
import { decodeCursor, pageOf, pageQuery, type Page } from '../kernel/paging.ts';
import { isUuid, uuidOrNull, rejectFutureDates } from '../kernel/person-record.ts';
import { checkVersion, mustHaveUpdated, type UseCases } from '../kernel/use-case.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { moneyContext, moneyContextOf, type MoneyContext } from '../care-services/money-context.ts';
import { servicesDetails, servicesOf } from '../care-services/care-services-parts.ts';
import { factsOfModel, RECORD_PARTS, viewOfModel } from '../people/people-service.ts';
import { BudgetCreateInput, BudgetEndInput, BudgetReductionInput, BudgetReviewInput, BudgetReviewTriggerInput, BudgetUpdateInput } from './budgets-inputs.ts';
import { budgetView, stateFromRow, type BudgetState, type BudgetView } from './budgets-view.ts';

function normaliseCarePlan(plan: Partial<CarePlan> | null | undefined): CarePlan | null {
  if (!plan) return null;
  return {
    healthNeedsAndOutcomes: plan.healthNeedsAndOutcomes ?? null,
    services: plan.services ?? null,
    amountAndPaymentIntervals: plan.amountAndPaymentIntervals ?? null,
    careCoordinator: plan.careCoordinator ?? null,
    conditionMonitoring: plan.conditionMonitoring ?? null,
    firstReviewOn: plan.firstReviewOn ?? null,
    reductionNoticeDays: plan.reductionNoticeDays ?? null,
  };
}

function stateColumns(s: BudgetState) {
  return {
    service_ids: JSON.stringify(s.serviceIds),
    payee_relationship: s.payeeRelationship,
    payee_is_close_relative_in_household: payeeNeedsNecessity(s.payeeRelationship, s.payeeLivesInSameHousehold),
    necessity_reason: s.necessityReason,
    start_date: s.startDate,
    end_date: s.endDate,
    amount_pence_per_week: s.amountPencePerWeek,
    offered_on: s.offeredOn,
    drug_or_alcohol_requirement: s.drugOrAlcoholRequirement,
    capacity: s.capacity,
    consents: s.consents,
    authorised_person: s.authorisedPerson ? JSON.stringify(s.authorisedPerson) : null,
    consultation_recorded_on: s.consultationRecordedOn,
    enhanced_dbs_checked_on: s.enhancedDbsCheckedOn,
    care_plan: s.carePlan ? JSON.stringify(s.carePlan) : null,
    paying_from: s.payingFrom,
    refused_on: s.refusedOn,
    refusal_reasons: s.refusalReasons,
  };
}

export interface BudgetsOptions {
  clock: () => Date;
  reviews: ReviewSettings;
  useCases: UseCases;
  careHomeSch2?: boolean;
  /** SCOPE-7's wording, for the services the add form lists. */
  freePrescriptions?: boolean;
}

/** What a change to a budget hands its audit event: the budget and what the event records. */
interface Changed { id: string; details: Record<string, unknown> }

/** Budgets as the caller may see them (amounts only for someone who may see money), with their reviews, reductions and triggers. */
async function views(trx: Db, actor: Actor, person: PersonRow, rows: BudgetRow[], on: IsoDate, law: LawSettings): Promise<BudgetView[]> {
  const ctx = await moneyContext(trx, person, on, law);
  return viewsOf(await repo.budgetsRowsOf(trx, rows), actor, ctx, on);
}

/** views from the rows already read (a read model's): no query. */
function viewsOf(rows: repo.BudgetsRows, actor: Actor, ctx: MoneyContext, on: IsoDate): BudgetView[] {
  const money = canSeeMoney(actor, ctx.responsibleBodies);
  return rows.budgets.map((r) => budgetView(r, rows, money, on));
}

async function findOwn(trx: Db, person: PersonRow, budgetId: string, expectedVersion: number | null = null): Promise<BudgetRow> {
  const budget = isUuid(budgetId) ? await repo.findBudget(trx, budgetId) : undefined;
  if (!budget || budget.person_id !== person.id) throw new NotFoundError('budget');
  checkVersion('budget', expectedVersion, budget.version);
  return budget;
}

/** A budgets page's keyset: (start date, id). */
const BUDGET_KEY = ['date', 'uuid'] as const;

/**
 * The page of budgets after the cursor's, on the keyset the database compares: dates as their
 * ISO text, a uuid as its text in lower case (what the cursor's, checked by decodeCursor, may not be).
 */
function budgetsPage(budgets: BudgetRow[], page: Page): { page: BudgetRow[]; nextCursor: string | null } {
  const after = decodeCursor(page.cursor, BUDGET_KEY);
  const [date, id] = after ? [after[0]!, after[1]!.toLowerCase()] : ['', ''];
  const rest = after ? budgets.filter((b) => b.start_date > date || (b.start_date === date && b.id > id)) : budgets;
  return pageOf(rest, page.limit, (r) => [r.start_date, r.id]);
}

/** The person's budgets from their rows already read (a read model's); without paging (the pages) every one. No query. */
export function budgetsOf(rows: repo.BudgetsRows, actor: Actor, ctx: MoneyContext, today: IsoDate, page?: Page | null) {
  const { page: shown, nextCursor } = page ? budgetsPage(rows.budgets, page) : { page: rows.budgets, nextCursor: null };
  return { items: viewsOf({ ...rows, budgets: shown }, actor, ctx, today), nextCursor };
}

/**
 * One of the person's budgets by the URL's id. An id that is not a UUID is no budget of theirs: asked
 * for as null (so the statement's text stays the same), still 404 after the person's 404 and 403.
 */
const oneBudgetPartOf = (budgetId: string) => repo.oneBudgetPart(uuidOrNull(budgetId));

/** The budget from the read model's rows of that one budget (none: not the person's, 404): no query. */
function budgetOf(rows: repo.BudgetsRows, actor: Actor, ctx: MoneyContext, today: IsoDate): BudgetView {
  if (rows.budgets.length === 0) throw new NotFoundError('budget');
  return viewsOf(rows, actor, ctx, today)[0]!;
}

/** The audit event of a read of one budget (as `get` has always written it). */
export const budgetReadAudit = (b: BudgetView) => ({ action: 'budget.read', recordType: 'budget', recordId: b.id });

export function createBudgetService(db: Db, { clock, useCases, careHomeSch2 = false, freePrescriptions = false }: BudgetsOptions) {
  const { law } = useCases;
  const today = () => todayInLondon(clock());

  /** Every rule a budget in this state must meet (DP-1, DP-2, DP-3), refused together. */
  async function check(trx: Db, person: PersonRow, s: BudgetState, on: IsoDate, budgetId: string | null = null): Promise<void> {
    const dates: Record<string, IsoDate> = {};
    for (const k of ['offeredOn', 'consultationRecordedOn', 'enhancedDbsCheckedOn', 'refusedOn'] as const) if (s[k]) dates[k] = s[k];
    rejectFutureDates(dates, on);
    const services = [];
    let paysForCareHome = false;
    for (const [i, id] of s.serviceIds.entries()) {
      const row = await findService(trx, id);
      if (!row || row.person_id !== person.id) throw new ValidationError([{ field: `serviceIds.${i}`, message: 'That service is not one of this person’s services' }]);
      services.push({ id, funding: { localAuthorityPercent: row.la_percent, icbPercent: row.icb_percent } });
      if (row.accommodation_type === 'care-home') paysForCareHome = true;
    }
    // DP-1(e) across all of the person's direct payments that paid for a care home (issue 15, money 2).
    const otherCareHomePeriods: { from: IsoDate; to: IsoDate | null }[] = [];
    if (s.kind === 'direct-payment' && paysForCareHome && !careHomeSch2) {
      for (const other of await repo.listBudgets(trx, person.id)) {
        if (other.id === budgetId || other.kind !== 'direct-payment' || other.refused_on) continue;
        let careHome = false;
        for (const id of other.service_ids as string[]) if ((await findService(trx, id))?.accommodation_type === 'care-home') careHome = true;
        if (careHome) otherCareHomePeriods.push({ from: other.start_date, to: other.end_date });
      }
    }
    refuse([
      ...budgetViolations({ ...s, services }),
      ...eligibilityViolations({ ...s, ageOnStart: ageOn(person.date_of_birth, s.startDate), paysForCareHome, careHomeSch2, paying: s.payingFrom !== null, otherCareHomePeriods }),
      ...paymentViolations(s),
    ]);
  }

  /**
   * A change to one of the person's budgets. The budget clocks feed the register's summary, so the
   * runner re-derives the projections; the answer is the budget as changed.
   */
  function changeBudget(actor: Actor, personId: string, action: string, work: (ctx: { trx: Db; person: PersonRow; today: IsoDate; now: Date }) => Promise<Changed>): Promise<BudgetView> {
    return useCases.change(
      actor,
      personId,
      { permission: 'services:record', audit: (c: Changed) => ({ action, recordType: 'budget', recordId: c.id, details: c.details }) },
      work,
      async ({ trx, person, today }, c) => (await views(trx, actor, person, [(await repo.findBudget(trx, c.id))!], today, law))[0]!,
    );
  }

  return {
    /** Lists convention: a keyset on (start date, id). Without a query (the pages) every budget. */
    async list(actor: Actor, personId: string, query?: unknown) {
      requirePermission(actor, 'person:read');
      const page = pageQuery(query);
      // A cursor that does not decode is refused before the person is read.
      decodeCursor(page?.cursor, BUDGET_KEY);
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit: (r: { items: BudgetView[] }) => ({ action: 'budget.list', details: { budgets: r.items.length } }) },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { facts: true }, undefined, repo.BUDGETS_PART),
        ({ model, today }) => budgetsOf(model.part, actor, moneyContextOf(factsOfModel(model, law), today), today, page),
      );
    },

    /** The add form: the person and the services a new budget may pay for, in one read-model statement. */
    async newPage(actor: Actor, personId: string) {
      const audit = (r: { services: { items: unknown[]; moneyVisible: boolean } }) => ({ action: 'service.list', details: { parts: ['person', 'services'], ...servicesDetails(r.services) } });
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, RECORD_PARTS, undefined, SERVICES_PART),
        ({ model, today }) => ({ person: viewOfModel(model), services: servicesOf(model.part, actor, moneyContextOf(factsOfModel(model, law), today), today, { freePrescriptions }) }),
      );
    },

    /** A page about one budget (reviewing, changing or ending it): the person and the budget (404 when not theirs), in one read-model statement. */
    async budgetPage(actor: Actor, personId: string, budgetId: string) {
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit: (r: { budget: BudgetView }) => ({ ...budgetReadAudit(r.budget), details: { parts: ['person', 'budget'] } }) },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, RECORD_PARTS, undefined, oneBudgetPartOf(budgetId)),
        ({ model, today }) => ({ person: viewOfModel(model), budget: budgetOf(model.part, actor, moneyContextOf(factsOfModel(model, law), today), today) }),
      );
    },

    async get(actor: Actor, personId: string, budgetId: string): Promise<BudgetView> {
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit: (b: BudgetView) => ({ ...budgetReadAudit(b), details: {} }) },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { facts: true }, undefined, oneBudgetPartOf(budgetId)),
        ({ model, today }) => budgetOf(model.part, actor, moneyContextOf(factsOfModel(model, law), today), today),
      );
    },

    async create(actor: Actor, personId: string, input: unknown): Promise<BudgetView> {
      requirePermission(actor, 'services:record');
      const data = parseInput(BudgetCreateInput, input);
      return changeBudget(actor, personId, 'budget.create', async ({ trx, person, today }) => {
        const state: BudgetState = {
          kind: data.kind,
          serviceIds: data.serviceIds,
          payeeRelationship: data.payeeRelationship,
          payeeLivesInSameHousehold: data.payeeLivesInSameHousehold,
          necessityReason: data.necessityReason ?? null,
          startDate: data.startDate,
          endDate: data.endDate ?? null,
          amountPencePerWeek: data.amountPencePerWeek,
          offeredOn: data.offeredOn ?? null,
          drugOrAlcoholRequirement: data.drugOrAlcoholRequirement,
          capacity: data.capacity,
          consents: data.consents ?? null,
          authorisedPerson: data.authorisedPerson ?? null,
          consultationRecordedOn: data.consultationRecordedOn ?? null,
          enhancedDbsCheckedOn: data.enhancedDbsCheckedOn ?? null,
          carePlan: normaliseCarePlan(data.carePlan),
          payingFrom: data.payingFrom ?? null,
          refusedOn: data.refusedOn ?? null,
          refusalReasons: data.refusalReasons ?? null,
        };
        await check(trx, person, state, today);
        const ctx = await moneyContext(trx, person, today, law);
        const partnership = partnershipOn(ctx, data.startDate);
        const holder = holderBody(data.kind);
        const id = randomUUID();
        const { service_ids: _ids, ...columns } = stateColumns(state);
        await repo.insertBudget(trx, {
          ...columns,
          id,
          person_id: person.id,
          kind: data.kind,
          holder_body: holder,
          holder_code: holder === 'local-authority' ? partnership.localAuthority : partnership.icb,
          service_ids: data.serviceIds,
          created_by: actor.userId,
        });
        return { id, details: { kind: data.kind, serviceIds: data.serviceIds, amountPencePerWeek: data.amountPencePerWeek, payeeRelationship: data.payeeRelationship, capacity: data.capacity } };
      });
    },

    /** A change to a budget (If-Match): every rule is checked again on the budget as changed. */
    async update(actor: Actor, personId: string, budgetId: string, expectedVersion: number | null, input: unknown): Promise<BudgetView> {
      requirePermission(actor, 'services:record');
      const data = parseInput(BudgetUpdateInput, input);
      return changeBudget(actor, personId, 'budget.update', async ({ trx, person, today, now }) => {
        const row = await findOwn(trx, person, budgetId, expectedVersion);
        const current = stateFromRow(row);
        const next: BudgetState = { ...current };
        for (const [k, v] of Object.entries(data) as [keyof BudgetState, unknown][]) {
          if (v === undefined) continue;
          (next as unknown as Record<string, unknown>)[k] = k === 'carePlan' ? normaliseCarePlan(v as Partial<CarePlan> | null) : v;
        }
        refuse(reductionByChangeViolations({ kind: row.kind, payingFrom: row.paying_from, amountPencePerWeek: row.amount_pence_per_week }, next.amountPencePerWeek));
        await check(trx, person, next, today, row.id);
        mustHaveUpdated(await repo.updateBudget(trx, row.id, row.version, { ...stateColumns(next), updated_by: actor.userId, updated_at: now }), 'budget');
        return { id: row.id, details: { fields: Object.keys(data) } };
      });
    },

    /** Ends a budget on a date, with the reason; its review clock stops once the date has passed. */
    async end(actor: Actor, personId: string, budgetId: string, expectedVersion: number | null, input: unknown): Promise<BudgetView> {
      requirePermission(actor, 'services:record');
      const data = parseInput(BudgetEndInput, input);
      return changeBudget(actor, personId, 'budget.end', async ({ trx, person, now }) => {
        const row = await findOwn(trx, person, budgetId, expectedVersion);
        if (row.end_reason) throw new ValidationError([{ field: 'endDate', message: `This budget has already ended (${row.end_date})` }]);
        if (compareDates(data.endDate, row.start_date) < 0) throw new ValidationError([{ field: 'endDate', message: 'The end date must be on or after the start date' }]);
        mustHaveUpdated(await repo.updateBudget(trx, row.id, row.version, { end_date: data.endDate, end_reason: data.reason, updated_by: actor.userId, updated_at: now }), 'budget');
        return { id: row.id, details: { endDate: data.endDate } };
      });
    },

    /** DP-2: a reduction or stopping (new amount 0), after reasonable written notice. */
    async recordReduction(actor: Actor, personId: string, budgetId: string, expectedVersion: number | null, input: unknown): Promise<BudgetView> {
      requirePermission(actor, 'services:record');
      const data = parseInput(BudgetReductionInput, input);
      rejectFutureDates({ noticeGivenOn: data.noticeGivenOn, ...(data.furtherReviewRequestedOn && { furtherReviewRequestedOn: data.furtherReviewRequestedOn }) }, today());
      return changeBudget(actor, personId, 'budget.reduce', async ({ trx, person, now }) => {
        const row = await findOwn(trx, person, budgetId, expectedVersion);
        const noticeDays = ((row.care_plan as CarePlan | null) ?? null)?.reductionNoticeDays ?? null;
        refuse(budgetReductionViolations(row.kind, data, row.amount_pence_per_week, noticeDays));
        mustHaveUpdated(await repo.updateBudget(trx, row.id, row.version, { amount_pence_per_week: data.newAmountPencePerWeek, updated_by: actor.userId, updated_at: now }), 'budget');
        const id = randomUUID();
        await repo.insertBudgetReduction(trx, {
          id,
          budget_id: row.id,
          previous_amount_pence_per_week: row.amount_pence_per_week,
          new_amount_pence_per_week: data.newAmountPencePerWeek,
          notice_given_on: data.noticeGivenOn,
          effective_on: data.effectiveOn,
          further_review_requested_on: data.furtherReviewRequestedOn ?? null,
          recorded_by: actor.userId,
        });
        return {
          id: row.id,
          details: { reductionId: id, previousAmountPencePerWeek: row.amount_pence_per_week, newAmountPencePerWeek: data.newAmountPencePerWeek, noticeGivenOn: data.noticeGivenOn, effectiveOn: data.effectiveOn },
        };
      });
    },

    /** DP-1(d): a suspected breach or a change in capacity: a review is due now. */
    async recordReviewTrigger(actor: Actor, personId: string, budgetId: string, input: unknown): Promise<BudgetView> {
      requirePermission(actor, 'services:record');
      const data = parseInput(BudgetReviewTriggerInput, input);
      rejectFutureDates({ occurredOn: data.occurredOn }, today());
      return changeBudget(actor, personId, 'budget.review-trigger', async ({ trx, person }) => {
        const row = await findOwn(trx, person, budgetId);
        if (compareDates(data.occurredOn, row.start_date) < 0) throw new ValidationError([{ field: 'occurredOn', message: 'The event cannot be before the budget starts' }]);
        await repo.insertBudgetReviewTrigger(trx, { id: randomUUID(), budget_id: row.id, kind: data.kind, occurred_on: data.occurredOn, recorded_by: actor.userId });
        await repo.bumpBudgetVersion(trx, row.id);
        return { id: row.id, details: { kind: data.kind, occurredOn: data.occurredOn } };
      });
    },

    /** DP-1(d), DP-2: a review held; the next is due no more than 12 months later. */
    async recordReview(actor: Actor, personId: string, budgetId: string, input: unknown): Promise<BudgetView> {
      requirePermission(actor, 'services:record');
      const data = parseInput(BudgetReviewInput, input);
      rejectFutureDates({ heldOn: data.heldOn }, today());
      return changeBudget(actor, personId, 'budget.review', async ({ trx, person }) => {
        const budget = await findOwn(trx, person, budgetId);
        if (compareDates(data.heldOn, budget.start_date) < 0) throw new ValidationError([{ field: 'heldOn', message: 'A review of the budget cannot be held before the budget starts' }]);
        await repo.insertBudgetReview(trx, { id: randomUUID(), budgetId: budget.id, heldOn: data.heldOn, reason: data.reason, recordedBy: actor.userId });
        await repo.bumpBudgetVersion(trx, budget.id);
        return { id: budget.id, details: { heldOn: data.heldOn, reason: data.reason } };
      });
    },
  };
}

export type BudgetService = ReturnType<typeof createBudgetService>;
