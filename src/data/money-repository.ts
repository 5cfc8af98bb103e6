// Charges, refunds, top-up agreements, disputes and service payments (0007).
import type { Insertable, Updateable } from 'kysely';
import type { Db } from './database.ts';
import type { ChargeRow, ChargesTable, DisputeRow, DisputesTable, RefundRow, RefundsTable, ServicePaymentRow, ServicePaymentsTable, TopUpAgreementRow, TopUpAgreementsTable } from './schema.ts';

// ---- Charges and refunds (CHG-2) ---------------------------------------------------------------

export async function insertCharges(db: Db, rows: Insertable<ChargesTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('charges').values(rows).execute();
}

export function listCharges(db: Db, personId: string): Promise<ChargeRow[]> {
  return db.selectFrom('charges').selectAll().where('person_id', '=', personId).orderBy('period_from').orderBy('id').execute();
}

export async function insertRefund(db: Db, row: Omit<Insertable<RefundsTable>, 'lines'> & { lines: object }): Promise<void> {
  await db.insertInto('refunds').values({ ...row, lines: JSON.stringify(row.lines) }).execute();
}

export function findRefund(db: Db, id: string): Promise<RefundRow | undefined> {
  return db.selectFrom('refunds').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listRefunds(db: Db, personId: string): Promise<RefundRow[]> {
  return db.selectFrom('refunds').selectAll().where('person_id', '=', personId).orderBy('created_at').orderBy('id').execute();
}

export async function updateRefund(db: Db, id: string, expectedVersion: number, changes: Omit<Updateable<RefundsTable>, 'lines' | 'version'>): Promise<boolean> {
  const result = await db
    .updateTable('refunds')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- Top-ups (CHG-3) ---------------------------------------------------------------------------

type TopUpJson = 'conditions' | 'terms';
export type NewTopUp = Omit<Insertable<TopUpAgreementsTable>, TopUpJson> & { conditions: object; terms: object };
export type TopUpChanges = Omit<Updateable<TopUpAgreementsTable>, TopUpJson | 'version'> & { conditions?: object; terms?: object };

export async function insertTopUp(db: Db, row: NewTopUp): Promise<void> {
  await db.insertInto('top_up_agreements').values({ ...row, conditions: JSON.stringify(row.conditions), terms: JSON.stringify(row.terms) }).execute();
}

export function findTopUp(db: Db, id: string): Promise<TopUpAgreementRow | undefined> {
  return db.selectFrom('top_up_agreements').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listTopUps(db: Db, personId: string): Promise<TopUpAgreementRow[]> {
  return db.selectFrom('top_up_agreements').selectAll().where('person_id', '=', personId).orderBy('created_at').orderBy('id').execute();
}

export async function updateTopUp(db: Db, id: string, expectedVersion: number, changes: TopUpChanges): Promise<boolean> {
  const { conditions, terms, ...rest } = changes;
  const result = await db
    .updateTable('top_up_agreements')
    .set((eb) => ({
      ...rest,
      ...(conditions !== undefined && { conditions: JSON.stringify(conditions) }),
      ...(terms !== undefined && { terms: JSON.stringify(terms) }),
      version: eb('version', '+', 1),
      updated_at: new Date(),
    }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- Disputes (RESP-6) -------------------------------------------------------------------------

export async function insertDispute(db: Db, row: Insertable<DisputesTable>): Promise<void> {
  await db.insertInto('disputes').values(row).execute();
}

export function findDispute(db: Db, id: string): Promise<DisputeRow | undefined> {
  return db.selectFrom('disputes').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listPersonDisputes(db: Db, personId: string): Promise<DisputeRow[]> {
  return db.selectFrom('disputes').selectAll().where('person_id', '=', personId).orderBy('raised_on').orderBy('id').execute();
}

/** Disputes an organisation is a party to or funds in the meantime; every dispute for null (admin). */
export function listDisputesFor(db: Db, organisationCode: string | null): Promise<DisputeRow[]> {
  let q = db.selectFrom('disputes').selectAll();
  if (organisationCode !== null) {
    q = q.where((eb) => eb.or([eb('party_a_code', '=', organisationCode), eb('party_b_code', '=', organisationCode), eb('interim_funder_code', '=', organisationCode)]));
  }
  return q.orderBy('raised_on').orderBy('id').execute();
}

export async function updateDispute(db: Db, id: string, expectedVersion: number, changes: Omit<Updateable<DisputesTable>, 'version'>): Promise<boolean> {
  const result = await db
    .updateTable('disputes')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- Payments, recharges and spend (RESP-1, RESP-7) --------------------------------------------

export async function insertServicePayment(db: Db, row: Insertable<ServicePaymentsTable>): Promise<void> {
  await db.insertInto('service_payments').values(row).execute();
}

export function listServicePayments(db: Db, serviceId: string): Promise<ServicePaymentRow[]> {
  return db.selectFrom('service_payments').selectAll().where('service_id', '=', serviceId).orderBy('period_from').orderBy('id').execute();
}

export interface RechargeServiceRow {
  id: string;
  person_id: string;
  category: string;
  provider: string;
  weekly_cost_pence: number;
  la_percent: number;
  icb_percent: number;
  start_date: string;
  end_date: string | null;
  nhs_number: string | null;
  local_id: string | null;
}

/**
 * Services running at some time in the period of the people whose responsible local authority or ICB
 * (of their latest episode, person_summaries) is the organisation; everyone's for null (admin, auditor).
 */
export function listServicesForRecharge(db: Db, organisationCode: string | null, from: string, to: string): Promise<RechargeServiceRow[]> {
  let q = db
    .selectFrom('services')
    .innerJoin('people', 'people.id', 'services.person_id')
    .select(['services.id', 'services.person_id', 'services.category', 'services.provider', 'services.weekly_cost_pence', 'services.la_percent', 'services.icb_percent', 'services.start_date', 'services.end_date', 'people.nhs_number', 'people.local_id'])
    .where('services.start_date', '<=', to)
    .where((eb) => eb.or([eb('services.end_date', 'is', null), eb('services.end_date', '>=', from)]));
  if (organisationCode !== null) {
    q = q
      .innerJoin('person_summaries', 'person_summaries.person_id', 'services.person_id')
      .where((eb) => eb.or([eb('person_summaries.local_authority_code', '=', organisationCode), eb('person_summaries.icb_code', '=', organisationCode)]));
  }
  return q.orderBy('services.person_id').orderBy('services.start_date').orderBy('services.id').execute();
}

/** Payments for the services of the same people whose paid period overlaps the period. */
export function listPaymentsForRecharge(db: Db, organisationCode: string | null, from: string, to: string): Promise<ServicePaymentRow[]> {
  let q = db.selectFrom('service_payments').selectAll('service_payments').where('service_payments.period_from', '<=', to).where('service_payments.period_to', '>=', from);
  if (organisationCode !== null) {
    q = q
      .innerJoin('services', 'services.id', 'service_payments.service_id')
      .innerJoin('person_summaries', 'person_summaries.person_id', 'services.person_id')
      .where((eb) => eb.or([eb('person_summaries.local_authority_code', '=', organisationCode), eb('person_summaries.icb_code', '=', organisationCode)]));
  }
  return q.execute();
}
