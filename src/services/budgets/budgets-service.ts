// Direct payments (the local authority's) and personal health budgets (the ICB's): the services they
// pay for (DP-3), the payee checks (DP-1(b)), who may have one and who manages it (DP-1(a), (c), DP-2),
// the care-home limit (DP-1(e)), the PHB care plan before paying, refusals, reductions with notice
// (DP-2), changes and ending, and their review clocks (DP-1(d), DP-2).
import { randomUUID } from 'node:crypto';
import { canSeeMoney } from '../../domain/access.ts';
import {
  ageOn,
  budgetReviewDueWithTriggers,
  budgetViolations,
  eligibilityViolations,
  holderBody,
  missingCarePlanParts,
  payeeNeedsNecessity,
  reductionViolations,
  type AuthorisedPerson,
  type CarePlan,
  type PayeeRelationship,
} from '../../domain/budgets.ts';
import { compareDates, todayInLondon, type IsoDate } from '../../domain/dates.ts';
import type { Violation } from '../../domain/funding.ts';
import type { ReviewSettings } from '../../domain/reviews.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import type { BudgetReductionRow, BudgetReviewRow, BudgetReviewTriggerRow, BudgetRow, PersonRow } from '../../data/schema.ts';
import * as repo from '../../data/care-services-repository.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { moneyContext, partnershipOn } from '../care-services/care-services-service.ts';
import { ConflictError, NotFoundError, ValidationError } from '../kernel/errors.ts';
import { decodeCursor, pageOf, pageQuery } from '../kernel/paging.ts';
import { findVisiblePerson, isUuid, refreshProjections, rejectFutureDates } from '../kernel/person-record.ts';
import { BudgetCreateInput, BudgetEndInput, BudgetReductionInput, BudgetReviewInput, BudgetReviewTriggerInput, BudgetUpdateInput } from '../care-services/care-services-inputs.ts';
import { parseInput } from '../kernel/validation.ts';

interface Related { reviews: BudgetReviewRow[]; reductions: BudgetReductionRow[]; triggers: BudgetReviewTriggerRow[] }

/** DP-1(d): events that make a review due now: a suspected breach, a change in capacity, and (DP-2) the further review asked for after a reduction. */
function triggerDates(row: BudgetRow, related: Related): IsoDate[] {
  return [
    ...related.triggers.filter((t) => t.budget_id === row.id).map((t) => t.occurred_on),
    ...related.reductions.filter((r) => r.budget_id === row.id && r.further_review_requested_on).map((r) => r.further_review_requested_on!),
  ];
}

export function budgetView(row: BudgetRow, related: Related | BudgetReviewRow[], money: boolean, today: IsoDate) {
  const rel: Related = Array.isArray(related) ? { reviews: related, reductions: [], triggers: [] } : related;
  const held = rel.reviews.filter((r) => r.budget_id === row.id);
  const reviewDue = budgetReviewDueWithTriggers({ kind: row.kind, startDate: row.start_date, endDate: row.end_date }, held.map((r) => r.held_on), triggerDates(row, rel), today);
  const carePlan = (row.care_plan as CarePlan | null) ?? null;
  return {
    id: row.id,
    personId: row.person_id,
    version: row.version,
    kind: row.kind,
    holderBody: row.holder_body,
    holderCode: row.holder_code,
    serviceIds: row.service_ids as string[],
    payeeRelationship: row.payee_relationship,
    payeeLivesInSameHousehold: row.payee_is_close_relative_in_household,
    necessityReason: row.necessity_reason,
    startDate: row.start_date,
    endDate: row.end_date,
    endReason: row.end_reason,
    offeredOn: row.offered_on,
    drugOrAlcoholRequirement: row.drug_or_alcohol_requirement,
    capacity: row.capacity,
    consents: row.consents,
    authorisedPerson: (row.authorised_person as AuthorisedPerson | null) ?? null,
    consultationRecordedOn: row.consultation_recorded_on,
    enhancedDbsCheckedOn: row.enhanced_dbs_checked_on,
    carePlan,
    carePlanMissing: row.kind === 'personal-health-budget' ? missingCarePlanParts(carePlan) : [],
    payingFrom: row.paying_from,
    refusedOn: row.refused_on,
    refusalReasons: row.refusal_reasons,
    moneyVisible: money,
    amountPencePerWeek: money ? row.amount_pence_per_week : null,
    reductions: rel.reductions
      .filter((r) => r.budget_id === row.id)
      .map((r) => ({
        id: r.id,
        previousAmountPencePerWeek: money ? r.previous_amount_pence_per_week : null,
        newAmountPencePerWeek: money ? r.new_amount_pence_per_week : null,
        noticeGivenOn: r.notice_given_on,
        effectiveOn: r.effective_on,
        furtherReviewRequestedOn: r.further_review_requested_on,
      })),
    reviewTriggers: rel.triggers.filter((t) => t.budget_id === row.id).map((t) => ({ id: t.id, kind: t.kind, occurredOn: t.occurred_on })),
    reviews: held.map((r) => ({ id: r.id, heldOn: r.held_on, reason: r.reason })),
    reviewDueOn: reviewDue,
    reviewOverdue: reviewDue !== null && compareDates(reviewDue, today) < 0,
  };
}
export type BudgetView = ReturnType<typeof budgetView>;

/** The state a budget is checked in: a row merged with a change. */
interface BudgetState {
  kind: BudgetRow['kind'];
  serviceIds: string[];
  payeeRelationship: PayeeRelationship;
  payeeLivesInSameHousehold: boolean;
  necessityReason: string | null;
  startDate: IsoDate;
  endDate: IsoDate | null;
  amountPencePerWeek: number;
  offeredOn: IsoDate | null;
  drugOrAlcoholRequirement: boolean;
  capacity: 'has' | 'lacks';
  consents: boolean | null;
  authorisedPerson: AuthorisedPerson | null;
  consultationRecordedOn: IsoDate | null;
  enhancedDbsCheckedOn: IsoDate | null;
  carePlan: CarePlan | null;
  payingFrom: IsoDate | null;
  refusedOn: IsoDate | null;
  refusalReasons: string | null;
}

function stateFromRow(row: BudgetRow): BudgetState {
  return {
    kind: row.kind,
    serviceIds: row.service_ids as string[],
    payeeRelationship: row.payee_relationship as PayeeRelationship,
    // Stored as "needs a necessity" (0005); the view has always shown it as the household flag.
    payeeLivesInSameHousehold: row.payee_is_close_relative_in_household,
    necessityReason: row.necessity_reason,
    startDate: row.start_date,
    endDate: row.end_date,
    amountPencePerWeek: row.amount_pence_per_week,
    offeredOn: row.offered_on,
    drugOrAlcoholRequirement: row.drug_or_alcohol_requirement,
    capacity: row.capacity,
    consents: row.consents,
    authorisedPerson: (row.authorised_person as AuthorisedPerson | null) ?? null,
    consultationRecordedOn: row.consultation_recorded_on,
    enhancedDbsCheckedOn: row.enhanced_dbs_checked_on,
    carePlan: (row.care_plan as CarePlan | null) ?? null,
    payingFrom: row.paying_from,
    refusedOn: row.refused_on,
    refusalReasons: row.refusal_reasons,
  };
}

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

const withRule = (v: Violation) => ({ field: v.field, message: v.message, ...(v.rule && { rule: v.rule }) });

export function createBudgetService(db: Db, { clock, reviews: reviewSettings, careHomeSch2 = false }: { clock: () => Date; reviews: ReviewSettings; careHomeSch2?: boolean }) {
  const today = () => todayInLondon(clock());

  async function views(trx: Db, actor: Actor, person: PersonRow, rows: BudgetRow[]) {
    const ctx = await moneyContext(trx, person, today());
    const money = canSeeMoney(actor, ctx.responsibleBodies);
    const ids = rows.map((r) => r.id);
    const related = { reviews: await repo.listBudgetReviews(trx, ids), reductions: await repo.listBudgetReductions(trx, ids), triggers: await repo.listBudgetReviewTriggers(trx, ids) };
    return rows.map((r) => budgetView(r, related, money, today()));
  }

  async function findOwn(trx: Db, person: PersonRow, budgetId: string, expectedVersion: number | null = null): Promise<BudgetRow> {
    const budget = isUuid(budgetId) ? await repo.findBudget(trx, budgetId) : undefined;
    if (!budget || budget.person_id !== person.id) throw new NotFoundError('budget');
    if (expectedVersion !== null && expectedVersion !== budget.version) throw new ConflictError(`The budget has changed since version ${expectedVersion}; it is now version ${budget.version}`);
    return budget;
  }

  /** Every rule a budget in this state must meet (DP-1, DP-2, DP-3), refused together. */
  async function check(trx: Db, person: PersonRow, s: BudgetState): Promise<void> {
    const dates: Record<string, IsoDate> = {};
    for (const k of ['offeredOn', 'consultationRecordedOn', 'enhancedDbsCheckedOn', 'refusedOn'] as const) if (s[k]) dates[k] = s[k];
    rejectFutureDates(dates, today());
    const services = [];
    let paysForCareHome = false;
    for (const [i, id] of s.serviceIds.entries()) {
      const row = await repo.findService(trx, id);
      if (!row || row.person_id !== person.id) throw new ValidationError([{ field: `serviceIds.${i}`, message: 'That service is not one of this person’s services' }]);
      services.push({ id, funding: { localAuthorityPercent: row.la_percent, icbPercent: row.icb_percent } });
      if (row.accommodation_type === 'care-home') paysForCareHome = true;
    }
    const violations = [
      ...budgetViolations({ ...s, services }),
      ...eligibilityViolations({ ...s, ageOnStart: ageOn(person.date_of_birth, s.startDate), paysForCareHome, careHomeSch2, paying: s.payingFrom !== null }),
    ];
    // DP-1(b) applies to health budgets too: a close relative in the household needs a recorded necessity.
    if (s.kind === 'personal-health-budget' && payeeNeedsNecessity(s.payeeRelationship, s.payeeLivesInSameHousehold) && !(s.necessityReason && s.necessityReason.trim())) {
      violations.push({ field: 'necessityReason', message: 'A personal health budget may pay a spouse or partner, or a close relative living in the same household, only when the ICB records why it is necessary', rule: 'DP-2' });
    }
    if (s.payingFrom && compareDates(s.payingFrom, s.startDate) < 0) violations.push({ field: 'payingFrom', message: 'Payments cannot begin before the budget starts' });
    if (violations.length > 0) throw new ValidationError(violations.map(withRule));
  }

  async function respond(trx: Db, actor: Actor, person: PersonRow, id: string) {
    return (await views(trx, actor, person, [(await repo.findBudget(trx, id))!]))[0]!;
  }

  return {
    /** Lists convention: a keyset on (start date, id). Without a query (the pages) every budget. */
    async list(actor: Actor, personId: string, query?: unknown) {
      requirePermission(actor, 'person:read');
      const page = pageQuery(query);
      const after = decodeCursor(page?.cursor, 2);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const { page: shown, nextCursor } = page
          ? pageOf(await repo.listBudgetsPage(trx, person.id, after && { startDate: after[0]!, id: after[1]! }, page.limit + 1), page.limit, (r) => [r.start_date, r.id])
          : { page: await repo.listBudgets(trx, person.id), nextCursor: null };
        const items = await views(trx, actor, person, shown);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'budget.list', recordType: 'person', recordId: person.id, personId: person.id, details: { budgets: items.length } }, clock());
        return { items, nextCursor };
      });
    },

    async get(actor: Actor, personId: string, budgetId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const budget = await findOwn(trx, person, budgetId);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'budget.read', recordType: 'budget', recordId: budget.id, personId: person.id, details: {} }, clock());
        return respond(trx, actor, person, budget.id);
      });
    },

    async create(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'services:record');
      const data = parseInput(BudgetCreateInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
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
        await check(trx, person, state);
        const ctx = await moneyContext(trx, person, today());
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
        await refreshProjections(trx, person, today(), reviewSettings);
        await appendAuditEvent(
          trx,
          { ...auditActor(actor), action: 'budget.create', recordType: 'budget', recordId: id, personId: person.id, details: { kind: data.kind, serviceIds: data.serviceIds, amountPencePerWeek: data.amountPencePerWeek, payeeRelationship: data.payeeRelationship, capacity: data.capacity } },
          clock(),
        );
        return respond(trx, actor, person, id);
      });
    },

    /** A change to a budget (If-Match): every rule is checked again on the budget as changed. */
    async update(actor: Actor, personId: string, budgetId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'services:record');
      const data = parseInput(BudgetUpdateInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = await findOwn(trx, person, budgetId, expectedVersion);
        const current = stateFromRow(row);
        const next: BudgetState = { ...current };
        for (const [k, v] of Object.entries(data) as [keyof BudgetState, unknown][]) {
          if (v === undefined) continue;
          (next as unknown as Record<string, unknown>)[k] = k === 'carePlan' ? normaliseCarePlan(v as Partial<CarePlan> | null) : v;
        }
        // DP-2: a health budget being paid is reduced only with written notice (POST .../reductions), never by an edit.
        if (row.kind === 'personal-health-budget' && row.paying_from && next.amountPencePerWeek < row.amount_pence_per_week) {
          throw new ValidationError([{ field: 'amountPencePerWeek', message: 'A personal health budget being paid is reduced only after reasonable written notice: record a reduction instead', rule: 'DP-2' }]);
        }
        await check(trx, person, next);
        const ok = await repo.updateBudget(trx, row.id, row.version, { ...stateColumns(next), updated_by: actor.userId, updated_at: clock() });
        if (!ok) throw new ConflictError('The budget has just been changed by someone else');
        await refreshProjections(trx, person, today(), reviewSettings);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'budget.update', recordType: 'budget', recordId: row.id, personId: person.id, details: { fields: Object.keys(data) } }, clock());
        return respond(trx, actor, person, row.id);
      });
    },

    /** Ends a budget on a date, with the reason; its review clock stops once the date has passed. */
    async end(actor: Actor, personId: string, budgetId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'services:record');
      const data = parseInput(BudgetEndInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = await findOwn(trx, person, budgetId, expectedVersion);
        if (row.end_reason) throw new ValidationError([{ field: 'endDate', message: `This budget has already ended (${row.end_date})` }]);
        if (compareDates(data.endDate, row.start_date) < 0) throw new ValidationError([{ field: 'endDate', message: 'The end date must be on or after the start date' }]);
        const ok = await repo.updateBudget(trx, row.id, row.version, { end_date: data.endDate, end_reason: data.reason, updated_by: actor.userId, updated_at: clock() });
        if (!ok) throw new ConflictError('The budget has just been changed by someone else');
        await refreshProjections(trx, person, today(), reviewSettings);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'budget.end', recordType: 'budget', recordId: row.id, personId: person.id, details: { endDate: data.endDate } }, clock());
        return respond(trx, actor, person, row.id);
      });
    },

    /** DP-2: a reduction or stopping (new amount 0), after reasonable written notice. */
    async recordReduction(actor: Actor, personId: string, budgetId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'services:record');
      const data = parseInput(BudgetReductionInput, input);
      rejectFutureDates({ noticeGivenOn: data.noticeGivenOn, ...(data.furtherReviewRequestedOn && { furtherReviewRequestedOn: data.furtherReviewRequestedOn }) }, today());
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = await findOwn(trx, person, budgetId, expectedVersion);
        const noticeDays = ((row.care_plan as CarePlan | null) ?? null)?.reductionNoticeDays ?? null;
        // The notice rule is the NHS regulations' (DP-2); a direct payment is held to the same notice, without the rule's name.
        const violations = reductionViolations(data, row.amount_pence_per_week, noticeDays).map((v) => (row.kind === 'direct-payment' ? { field: v.field, message: v.message } : v));
        if (violations.length > 0) throw new ValidationError(violations.map(withRule));
        const ok = await repo.updateBudget(trx, row.id, row.version, { amount_pence_per_week: data.newAmountPencePerWeek, updated_by: actor.userId, updated_at: clock() });
        if (!ok) throw new ConflictError('The budget has just been changed by someone else');
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
        await refreshProjections(trx, person, today(), reviewSettings);
        await appendAuditEvent(
          trx,
          { ...auditActor(actor), action: 'budget.reduce', recordType: 'budget', recordId: row.id, personId: person.id, details: { reductionId: id, previousAmountPencePerWeek: row.amount_pence_per_week, newAmountPencePerWeek: data.newAmountPencePerWeek, noticeGivenOn: data.noticeGivenOn, effectiveOn: data.effectiveOn } },
          clock(),
        );
        return respond(trx, actor, person, row.id);
      });
    },

    /** DP-1(d): a suspected breach or a change in capacity: a review is due now. */
    async recordReviewTrigger(actor: Actor, personId: string, budgetId: string, input: unknown) {
      requirePermission(actor, 'services:record');
      const data = parseInput(BudgetReviewTriggerInput, input);
      rejectFutureDates({ occurredOn: data.occurredOn }, today());
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = await findOwn(trx, person, budgetId);
        if (compareDates(data.occurredOn, row.start_date) < 0) throw new ValidationError([{ field: 'occurredOn', message: 'The event cannot be before the budget starts' }]);
        const id = randomUUID();
        await repo.insertBudgetReviewTrigger(trx, { id, budget_id: row.id, kind: data.kind, occurred_on: data.occurredOn, recorded_by: actor.userId });
        await repo.bumpBudgetVersion(trx, row.id);
        await refreshProjections(trx, person, today(), reviewSettings);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'budget.review-trigger', recordType: 'budget', recordId: row.id, personId: person.id, details: { kind: data.kind, occurredOn: data.occurredOn } }, clock());
        return respond(trx, actor, person, row.id);
      });
    },

    /** DP-1(d), DP-2: a review held; the next is due no more than 12 months later. */
    async recordReview(actor: Actor, personId: string, budgetId: string, input: unknown) {
      requirePermission(actor, 'services:record');
      const data = parseInput(BudgetReviewInput, input);
      rejectFutureDates({ heldOn: data.heldOn }, today());
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const budget = await findOwn(trx, person, budgetId);
        if (compareDates(data.heldOn, budget.start_date) < 0) throw new ValidationError([{ field: 'heldOn', message: 'A review of the budget cannot be held before the budget starts' }]);
        const id = randomUUID();
        await repo.insertBudgetReview(trx, { id, budgetId: budget.id, heldOn: data.heldOn, reason: data.reason, recordedBy: actor.userId });
        await repo.bumpBudgetVersion(trx, budget.id);
        await refreshProjections(trx, person, today(), reviewSettings);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'budget.review', recordType: 'budget', recordId: budget.id, personId: person.id, details: { heldOn: data.heldOn, reason: data.reason } }, clock());
        return respond(trx, actor, person, budget.id);
      });
    },
  };
}

export type BudgetService = ReturnType<typeof createBudgetService>;
