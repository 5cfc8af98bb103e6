// Direct payments (the local authority's) and personal health budgets (the ICB's): the services they
// pay for (DP-3), the payee checks (DP-1(b)), the offer (DP-2) and their review clocks (DP-1(d), DP-2).
import { randomUUID } from 'node:crypto';
import { canSeeMoney } from '../domain/access.ts';
import { budgetReviewDue, budgetViolations, holderBody, payeeNeedsNecessity } from '../domain/budgets.ts';
import { compareDates, todayInLondon, type IsoDate } from '../domain/dates.ts';
import type { ReviewSettings } from '../domain/reviews.ts';
import { appendAuditEvent } from '../data/audit-repository.ts';
import type { Db } from '../data/database.ts';
import type { BudgetReviewRow, BudgetRow, PersonRow } from '../data/schema.ts';
import * as repo from '../data/services-repository.ts';
import { auditActor, requirePermission, type Actor } from './actor.ts';
import { moneyContext, partnershipOn } from './care-services-service.ts';
import { NotFoundError, ValidationError } from './errors.ts';
import { findVisiblePerson, isUuid, refreshProjections, rejectFutureDates } from './person-record.ts';
import { BudgetCreateInput, BudgetReviewInput } from './services-inputs.ts';
import { parseInput } from './validation.ts';

export function budgetView(row: BudgetRow, reviews: BudgetReviewRow[], money: boolean, today: IsoDate) {
  const held = reviews.filter((r) => r.budget_id === row.id);
  const reviewDue = budgetReviewDue({ kind: row.kind, startDate: row.start_date, endDate: row.end_date }, held.map((r) => r.held_on), today);
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
    offeredOn: row.offered_on,
    moneyVisible: money,
    amountPencePerWeek: money ? row.amount_pence_per_week : null,
    reviews: held.map((r) => ({ id: r.id, heldOn: r.held_on, reason: r.reason })),
    reviewDueOn: reviewDue,
    reviewOverdue: reviewDue !== null && compareDates(reviewDue, today) < 0,
  };
}
export type BudgetView = ReturnType<typeof budgetView>;

export function createBudgetService(db: Db, { clock, reviews: reviewSettings }: { clock: () => Date; reviews: ReviewSettings }) {
  const today = () => todayInLondon(clock());

  async function views(trx: Db, actor: Actor, person: PersonRow, rows: BudgetRow[]) {
    const ctx = await moneyContext(trx, person, today());
    const money = canSeeMoney(actor, ctx.responsibleBodies);
    const reviews = await repo.listBudgetReviews(trx, rows.map((r) => r.id));
    return rows.map((r) => budgetView(r, reviews, money, today()));
  }

  return {
    async list(actor: Actor, personId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const items = await views(trx, actor, person, await repo.listBudgets(trx, person.id));
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'budget.list', recordType: 'person', recordId: person.id, personId: person.id, details: { budgets: items.length } }, clock());
        return { items, nextCursor: null };
      });
    },

    async create(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'services:record');
      const data = parseInput(BudgetCreateInput, input);
      if (data.offeredOn) rejectFutureDates({ offeredOn: data.offeredOn }, today());
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const services = [];
        for (const [i, id] of data.serviceIds.entries()) {
          const row = await repo.findService(trx, id);
          if (!row || row.person_id !== person.id) throw new ValidationError([{ field: `serviceIds.${i}`, message: 'That service is not one of this person’s services' }]);
          services.push({ id, funding: { localAuthorityPercent: row.la_percent, icbPercent: row.icb_percent } });
        }
        const violations = budgetViolations({
          kind: data.kind,
          startDate: data.startDate,
          endDate: data.endDate ?? null,
          amountPencePerWeek: data.amountPencePerWeek,
          payeeRelationship: data.payeeRelationship,
          payeeLivesInSameHousehold: data.payeeLivesInSameHousehold,
          necessityReason: data.necessityReason ?? null,
          offeredOn: data.offeredOn ?? null,
          services,
        });
        if (violations.length > 0) throw new ValidationError(violations.map((v) => ({ field: v.field, message: v.message, ...(v.rule && { rule: v.rule }) })));
        const ctx = await moneyContext(trx, person, today());
        const partnership = partnershipOn(ctx, data.startDate);
        const holder = holderBody(data.kind);
        const id = randomUUID();
        await repo.insertBudget(trx, {
          id,
          person_id: person.id,
          kind: data.kind,
          holder_body: holder,
          holder_code: holder === 'local-authority' ? partnership.localAuthority : partnership.icb,
          service_ids: data.serviceIds,
          payee_relationship: data.payeeRelationship,
          payee_is_close_relative_in_household: payeeNeedsNecessity(data.payeeRelationship, data.payeeLivesInSameHousehold),
          necessity_reason: data.necessityReason ?? null,
          start_date: data.startDate,
          end_date: data.endDate ?? null,
          amount_pence_per_week: data.amountPencePerWeek,
          offered_on: data.offeredOn ?? null,
          created_by: actor.userId,
        });
        await refreshProjections(trx, person, today(), reviewSettings);
        await appendAuditEvent(
          trx,
          { ...auditActor(actor), action: 'budget.create', recordType: 'budget', recordId: id, personId: person.id, details: { kind: data.kind, serviceIds: data.serviceIds, amountPencePerWeek: data.amountPencePerWeek, payeeRelationship: data.payeeRelationship } },
          clock(),
        );
        return (await views(trx, actor, person, [(await repo.findBudget(trx, id))!]))[0]!;
      });
    },

    /** DP-1(d), DP-2: a review held; the next is due no more than 12 months later. */
    async recordReview(actor: Actor, personId: string, budgetId: string, input: unknown) {
      requirePermission(actor, 'services:record');
      const data = parseInput(BudgetReviewInput, input);
      rejectFutureDates({ heldOn: data.heldOn }, today());
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const budget = isUuid(budgetId) ? await repo.findBudget(trx, budgetId) : undefined;
        if (!budget || budget.person_id !== person.id) throw new NotFoundError('budget');
        if (compareDates(data.heldOn, budget.start_date) < 0) throw new ValidationError([{ field: 'heldOn', message: 'A review of the budget cannot be held before the budget starts' }]);
        const id = randomUUID();
        await repo.insertBudgetReview(trx, { id, budgetId: budget.id, heldOn: data.heldOn, reason: data.reason, recordedBy: actor.userId });
        await repo.bumpBudgetVersion(trx, budget.id);
        await refreshProjections(trx, person, today(), reviewSettings);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'budget.review', recordType: 'budget', recordId: budget.id, personId: person.id, details: { heldOn: data.heldOn, reason: data.reason } }, clock());
        return (await views(trx, actor, person, [(await repo.findBudget(trx, budget.id))!]))[0]!;
      });
    },
  };
}

export type BudgetService = ReturnType<typeof createBudgetService>;
