// Moving in (issue 10): import jobs and batches, saved column mappings, and the look-ups an import
// makes to match a row to a person and their existing stays and legal statuses.
import type { Db } from './database.ts';
import type { ImportJobRow, ImportJobsTable, ImportMappingRow } from './import-schema.ts';
import { sql } from 'kysely';
import type { NewPerson, PersonRow } from './schema.ts';

export type NewImportJob = Pick<ImportJobsTable, 'id' | 'kind' | 'mode' | 'status' | 'file_name' | 'sha256' | 'size_bytes' | 'file_base64' | 'created_by' | 'organisation_id' | 'dry_run_id'> & { mapping: Record<string, string> };

export interface ImportJobResult {
  status: 'done' | 'failed';
  finishedAt: Date;
  rowsTotal?: number;
  rowsValid?: number;
  rowsWithProblems?: number;
  created?: number;
  updated?: number;
  skipped?: number;
  report?: unknown;
  error?: string | null;
  /** A commit clears the file it imported; a dry run keeps it for the commit that may follow. */
  clearFile: boolean;
}

export async function insertImportJob(db: Db, job: NewImportJob): Promise<void> {
  await db.insertInto('import_jobs').values({ ...job, mapping: JSON.stringify(job.mapping) }).execute();
}

export async function markImportJobRunning(db: Db, id: string, total: number, mapping?: Record<string, string>, lease?: { owner: string; at: Date }): Promise<void> {
  await db.updateTable('import_jobs').set({
    status: 'running', progress_total: total, ...(mapping && { mapping: JSON.stringify(mapping) }), ...(lease && { owner: lease.owner, heartbeat_at: lease.at }),
  }).where('id', '=', id).execute();
}

/** The owner's heartbeat: the job is still being worked on (a job another process took over is left alone). */
export async function renewImportJobLease(db: Db, id: string, owner: string, at: Date): Promise<void> {
  await db.updateTable('import_jobs').set({ heartbeat_at: at }).where('id', '=', id).where('owner', '=', owner).where('status', 'in', ['queued', 'running']).execute();
}

export async function finishImportJob(db: Db, id: string, r: ImportJobResult): Promise<void> {
  await db.updateTable('import_jobs').set({
    status: r.status,
    finished_at: r.finishedAt,
    rows_total: r.rowsTotal ?? null,
    rows_valid: r.rowsValid ?? null,
    rows_with_problems: r.rowsWithProblems ?? null,
    created: r.created ?? null,
    updated: r.updated ?? null,
    skipped: r.skipped ?? null,
    report: r.report === undefined ? null : JSON.stringify(r.report),
    error: r.error ?? null,
    ...(r.rowsTotal !== undefined && { progress_done: r.rowsTotal, progress_total: r.rowsTotal }),
    ...(r.clearFile && { file_base64: null }),
  }).where('id', '=', id).execute();
}

export function findImportJob(db: Db, id: string): Promise<ImportJobRow | undefined> {
  return db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Jobs of one organisation (or everyone's, for an admin), newest first, without their reports or files. */
export function listImportJobs(db: Db, query: { organisationId: string | null; mode?: 'dry-run' | 'commit'; limit: number }) {
  let q = db.selectFrom('import_jobs')
    .innerJoin('users', 'users.id', 'import_jobs.created_by')
    .select(['import_jobs.id', 'kind', 'mode', 'status', 'file_name', 'sha256', 'size_bytes', 'import_jobs.created_at', 'finished_at', 'rows_total', 'rows_valid', 'rows_with_problems', 'created', 'updated', 'skipped', 'users.email as created_by_email', 'import_jobs.organisation_id', 'progress_done', 'progress_total']);
  if (query.organisationId) q = q.where('import_jobs.organisation_id', '=', query.organisationId);
  if (query.mode) q = q.where('mode', '=', query.mode);
  return q.orderBy('import_jobs.created_at', 'desc').orderBy('import_jobs.id').limit(query.limit).execute();
}

/** Queued and running jobs whose owner stopped renewing its heartbeat before `staleBefore` (or never had one). */
export function staleImportJobs(db: Db, staleBefore: Date, onlyId?: string): Promise<{ id: string; mode: 'dry-run' | 'commit' }[]> {
  let q = db.selectFrom('import_jobs').select(['id', 'mode'])
    .where('status', 'in', ['queued', 'running'])
    .where((eb) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', staleBefore)]));
  if (onlyId) q = q.where('id', '=', onlyId);
  return q.execute();
}

/**
 * Queued and running jobs whose owner stopped renewing its heartbeat before `staleBefore` (or that
 * never had one): the process that ran them is gone, so they can never finish. A job another server
 * is still working on keeps running; a job waiting for its mapping (a person's step) keeps its file.
 * `onlyId` limits it to one job (a reader finding a stale job).
 */
export async function failAbandonedImportJobs(db: Db, staleBefore: Date, onlyId?: string): Promise<number> {
  let q = db.updateTable('import_jobs').set({ status: 'failed', error: 'The import stopped when the server restarted: nothing of it was saved. Run it again.', finished_at: new Date(), file_base64: null })
    .where('status', 'in', ['queued', 'running'])
    .where((eb) => eb.or([eb('heartbeat_at', 'is', null), eb('heartbeat_at', '<', staleBefore)]));
  if (onlyId) q = q.where('id', '=', onlyId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function saveImportMapping(db: Db, m: { id: string; organisationId: string; kind: 'register' | 'detentions'; name: string; mapping: Record<string, string>; savedBy: string }): Promise<void> {
  await db.insertInto('import_mappings')
    .values({ id: m.id, organisation_id: m.organisationId, kind: m.kind, name: m.name, mapping: JSON.stringify(m.mapping), saved_by: m.savedBy })
    .onConflict((oc) => oc.columns(['organisation_id', 'kind', 'name']).doUpdateSet({ mapping: JSON.stringify(m.mapping), saved_by: m.savedBy, saved_at: new Date() }))
    .execute();
}

export function listImportMappings(db: Db, organisationId: string, kind?: 'register' | 'detentions'): Promise<ImportMappingRow[]> {
  let q = db.selectFrom('import_mappings').selectAll().where('organisation_id', '=', organisationId);
  if (kind) q = q.where('kind', '=', kind);
  return q.orderBy('name').execute();
}

/** People with one of these local ids (a local id need not be unique across organisations). */
export function findPeopleByLocalId(db: Db, localId: string): Promise<PersonRow[]> {
  return db.selectFrom('people').selectAll().where('local_id', '=', localId).where('merged_into', 'is', null).limit(2).execute();
}

// ---------------------------------------------------------------------------------------------
// Set-based look-ups and inserts for a chunk of rows (the same rows the per-row functions of
// people- and legal-history-repository read and write, in fewer round trips).

const STATEMENT_ROWS = 500;
function chunked<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += STATEMENT_ROWS) out.push(items.slice(i, i + STATEMENT_ROWS));
  return out;
}

/** People with these NHS numbers. */
export async function findPeopleByNhsNumbers(db: Db, nhsNumbers: readonly string[]): Promise<PersonRow[]> {
  const out: PersonRow[] = [];
  for (const part of chunked([...new Set(nhsNumbers)])) out.push(...await db.selectFrom('people').selectAll().where('nhs_number', 'in', part).where('merged_into', 'is', null).execute());
  return out;
}

/** People with these local ids (a local id need not be unique: the caller counts). */
export async function findPeopleByLocalIds(db: Db, localIds: readonly string[]): Promise<PersonRow[]> {
  const out: PersonRow[] = [];
  for (const part of chunked([...new Set(localIds)])) out.push(...await db.selectFrom('people').selectAll().where('local_id', 'in', part).where('merged_into', 'is', null).execute());
  return out;
}

/**
 * Of these people, the ones the viewer may see (people-repository.findVisiblePerson's scope), each
 * held FOR UPDATE until the transaction ends.
 */
export async function lockVisiblePeople(db: Db, ids: readonly string[], viewer: { everyone: true } | { everyone: false; organisationCode: string }): Promise<PersonRow[]> {
  const out: PersonRow[] = [];
  for (const part of chunked([...new Set(ids)])) {
    let q = db.selectFrom('people').selectAll('people').where('people.id', 'in', part).where('people.merged_into', 'is', null);
    if (!viewer.everyone) {
      const code = viewer.organisationCode;
      q = q.where((eb) => eb.exists(eb.selectFrom('person_organisations').select(sql`1`.as('one')).whereRef('person_organisations.person_id', '=', 'people.id').where('person_organisations.organisation_code', '=', code)));
    }
    out.push(...await q.orderBy('people.id').forUpdate().execute());
  }
  return out;
}

export async function insertPeople(db: Db, rows: readonly NewPerson[]): Promise<void> {
  for (const part of chunked(rows)) await db.insertInto('people').values(part).execute();
}

export async function insertAllocations(db: Db, rows: readonly { id: string; personId: string; userId: string; organisationId: string; reason: string; batchId: string | null }[]): Promise<void> {
  for (const part of chunked(rows)) {
    await db.insertInto('person_allocations').values(part.map((r) => ({ id: r.id, person_id: r.personId, user_id: r.userId, organisation_id: r.organisationId, reason: r.reason, import_batch_id: r.batchId }))).execute();
  }
}

export async function insertAdmissions(db: Db, rows: readonly { id: string; personId: string; hospital: string; admittedOn: string; dischargedOn: string | null; batchId?: string | null }[]): Promise<void> {
  for (const part of chunked(rows)) {
    await db.insertInto('admissions').values(part.map((r) => ({ id: r.id, person_id: r.personId, hospital: r.hospital, admitted_on: r.admittedOn, discharged_on: r.dischargedOn, provider_code: null, import_batch_id: r.batchId ?? null }))).execute();
  }
}

export async function insertLegalStatuses(db: Db, rows: readonly { id: string; personId: string; section: string; startDate: string; endDate: string | null; admissionId: string | null; batchId?: string | null }[]): Promise<void> {
  for (const part of chunked(rows)) {
    await db.insertInto('legal_statuses').values(part.map((r) => ({ id: r.id, person_id: r.personId, section: r.section, start_date: r.startDate, end_date: r.endDate, admission_id: r.admissionId, import_batch_id: r.batchId ?? null }))).execute();
  }
}

export async function insertResidences(db: Db, rows: readonly { id: string; personId: string; localAuthority: string; since: string; batchId?: string | null }[]): Promise<void> {
  for (const part of chunked(rows)) {
    await db.insertInto('residences').values(part.map((r) => ({ id: r.id, person_id: r.personId, local_authority_code: r.localAuthority, since: r.since, import_batch_id: r.batchId ?? null }))).execute();
  }
}

export async function insertGpRegistrations(db: Db, rows: readonly { id: string; personId: string; practiceCode: string | null; icb: string; since: string; batchId?: string | null }[]): Promise<void> {
  for (const part of chunked(rows)) {
    await db.insertInto('gp_registrations').values(part.map((r) => ({ id: r.id, person_id: r.personId, practice_code: r.practiceCode, icb_code: r.icb, since: r.since, import_batch_id: r.batchId ?? null }))).execute();
  }
}

/** REV-1 (0116): reviews held, imported from a previous register with their date only (no outcome). */
export async function insertImportedReviews(db: Db, rows: readonly { id: string; personId: string; episodeId: string; heldOn: string; batchId: string; recordedBy: string }[]): Promise<void> {
  for (const part of chunked(rows)) {
    await db.insertInto('reviews').values(part.map((r) => ({ id: r.id, person_id: r.personId, episode_id: r.episodeId, held_on: r.heldOn, outcome: null, invited: '[]', attendees: '[]', notes: '', services_changed: '[]', imported_batch_id: r.batchId, recorded_by: r.recordedBy }))).execute();
  }
}

/** REV-1: the review date each person's projection holds (person_summaries.next_review_due), by person id. */
export async function nextReviewDueOf(db: Db, ids: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const part of chunked(ids)) {
    for (const r of await db.selectFrom('person_summaries').select(['person_id', 'next_review_due']).where('person_id', 'in', part).execute()) out.set(r.person_id, r.next_review_due);
  }
  return out;
}
