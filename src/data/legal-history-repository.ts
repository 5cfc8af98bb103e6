// A person's legal history: hospital stays, legal statuses, section 17 leave, and the confirmed
// decisions on which bodies are responsible for an episode of aftercare.
import { sql, type Selectable } from 'kysely';
import type { Db } from './database.ts';
import { rowsOf, withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
import type { AdmissionRow, LeaveRow, LegalStatusRow, PlacementsTable } from './schema.ts';

/** The person's placements (MHA25-3) in their read-model statement (issue 14 item 3), as listPlacements gives them: by from_date, then id. */
export const PLACEMENTS_PART: ReadModelPart<Selectable<PlacementsTable>[]> = {
  columns: sql`${rowsOf('placements', 't.from_date, t.id')} AS lh_placements`,
  aliases: ['lh_placements'],
  decode: (columns) => (columns.lh_placements as Json[]).map((r) => withInstants(r, ['recorded_at']) as unknown as Selectable<PlacementsTable>),
};

export async function insertAdmission(db: Db, row: { id: string; personId: string; hospital: string; admittedOn: string; dischargedOn: string | null; providerCode?: string | null }): Promise<void> {
  await db.insertInto('admissions').values({ id: row.id, person_id: row.personId, hospital: row.hospital, admitted_on: row.admittedOn, discharged_on: row.dischargedOn, provider_code: row.providerCode ?? null }).execute();
}

export async function updateAdmissionDischarge(db: Db, id: string, expectedVersion: number | null, dischargedOn: string | null): Promise<boolean> {
  let q = db.updateTable('admissions').set({ discharged_on: dischargedOn, version: sql`version + 1` }).where('id', '=', id);
  if (expectedVersion !== null) q = q.where('version', '=', expectedVersion);
  return Number((await q.executeTakeFirst()).numUpdatedRows) === 1;
}

/** Inserts the legal status and answers the row as stored (as findLegalStatus reads it). */
export async function insertLegalStatus(db: Db, row: { id: string; personId: string; section: string; startDate: string; endDate: string | null; admissionId: string | null }): Promise<LegalStatusRow> {
  return db
    .insertInto('legal_statuses')
    .values({ id: row.id, person_id: row.personId, section: row.section, start_date: row.startDate, end_date: row.endDate, admission_id: row.admissionId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateLegalStatusEnd(db: Db, id: string, expectedVersion: number | null, endDate: string | null): Promise<boolean> {
  let q = db.updateTable('legal_statuses').set({ end_date: endDate, version: sql`version + 1` }).where('id', '=', id);
  if (expectedVersion !== null) q = q.where('version', '=', expectedVersion);
  return Number((await q.executeTakeFirst()).numUpdatedRows) === 1;
}

export async function insertLeave(db: Db, row: { id: string; personId: string; from: string; to: string | null; kind: LeaveRow['kind']; triggersAftercare: boolean; reason: string; decidedBy: string }): Promise<void> {
  await db
    .insertInto('leaves')
    .values({ id: row.id, person_id: row.personId, from_date: row.from, to_date: row.to, kind: row.kind, triggers_aftercare: row.triggersAftercare, reason: row.reason, decided_by: row.decidedBy })
    .execute();
}

export async function insertResponsibilityDecision(
  db: Db,
  row: { id: string; personId: string; episodeId: string; localAuthority: { code: string; basis: string }; icb: { code: string; basis: string }; decidedBy: string; decidedAt: Date; correctionReason?: string | null; parts?: { localAuthority: boolean; icb: boolean } },
): Promise<void> {
  await db
    .insertInto('responsibility_decisions')
    .values({
      id: row.id,
      person_id: row.personId,
      episode_id: row.episodeId,
      local_authority_code: row.localAuthority.code,
      local_authority_basis: row.localAuthority.basis,
      icb_code: row.icb.code,
      icb_basis: row.icb.basis,
      decided_by: row.decidedBy,
      decided_at: row.decidedAt,
      correction_reason: row.correctionReason ?? null,
      confirms_local_authority: row.parts?.localAuthority ?? true,
      confirms_icb: row.parts?.icb ?? true,
    })
    .execute();
}

export interface LegalHistoryRows {
  admissions: AdmissionRow[];
  legalStatuses: LegalStatusRow[];
  leaves: LeaveRow[];
}

export async function loadLegalHistory(db: Db, personId: string): Promise<LegalHistoryRows> {
  const [admissions, legalStatuses, leaves] = await Promise.all([
    db.selectFrom('admissions').selectAll().where('person_id', '=', personId).orderBy('admitted_on').orderBy('id').execute(),
    db.selectFrom('legal_statuses').selectAll().where('person_id', '=', personId).orderBy('start_date').orderBy('id').execute(),
    db.selectFrom('leaves').selectAll().where('person_id', '=', personId).orderBy('from_date').orderBy('id').execute(),
  ]);
  return { admissions, legalStatuses, leaves };
}

export function findAdmission(db: Db, id: string): Promise<AdmissionRow | undefined> {
  return db.selectFrom('admissions').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findLegalStatus(db: Db, id: string): Promise<LegalStatusRow | undefined> {
  return db.selectFrom('legal_statuses').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findLeave(db: Db, id: string): Promise<LeaveRow | undefined> {
  return db.selectFrom('leaves').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A person's responsibility decisions in the order they were made, each with who made it (name and organisation). */
export function listResponsibilityDecisions(db: Db, personId: string) {
  return db
    .selectFrom('responsibility_decisions')
    .leftJoin('users', 'users.id', 'responsibility_decisions.decided_by')
    .leftJoin('organisations', 'organisations.id', 'users.organisation_id')
    .selectAll('responsibility_decisions')
    .select(['users.name as decided_by_name', 'organisations.name as decided_by_organisation'])
    .where('responsibility_decisions.person_id', '=', personId)
    .orderBy('responsibility_decisions.decided_at')
    .orderBy('responsibility_decisions.id')
    .execute();
}

/**
 * RESP-2 to RESP-6: the people whose current aftercare names this organisation as the responsible
 * local authority or ICB (proposed or confirmed) and is still running, so that its s117 lead is asked
 * to confirm its part. Which parts still await confirmation is derived per person by the domain.
 */
export async function peopleNamingBody(db: Db, organisationCode: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('person_summaries')
    .select('person_id')
    .where((eb) => eb.or([eb('local_authority_code', '=', organisationCode), eb('icb_code', '=', organisationCode)]))
    .where('status', 'in', ['planning', 'entitled-pending-discharge', 'active', 'in-custody'])
    .orderBy('person_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.person_id);
}
