// What each body paid for a service, and the services and payments a recharge statement covers
// (RESP-1, RESP-7; migration 0007).
import { sql, type Insertable } from 'kysely';
import type { Db } from './database.ts';
import type { ServicePaymentRow, ServicePaymentsTable } from './schema.ts';

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
  given_name: string;
  family_name: string;
  /** The bodies of the latest episode (person_summaries): the fallback for a person with no episode. */
  summary_local_authority_code: string | null;
  summary_icb_code: string | null;
}

/**
 * Services running at some time in the period of the people the organisation may see
 * (person_organisations: every episode's bodies keep sight, so a body once responsible is among
 * them); everyone's for null (admin, auditor). Which days count for which body is decided by the
 * service from the episodes (domain/recharges.ts attributedRechargeStatement), not here.
 */
export function listServicesForRecharge(db: Db, organisationCode: string | null, from: string, to: string): Promise<RechargeServiceRow[]> {
  return db
    .selectFrom('services')
    .innerJoin('people', 'people.id', 'services.person_id')
    .leftJoin('person_summaries', 'person_summaries.person_id', 'services.person_id')
    .select(['services.id', 'services.person_id', 'services.category', 'services.provider', 'services.weekly_cost_pence', 'services.la_percent', 'services.icb_percent', 'services.start_date', 'services.end_date', 'people.nhs_number', 'people.local_id', 'people.given_name', 'people.family_name'])
    .select(['person_summaries.local_authority_code as summary_local_authority_code', 'person_summaries.icb_code as summary_icb_code'])
    .where('services.start_date', '<=', to)
    .where((eb) => eb.or([eb('services.end_date', 'is', null), eb('services.end_date', '>=', from)]))
    .$if(organisationCode !== null, (q) => q.where((eb) => eb.exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'services.person_id').where('person_organisations.organisation_code', '=', organisationCode as string))))
    .orderBy('services.person_id')
    .orderBy('services.start_date')
    .orderBy('services.id')
    .execute();
}

/** Payments for the services of the same people whose paid period overlaps the period. */
export function listPaymentsForRecharge(db: Db, organisationCode: string | null, from: string, to: string): Promise<ServicePaymentRow[]> {
  return db
    .selectFrom('service_payments')
    .innerJoin('services', 'services.id', 'service_payments.service_id')
    .selectAll('service_payments')
    .where('service_payments.period_from', '<=', to)
    .where('service_payments.period_to', '>=', from)
    .$if(organisationCode !== null, (q) => q.where((eb) => eb.exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'services.person_id').where('person_organisations.organisation_code', '=', organisationCode as string))))
    .execute();
}
