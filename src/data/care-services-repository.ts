// Services, joint funding policies, direct payments and personal health budgets (0005).
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from './database.ts';
import type { BudgetReductionRow, BudgetReviewRow, BudgetReviewTriggerRow, BudgetRow, BudgetsTable, FundingPoliciesTable, FundingPolicyRow, ServiceRow, ServicesTable } from './schema.ts';

// ---- Funding policies (RESP-7) -----------------------------------------------------------------

export function listFundingPolicies(db: Db, filter: { localAuthority?: string; icb?: string } = {}): Promise<FundingPolicyRow[]> {
  let q = db.selectFrom('funding_policies').selectAll();
  if (filter.localAuthority) q = q.where('local_authority_code', '=', filter.localAuthority);
  if (filter.icb) q = q.where('icb_code', '=', filter.icb);
  return q.orderBy('local_authority_code').orderBy('icb_code').orderBy('version').execute();
}

export async function latestPolicyVersion(db: Db, localAuthority: string, icb: string): Promise<number> {
  const row = await db
    .selectFrom('funding_policies')
    .select(sql<number>`coalesce(max(version), 0)::int`.as('v'))
    .where('local_authority_code', '=', localAuthority)
    .where('icb_code', '=', icb)
    .executeTakeFirst();
  return row?.v ?? 0;
}

/** Serialises new versions of one partnership's policy (transaction-scoped advisory lock). */
export async function lockPartnershipPolicies(db: Db, localAuthority: string, icb: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`funding-policy:${localAuthority}:${icb}`}))`.execute(db);
}

export async function insertFundingPolicy(db: Db, row: Omit<Insertable<FundingPoliciesTable>, 'splits'> & { splits: object }): Promise<void> {
  await db.insertInto('funding_policies').values({ ...row, splits: JSON.stringify(row.splits) }).execute();
}

export function findFundingPolicy(db: Db, id: string): Promise<FundingPolicyRow | undefined> {
  return db.selectFrom('funding_policies').selectAll().where('id', '=', id).executeTakeFirst();
}

// ---- Services ----------------------------------------------------------------------------------

type JsonFields = 'enhanced_features' | 'rent_decision';
export type NewService = Omit<Insertable<ServicesTable>, JsonFields> & { enhanced_features: string[] | null; rent_decision: object | null };
export type ServiceChanges = Omit<Updateable<ServicesTable>, JsonFields> & { enhanced_features?: string[] | null; rent_decision?: object | null };

const json = (value: object | null | undefined) => (value === undefined ? undefined : value === null ? null : JSON.stringify(value));

export async function insertService(db: Db, row: NewService): Promise<void> {
  await db
    .insertInto('services')
    .values({ ...row, enhanced_features: json(row.enhanced_features) ?? null, rent_decision: json(row.rent_decision) ?? null })
    .execute();
}

/** Updates only when the version still matches; returns false when it was stale. */
export async function updateService(db: Db, id: string, expectedVersion: number, changes: ServiceChanges): Promise<boolean> {
  const { enhanced_features, rent_decision, ...rest } = changes;
  const result = await db
    .updateTable('services')
    .set({
      ...rest,
      ...(enhanced_features !== undefined && { enhanced_features: json(enhanced_features) }),
      ...(rent_decision !== undefined && { rent_decision: json(rent_decision) }),
      version: sql`version + 1`,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function findService(db: Db, id: string): Promise<ServiceRow | undefined> {
  return db.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listServices(db: Db, personId: string): Promise<ServiceRow[]> {
  return db.selectFrom('services').selectAll().where('person_id', '=', personId).orderBy('start_date').orderBy('created_at').orderBy('id').execute();
}

export interface NoChargeRow extends ServiceRow {
  nhs_number: string | null;
  local_id: string | null;
}

/** CHG-1: every s117 service of the people an organisation may see (everyone's for null). */
export function listS117ServicesVisibleTo(db: Db, organisationCode: string | null): Promise<NoChargeRow[]> {
  let q = db
    .selectFrom('services')
    .innerJoin('people', 'people.id', 'services.person_id')
    .selectAll('services')
    .select(['people.nhs_number', 'people.local_id'])
    .where('services.s117', '=', true);
  if (organisationCode !== null) {
    q = q.where(({ exists, selectFrom }) =>
      exists(selectFrom('person_organisations').select('person_organisations.person_id').whereRef('person_organisations.person_id', '=', 'services.person_id').where('person_organisations.organisation_code', '=', organisationCode)),
    );
  }
  return q.orderBy('services.person_id').orderBy('services.start_date').orderBy('services.id').execute() as Promise<NoChargeRow[]>;
}

// ---- Budgets (DP-1 to DP-3) --------------------------------------------------------------------

export async function insertBudget(db: Db, row: Omit<Insertable<BudgetsTable>, 'service_ids'> & { service_ids: string[] }): Promise<void> {
  await db.insertInto('budgets').values({ ...row, service_ids: JSON.stringify(row.service_ids) }).execute();
}

export function findBudget(db: Db, id: string): Promise<BudgetRow | undefined> {
  return db.selectFrom('budgets').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listBudgets(db: Db, personId: string): Promise<BudgetRow[]> {
  return db.selectFrom('budgets').selectAll().where('person_id', '=', personId).orderBy('start_date').orderBy('id').execute();
}

export async function insertBudgetReview(db: Db, row: { id: string; budgetId: string; heldOn: string; reason: string; recordedBy: string }): Promise<void> {
  await db.insertInto('budget_reviews').values({ id: row.id, budget_id: row.budgetId, held_on: row.heldOn, reason: row.reason, recorded_by: row.recordedBy }).execute();
}

export async function bumpBudgetVersion(db: Db, id: string): Promise<void> {
  await db.updateTable('budgets').set({ version: sql`version + 1` }).where('id', '=', id).execute();
}

export async function listBudgetReviews(db: Db, budgetIds: readonly string[]): Promise<BudgetReviewRow[]> {
  if (budgetIds.length === 0) return [];
  return db.selectFrom('budget_reviews').selectAll().where('budget_id', 'in', budgetIds).orderBy('held_on').orderBy('id').execute();
}

export async function saveBudgetReviewDue(db: Db, personId: string, due: string | null): Promise<void> {
  await db.updateTable('person_summaries').set({ budget_review_due: due }).where('person_id', '=', personId).execute();
}

/** A page of a person's budgets, keyset on (start_date, id). */
export function listBudgetsPage(db: Db, personId: string, after: { startDate: string; id: string } | undefined, limit: number): Promise<BudgetRow[]> {
  let q = db.selectFrom('budgets').selectAll().where('person_id', '=', personId);
  if (after) q = q.where((eb) => eb.or([eb('start_date', '>', after.startDate), eb.and([eb('start_date', '=', after.startDate), eb('id', '>', after.id)])]));
  return q.orderBy('start_date').orderBy('id').limit(limit).execute();
}

/** Changes a budget when its version is still `version`; false when stale (409). */
export async function updateBudget(db: Db, id: string, version: number, changes: Updateable<BudgetsTable>): Promise<boolean> {
  const result = await db
    .updateTable('budgets')
    .set({ ...changes, version: sql`version + 1` })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertBudgetReduction(db: Db, row: Omit<BudgetReductionRow, 'recorded_at'>): Promise<void> {
  await db.insertInto('budget_reductions').values(row).execute();
}

export async function listBudgetReductions(db: Db, budgetIds: readonly string[]): Promise<BudgetReductionRow[]> {
  if (budgetIds.length === 0) return [];
  return db.selectFrom('budget_reductions').selectAll().where('budget_id', 'in', budgetIds).orderBy('effective_on').orderBy('id').execute();
}

export async function insertBudgetReviewTrigger(db: Db, row: Omit<BudgetReviewTriggerRow, 'recorded_at'>): Promise<void> {
  await db.insertInto('budget_review_triggers').values(row).execute();
}

export async function listBudgetReviewTriggers(db: Db, budgetIds: readonly string[]): Promise<BudgetReviewTriggerRow[]> {
  if (budgetIds.length === 0) return [];
  return db.selectFrom('budget_review_triggers').selectAll().where('budget_id', 'in', budgetIds).orderBy('occurred_on').orderBy('id').execute();
}

/** The budgets of several people with their reviews held, for the overdue lists (DP-1(d), DP-2). */
export async function listBudgetClocksOf(db: Db, personIds: readonly string[]): Promise<{ budgets: BudgetRow[]; reviews: BudgetReviewRow[] }> {
  if (personIds.length === 0) return { budgets: [], reviews: [] };
  const budgets = await db.selectFrom('budgets').selectAll().where('person_id', 'in', [...personIds]).orderBy('start_date').orderBy('id').execute();
  return { budgets, reviews: await listBudgetReviews(db, budgets.map((b) => b.id)) };
}
