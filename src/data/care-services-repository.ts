// The services a person receives (SCOPE-1 to SCOPE-5, RESP-1, RESP-7, CHG-1, PLAN-7), and the s117
// services finance must not charge for.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from './database.ts';
import { fundingPolicyRowOf } from './funding-policies-repository.ts';
import { rowsOf, withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
import type { FundingPolicyRow, ServiceRow, ServicesTable } from './schema.ts';

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

/** insertService for many services in multi-row inserts (an import's chunk). */
export async function insertServices(db: Db, rows: readonly NewService[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await db.insertInto('services').values(rows.slice(i, i + 200).map((row) => ({ ...row, enhanced_features: json(row.enhanced_features) ?? null, rent_decision: json(row.rent_decision) ?? null }))).execute();
  }
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

/** A service's timestamps, which JSON carries as text. */
const SERVICE_INSTANTS = ['created_at', 'updated_at', 'split_approved_at'] as const;

/** The person's services and the funding policies they were split by, as the services read shows them. */
export interface ServicesRows {
  /** As listServices: by start date, then recorded, then id. */
  services: ServiceRow[];
  /** As findFundingPolicy, by id: only the policies the services name. */
  policies: Map<string, FundingPolicyRow>;
}

/** ServicesRows in the person's read-model statement (issue 14 item 3: one query, not one per service's policy). */
export const SERVICES_PART: ReadModelPart<ServicesRows> = {
  columns: sql`${rowsOf('services', 't.start_date, t.created_at, t.id')} AS sv_services,
      (SELECT coalesce(json_agg(f), '[]'::json) FROM funding_policies f WHERE f.id IN (SELECT s.policy_id FROM services s WHERE s.person_id = p.id)) AS sv_policies`,
  aliases: ['sv_services', 'sv_policies'],
  decode: (columns) => ({
    services: (columns.sv_services as Json[]).map((r) => withInstants(r, SERVICE_INSTANTS) as unknown as ServiceRow),
    policies: new Map((columns.sv_policies as Json[]).map((r) => [r.id as string, fundingPolicyRowOf(r)])),
  }),
};

/** One of the person's services and the funding policy it was split by, as the service read shows them. */
export interface ServiceRows {
  /** As findService, only when the service is the person's. */
  service: ServiceRow | undefined;
  /** As findFundingPolicy of the service's policy_id. */
  policy: FundingPolicyRow | null;
}

/**
 * ServiceRows in the person's read-model statement (issue 14 item 3); `serviceId` null (a URL's id that
 * is not a UUID) finds none.
 */
export function servicePart(serviceId: string | null): ReadModelPart<ServiceRows> {
  return {
    columns: sql`(SELECT row_to_json(t) FROM services t WHERE t.id = ${serviceId}::uuid AND t.person_id = p.id) AS sv_service,
      (SELECT row_to_json(f) FROM funding_policies f JOIN services s ON s.policy_id = f.id WHERE s.id = ${serviceId}::uuid AND s.person_id = p.id) AS sv_policy`,
    aliases: ['sv_service', 'sv_policy'],
    decode: (columns) => ({
      service: columns.sv_service ? (withInstants(columns.sv_service as Json, SERVICE_INSTANTS) as unknown as ServiceRow) : undefined,
      policy: columns.sv_policy ? fundingPolicyRowOf(columns.sv_policy as Json) : null,
    }),
  };
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

/** RESP-7: the cost a service was recorded with, from its start (service_costs, migration 0096). */
export async function insertFirstCost(db: Db, row: { serviceId: string; from: string; weeklyCostPence: number; recordedBy: string }): Promise<void> {
  await db.insertInto('service_costs').values({ service_id: row.serviceId, effective_from: row.from, weekly_cost_pence: row.weeklyCostPence, recorded_by: row.recordedBy }).onConflict((oc) => oc.doNothing()).execute();
}

/**
 * RESP-7: a new weekly cost in force from `from`. A service recorded before the history was kept (or
 * by a path that did not write it) first gets its old cost from its start, so the days before keep it.
 */
export async function recordCostChange(db: Db, row: { serviceId: string; startDate: string; before: number; from: string; weeklyCostPence: number; recordedBy: string }): Promise<void> {
  const known = await db.selectFrom('service_costs').select('service_id').where('service_id', '=', row.serviceId).limit(1).executeTakeFirst();
  if (!known && row.from > row.startDate) await insertFirstCost(db, { serviceId: row.serviceId, from: row.startDate, weeklyCostPence: row.before, recordedBy: row.recordedBy });
  await db
    .insertInto('service_costs')
    .values({ service_id: row.serviceId, effective_from: row.from, weekly_cost_pence: row.weeklyCostPence, recorded_by: row.recordedBy })
    .onConflict((oc) => oc.columns(['service_id', 'effective_from']).doUpdateSet({ weekly_cost_pence: row.weeklyCostPence, recorded_by: row.recordedBy, recorded_at: new Date() }))
    .execute();
}
