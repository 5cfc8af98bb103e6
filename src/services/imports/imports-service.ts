// Moving in (issue 10): importing a council's spreadsheet register or a trust's detentions extract.
// A dry run does all the work of a commit, then rolls it back: its report is exactly what a commit
// would do. A commit imports the valid rows in one transaction (all or nothing), updating by NHS
// number or local id so that a re-run never duplicates a person, a stay or a legal status, records
// the batch (who, when, file, checksum, counts) and writes an audit event for each record touched.
// Entitlement is derived by the register's own engine, never copied from the sheet.
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { validateAdmission, validateLegalStatus } from '../../domain/legal-history.ts';
import { computeAftercare, type AftercareResult, type LawSettings, type PersonFacts } from '../../domain/aftercare.ts';
import { fieldsFor, mappingProblems, suggestMapping, type ColumnMapping, type ImportKind } from '../../domain/import-mapping.ts';
import { duplicateFindings, readDetentionRow, readRegisterRow, rowsByPerson, type DetentionRecord, type Finding, type KnownOrganisation, type RegisterRecord } from '../../domain/import-rows.ts';
import { reconcileMissingPerson, reconcileNextReview, reconcileRegisterRow, type ReconciliationItem } from '../../domain/reconciliation.ts';
import { isHospitalDetention, type SectionCode } from '../../domain/sections.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { validateReviewDate, type ReviewSettings } from '../../domain/reviews.ts';
import { formatDate } from '../../domain/dates.ts';
import { findUserByEmail, listOrganisations } from '../../data/accounts-repository.ts';
import * as keyworkers from '../../data/keyworkers-repository.ts';
import { can } from '../../domain/access.ts';
import { keyworkerAllocationRefusal, keyworkerCandidateViolations } from '../../domain/planning.ts';
import { appendAuditEvents, type AuditEventInput } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as history from '../../data/legal-history-repository.ts';
import * as imports from '../../data/imports-repository.ts';
import { recordDuplicateRegistration } from '../../data/duplicates-repository.ts';
import * as people from '../../data/people-repository.ts';
import { insertServices, type NewService } from '../../data/care-services-repository.ts';
import { planImportedService } from './imports-services.ts';
import type { PersonRow, ServiceRow } from '../../data/schema.ts';
import { auditActor, type Actor } from '../kernel/actor.ts';
import { engineOf } from '../../data/database.ts';
import { todayInLondon } from '../../domain/dates.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../kernel/errors.ts';
import { deriveAftercareOf, isUuid, viewerOf } from '../kernel/person-record.ts';
import { refreshProjectionsOf, type NotificationsMode } from '../kernel/projections.ts';
import { deleteBatchRows, dropKeptValues, keepPreviousValues, peopleOfBatch, restoreKeptValues, type KeptValues } from '../../data/import-undo-repository.ts';
import * as many from '../../data/projections-repository.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { readSpreadsheet, type SpreadsheetContent } from './imports-file.ts';
import { ImportListQuery, MappingSaveInput } from './imports-inputs.ts';
import { parseInput } from '../kernel/validation.ts';

export type ImportMode = 'dry-run' | 'commit';

export interface ImportRequest {
  kind: ImportKind;
  mode: ImportMode;
  fileName: string;
  content: Uint8Array;
  /** The confirmed mapping; without it the suggested one is used when it covers every required field. */
  mapping?: ColumnMapping | null;
}

export interface ImportReport {
  kind: ImportKind;
  mode: ImportMode;
  fileName: string;
  sha256: string;
  sheet: string | null;
  headerRow: number;
  mapping: ColumnMapping;
  rowsTotal: number;
  rowsValid: number;
  rowsWithProblems: number;
  created: number;
  updated: number;
  skipped: number;
  findings: Finding[];
  reconciliation: ReconciliationItem[];
}

export interface ImportProgress { done: number; total: number }

/** The mapping does not cover what a row needs: nothing was read; the headers and the suggestion say what to choose. */
export class MappingNeededError extends ValidationError {
  readonly headers: string[];
  readonly suggested: ColumnMapping;
  constructor(problems: { field: string; message: string }[], headers: string[], suggested: ColumnMapping) {
    super(problems.map((p) => ({ field: `mapping.${p.field}`, message: p.message })));
    this.headers = headers;
    this.suggested = suggested;
  }
}

class DryRunFinished extends Error {
  readonly report: ImportReport;
  constructor(report: ImportReport) {
    super('dry run');
    this.report = report;
  }
}

/** Admins, and the s117 leads (approvers) of a local authority or ICB, import. */
export function requireImporter(actor: Actor): void {
  if (actor.role === 'admin') return;
  if (actor.role === 'approver' && actor.organisationType !== 'provider') return;
  throw new ForbiddenError('Only an administrator or the s117 lead of a local authority or ICB can import records');
}

/**
 * Several servers on one database: each job names the process running it (`owner`), which renews a
 * heartbeat every `heartbeatMs` while it works; a queued or running job whose heartbeat is older than
 * `staleMs` belongs to a process that has gone, and only such a job is marked failed.
 */
export interface ImportLease { heartbeatMs: number; staleMs: number }
export const DEFAULT_IMPORT_LEASE: ImportLease = { heartbeatMs: 15_000, staleMs: 120_000 };

/**
 * How a commit is made (ADR 0011): 'per-batch', one transaction for the whole file (PostgreSQL: other
 * sessions go on meanwhile); 'per-chunk', each chunk committed in its own transaction and the batch
 * undone if it fails (the embedded database has one session, which a long transaction would hold).
 */
export type ImportCommits = 'per-batch' | 'per-chunk';

/** The one place the engine decides how imports commit (ServicesOptions.importCommits forces either). */
export function defaultImportCommits(db: Db): ImportCommits {
  return engineOf(db) === 'pglite' ? 'per-chunk' : 'per-batch';
}

export interface ImportsOptions {
  clock: () => Date;
  reviews: ReviewSettings;
  useCases: UseCases;
  lease?: ImportLease;
  owner?: string;
  commits?: ImportCommits;
  /** Rows a chunk takes (500); tests take fewer, to have several chunks from a small file. */
  chunkRows?: number;
}

/** Why a job failed, in one sentence for the person; the undo (per-chunk) has removed what was saved. */
function failureMessage(error: unknown, undone: boolean): string {
  if (error instanceof ValidationError || error instanceof ForbiddenError) return error.message;
  if (error instanceof ImportCancelledError) return undone ? 'The import was cancelled: the part of it already saved has been removed.' : 'The import was cancelled: nothing of it was saved.';
  return undone
    ? 'The import failed; the part of it already saved has been removed. Try again; if it fails again, tell your administrator.'
    : 'The import failed and nothing of it was saved. Try again; if it fails again, tell your administrator.';
}

const UNDO_FAILED = 'The import failed after part of it was saved, and that part could not be removed automatically. Ask your administrator: the batch id is this import’s id.';
const ABANDONED = 'The import stopped when the server restarted: nothing of it was saved. Run it again.';
const ABANDONED_UNDONE = 'The import stopped when the server restarted: the part of it already saved has been removed. Run it again.';

export function createImportsService(db: Db, { clock, reviews, useCases, lease = DEFAULT_IMPORT_LEASE, owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, commits = defaultImportCommits(db), chunkRows }: ImportsOptions) {
  /** Jobs running in this process: their progress, which the database does not see until they finish. */
  const running = new Map<string, ImportProgress>();
  /** Jobs a person asked to stop: each stops before its next chunk. */
  const cancelling = new Set<string>();
  const staleBefore = () => new Date(clock().getTime() - lease.staleMs);

  /** Renews the job's heartbeat while this process works on it; the answer stops it. */
  function keepLease(jobId: string): () => void {
    let inFlight = false;
    const timer = setInterval(() => {
      if (inFlight) return; // on PGlite the import holds the one connection: do not queue beats behind it
      inFlight = true;
      imports.renewImportJobLease(db, jobId, owner, clock()).catch(() => undefined).finally(() => { inFlight = false; });
    }, lease.heartbeatMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Reads the file and settles the mapping; throws before anything is touched. */
  async function prepare(request: ImportRequest): Promise<{ content: SpreadsheetContent; mapping: ColumnMapping; sha256: string }> {
    const content = await readSpreadsheet(request.kind, request.content, request.fileName);
    const suggested = suggestMapping(request.kind, content.headers);
    const mapping = request.mapping && Object.keys(request.mapping).length > 0 ? request.mapping : suggested;
    const problems = mappingProblems(request.kind, mapping, content.headers);
    if (problems.length > 0) throw new MappingNeededError(problems, content.headers, suggested);
    return { content, mapping, sha256: createHash('sha256').update(request.content).digest('hex') };
  }

  /**
   * The import itself, in one transaction: a dry run rolls it back; a commit keeps it with its batch
   * record, or leaves nothing if anything fails. `batchId` names the job a commit is recorded as.
   */
  async function execute(actor: Actor, request: ImportRequest, options: ExecuteOptions = {}): Promise<ImportReport & { batchId: string | null; personIdsRead: string[] }> {
    requireImporter(actor);
    if (commits === 'per-chunk') return executeInChunks(actor, request, options);
    const { content, mapping, sha256 } = await prepare(request);
    const batchId = request.mode === 'commit' ? (options.batchId ?? randomUUID()) : null;
    const audit = batchId
      ? (r: ImportReport) => ({ action: 'import.commit', recordType: 'import-batch', recordId: batchId, details: { kind: r.kind, rowsTotal: r.rowsTotal, rowsValid: r.rowsValid, rowsWithProblems: r.rowsWithProblems, created: r.created, updated: r.updated, skipped: r.skipped, sha256 } })
      : null;
    let personIdsRead: string[] = [];
    try {
      const report = await useCases.run(actor, { permission: 'person:read', audit }, async ({ trx, today, now }) => {
        const organisations: KnownOrganisation[] = (await listOrganisations(trx)).map((o) => ({ code: o.code, name: o.name, type: o.type }));
        const run = new ImportRun(trx, actor, { today, now, reviews, law: useCases.law, batchId, organisations, kind: request.kind, mapping, onProgress: options.onProgress, cancelled: () => batchId !== null && cancelling.has(batchId) });
        const counts = await run.all(content.rows);
        const report: ImportReport = {
          kind: request.kind, mode: request.mode, fileName: request.fileName, sha256, sheet: content.sheet, headerRow: content.headerRow, mapping,
          rowsTotal: content.rows.length, ...counts, findings: run.findings, reconciliation: run.reconciliation,
        };
        personIdsRead = [...run.personIdsRead];
        if (!batchId) throw new DryRunFinished(report);
        if (options.recordBatch !== false) {
          await imports.insertImportJob(trx, { id: batchId, kind: request.kind, mode: 'commit', status: 'running', file_name: request.fileName, sha256, size_bytes: request.content.byteLength, file_base64: null, mapping, created_by: actor.userId, organisation_id: actor.organisationId, dry_run_id: null });
        }
        // The job (a started job's row already exists) is done in the batch's own transaction: a
        // server stopping just after the commit never leaves a finished batch "running", for the
        // next start to fail (and undo: failStale).
        await imports.finishImportJob(trx, batchId, { status: 'done', finishedAt: now, ...reportCounts(report), report: storedReport(report), clearFile: true });
        return report;
      });
      return { ...report, batchId, personIdsRead };
    } catch (error) {
      if (error instanceof DryRunFinished) return { ...error.report, batchId: null, personIdsRead };
      throw error;
    }
  }

  /**
   * The import on the embedded database (ADR 0011 round 5): each chunk in a transaction of its own,
   * so that other requests are served between chunks. A dry run's chunks are each rolled back. A
   * commit's chunks are committed with their batch tag, their audit events and the values they
   * replaced; change notifications are held until every chunk is in, then released; the batch is
   * recorded done last. Anything that fails (or a cancel) undoes what the batch committed.
   */
  async function executeInChunks(actor: Actor, request: ImportRequest, options: ExecuteOptions): Promise<ImportReport & { batchId: string | null; personIdsRead: string[] }> {
    const batchId = request.mode === 'commit' ? (options.batchId ?? randomUUID()) : null;
    const now = clock();
    const today = todayInLondon(now);
    const step = <T>(work: (trx: Db) => Promise<T>): Promise<T> => (batchId ? useCases.run(actor, { permission: 'person:read', audit: null }, ({ trx }) => work(trx)) : rolledBack(actor, work));
    let stopLease = () => {};
    try {
      const { content, mapping, sha256 } = await prepare(request);
      const organisations: KnownOrganisation[] = await useCases.run(actor, { permission: 'person:read', audit: null }, async ({ trx }) => (await listOrganisations(trx)).map((o) => ({ code: o.code, name: o.name, type: o.type })));
      if (batchId && options.recordBatch !== false) stopLease = await recordRunningBatch(actor, batchId, request, { mapping, sha256, rows: content.rows.length });
      const run = new ImportRun(db, actor, { today, now, reviews, law: useCases.law, batchId, organisations, kind: request.kind, mapping, onProgress: options.onProgress, chunkRows, step, cancelled: () => batchId !== null && cancelling.has(batchId) });
      const counts = await run.all(content.rows);
      const report: ImportReport = {
        kind: request.kind, mode: request.mode, fileName: request.fileName, sha256, sheet: content.sheet, headerRow: content.headerRow, mapping,
        rowsTotal: content.rows.length, ...counts, findings: run.findings, reconciliation: run.reconciliation,
      };
      if (batchId) {
        await releaseNotifications([...run.touched], today, step);
        const audit = { action: 'import.commit', recordType: 'import-batch', recordId: batchId, details: { kind: report.kind, rowsTotal: report.rowsTotal, rowsValid: report.rowsValid, rowsWithProblems: report.rowsWithProblems, created: report.created, updated: report.updated, skipped: report.skipped, sha256 } };
        await useCases.run(actor, { permission: 'person:read', audit }, async ({ trx }) => {
          // Done in the same transaction as the kept values are dropped: a batch is never found
          // "running" (and undone at the next start) once it has finished.
          await dropKeptValues(trx, batchId);
          await imports.finishImportJob(trx, batchId, { status: 'done', finishedAt: clock(), ...reportCounts(report), report: storedReport(report), clearFile: true });
        });
      }
      return { ...report, batchId, personIdsRead: [...run.personIdsRead] };
    } catch (error) {
      if (batchId) await undoBatch(batchId, error instanceof ImportCancelledError ? 'cancelled' : 'failed', (undone) => failureMessage(error, undone));
      throw error;
    } finally {
      stopLease();
      if (batchId) cancelling.delete(batchId);
    }
  }

  /**
   * The command line's commit has no job yet: it gets one when it starts, with this process's lease,
   * so that a batch a stopped process leaves half-done is found (heartbeat stale) and undone at the
   * next start. Answers the function that stops the lease.
   */
  async function recordRunningBatch(actor: Actor, batchId: string, request: ImportRequest, file: { mapping: ColumnMapping; sha256: string; rows: number }): Promise<() => void> {
    await imports.insertImportJob(db, { id: batchId, kind: request.kind, mode: 'commit', status: 'running', file_name: request.fileName, sha256: file.sha256, size_bytes: request.content.byteLength, file_base64: null, mapping: file.mapping, created_by: actor.userId, organisation_id: actor.organisationId, dry_run_id: null });
    await imports.markImportJobRunning(db, batchId, file.rows, undefined, { owner, at: clock() });
    return keepLease(batchId);
  }

  /**
   * FHIR subscriptions hear of a batch committed in chunks only once every chunk is in: the change
   * notifications of the people it touched, derived against the state stored before the import, a
   * chunk of people a transaction.
   */
  async function releaseNotifications(personIds: readonly string[], today: IsoDate, step: <T>(work: (trx: Db) => Promise<T>) => Promise<T>): Promise<void> {
    const size = chunkRows ?? CHUNK_ROWS;
    for (let i = 0; i < personIds.length; i += size) {
      const ids = personIds.slice(i, i + size);
      await step(async (trx) => refreshProjectionsOf(trx, await many.findPeople(trx, ids), today, reviews, useCases.law, 'only'));
      await yieldToOthers();
    }
  }

  /** A dry run's chunk: its work in a transaction that is then rolled back, answering what the work answered. */
  async function rolledBack<T>(actor: Actor, work: (trx: Db) => Promise<T>): Promise<T> {
    let result: { value: T } | null = null;
    try {
      await useCases.run(actor, { permission: 'person:read', audit: null }, async ({ trx }) => {
        result = { value: await work(trx) };
        throw ROLL_BACK;
      });
    } catch (error) {
      if (error !== ROLL_BACK) throw error;
    }
    return result!.value;
  }

  /**
   * Undoes a batch committed chunk by chunk, in one transaction: puts back the values it replaced
   * (latest first), deletes the rows it inserted (children first), re-derives the projections of the
   * people it touched that remain, audits each record removed or put back (the events of its chunks
   * stay: the audit trail is append-only) and marks the job failed. Not a person's use case: it may
   * run at start-up with no one signed in, so its events name the importer of the batch. If it
   * cannot (a record added meanwhile to a person the batch created), nothing is undone and the job
   * says so. Answers whether anything was undone.
   */
  async function undoBatch(batchId: string, reason: 'failed' | 'cancelled' | 'server-stopped', message: (undone: boolean) => string): Promise<boolean> {
    const job = await imports.findImportJob(db, batchId);
    const who = { userId: job?.created_by ?? null, organisationId: job?.organisation_id ?? null, requestId: null };
    try {
      return await db.transaction().execute(async (trx) => {
        const now = clock();
        const { created, touched } = await peopleOfBatch(trx, batchId);
        const restored = await restoreKeptValues(trx, batchId);
        const deleted = await deleteBatchRows(trx, batchId, created);
        const undone = restored.length + deleted.length > 0;
        if (touched.length > 0) await refreshProjectionsOf(trx, await many.findPeople(trx, touched), todayInLondon(now), reviews, useCases.law);
        const events: AuditEventInput[] = [...restored, ...deleted].map((r) => ({ ...who, action: r.action, recordType: r.recordType, recordId: r.recordId, personId: r.personId, details: { batchId } }));
        if (undone) events.push({ ...who, action: 'import.undo', recordType: 'import-batch', recordId: batchId, details: { reason, restored: restored.length, deleted: deleted.length, peopleRemoved: created.length, peopleRederived: touched.length } });
        await appendAuditEvents(trx, events, now);
        await dropKeptValues(trx, batchId);
        if (job) await imports.finishImportJob(trx, batchId, { status: 'failed', finishedAt: now, error: message(undone), clearFile: true });
        return undone;
      });
    } catch {
      if (job) await imports.finishImportJob(db, batchId, { status: 'failed', finishedAt: clock(), error: UNDO_FAILED, clearFile: true }).catch(() => undefined);
      return false;
    }
  }

  /**
   * Queued or running jobs whose process has gone (heartbeat stale): a commit's batch is undone (on
   * the embedded database it may have committed some chunks), then every one is marked failed.
   */
  async function failStale(onlyId?: string): Promise<number> {
    const stale = await imports.staleImportJobs(db, staleBefore(), onlyId);
    for (const job of stale) if (job.mode === 'commit') await undoBatch(job.id, 'server-stopped', (undone) => (undone ? ABANDONED_UNDONE : ABANDONED));
    return stale.filter((j) => j.mode === 'commit').length + (await imports.failAbandonedImportJobs(db, staleBefore(), onlyId));
  }

  async function runJob(actor: Actor, jobId: string, request: ImportRequest): Promise<void> {
    if (!running.has(jobId)) running.set(jobId, { done: 0, total: 0 }); // launch gave the rows to do: kept for the job page
    const stopLease = keepLease(jobId);
    try {
      const report = await execute(actor, request, {
        batchId: jobId,
        recordBatch: false,
        onProgress: (p) => running.set(jobId, p),
      });
      // A dry run's own events were rolled back with it: the people it read are audited here (a
      // commit audited each record it touched in its transaction).
      const audit = request.mode === 'dry-run' ? { action: 'import.dry-run.read', recordType: 'import-batch', recordId: jobId, details: { personIds: report.personIdsRead } } : null;
      await useCases.run(actor, { permission: 'person:read', audit }, ({ trx }) =>
        imports.finishImportJob(trx, jobId, { status: 'done', finishedAt: clock(), ...reportCounts(report), report: storedReport(report), clearFile: request.mode === 'commit' }));
    } catch (error) {
      // A commit in chunks has been undone, and its job marked failed, by the undo.
      if (commits === 'per-chunk' && request.mode === 'commit') return;
      await imports.finishImportJob(db, jobId, { status: 'failed', finishedAt: clock(), error: failureMessage(error, false), clearFile: request.mode === 'commit' });
    } finally {
      stopLease();
      running.delete(jobId);
      cancelling.delete(jobId);
    }
  }

  function launch(actor: Actor, id: string, request: ImportRequest, total: number): void {
    running.set(id, { done: 0, total });
    // Not awaited: the caller polls GET /api/v1/imports/{id} or the status page.
    void runJob(actor, id, request);
  }

  function visibleJob(actor: Actor, job: Awaited<ReturnType<typeof imports.findImportJob>>) {
    if (!job || (actor.role !== 'admin' && job.organisation_id !== actor.organisationId)) throw new NotFoundError('import');
    return job;
  }

  function jobView(job: NonNullable<Awaited<ReturnType<typeof imports.findImportJob>>>) {
    const live = running.get(job.id);
    return {
      id: job.id,
      kind: job.kind,
      mode: job.mode,
      status: job.status,
      fileName: job.file_name,
      sha256: job.sha256,
      createdAt: new Date(job.created_at).toISOString(),
      finishedAt: job.finished_at ? new Date(job.finished_at).toISOString() : null,
      progress: live ?? { done: job.progress_done, total: job.progress_total },
      error: job.error,
      canCommit: job.mode === 'dry-run' && job.status === 'done' && job.file_base64 !== null,
      report: (job.report as StoredReport | null) ?? null,
    };
  }

  return {
    /** The file's headers, the suggested mapping and what it lacks: for the mapping page and the command line. */
    async inspect(actor: Actor, input: { kind: ImportKind; fileName: string; content: Uint8Array }) {
      requireImporter(actor);
      const content = await readSpreadsheet(input.kind, input.content, input.fileName);
      const suggested = suggestMapping(input.kind, content.headers);
      const saved = await useCases.run(actor, { permission: 'person:read', audit: null }, ({ trx }) => imports.listImportMappings(trx, actor.organisationId, input.kind));
      return {
        headers: content.headers,
        headerRow: content.headerRow,
        sheet: content.sheet,
        rows: content.rows.length,
        suggested,
        problems: mappingProblems(input.kind, suggested, content.headers),
        fields: fieldsFor(input.kind).map((f) => ({ key: f.key, label: f.label, required: f.required })),
        saved: saved.map((m) => ({ id: m.id, name: m.name, mapping: m.mapping as ColumnMapping })),
      };
    },

    /** Runs an import now and answers its report (the command line). A dry run writes nothing at all. */
    run(actor: Actor, request: ImportRequest, onProgress?: (p: ImportProgress) => void) {
      return execute(actor, request, { onProgress });
    },

    /**
     * Starts an import as a job (the API and the pages) and answers at once; the job goes on if the
     * caller goes away, and its state is in the database. The file is kept with a dry run so that
     * its commit needs no second upload, and cleared once committed.
     */
    async start(actor: Actor, request: ImportRequest, options: { dryRunId?: string | null } = {}) {
      requireImporter(actor);
      const { content, mapping, sha256 } = await prepare(request);
      const id = randomUUID();
      const audit = { action: request.mode === 'commit' ? 'import.start' : 'import.dry-run', recordType: 'import-batch', recordId: id, details: { kind: request.kind, rows: content.rows.length, sha256 } };
      await useCases.run(actor, { permission: 'person:read', audit }, async ({ trx }) => {
        await imports.insertImportJob(trx, {
          id, kind: request.kind, mode: request.mode, status: 'queued', file_name: request.fileName, sha256, size_bytes: request.content.byteLength,
          file_base64: request.mode === 'dry-run' ? Buffer.from(request.content).toString('base64') : null,
          mapping, created_by: actor.userId, organisation_id: actor.organisationId, dry_run_id: options.dryRunId ?? null,
        });
        await imports.markImportJobRunning(trx, id, content.rows.length, undefined, { owner, at: clock() });
      });
      launch(actor, id, { ...request, mapping }, content.rows.length);
      return this.get(actor, id);
    },

    /**
     * The pages' first step: the file is read and kept with the suggested mapping, waiting for a
     * person to confirm or change it (confirmMapping), which starts the dry run.
     */
    async upload(actor: Actor, input: { kind: ImportKind; fileName: string; content: Uint8Array }) {
      requireImporter(actor);
      const content = await readSpreadsheet(input.kind, input.content, input.fileName);
      const id = randomUUID();
      const sha256 = createHash('sha256').update(input.content).digest('hex');
      const audit = { action: 'import.upload', recordType: 'import-batch', recordId: id, details: { kind: input.kind, rows: content.rows.length, sha256 } };
      await useCases.run(actor, { permission: 'person:read', audit }, ({ trx }) => imports.insertImportJob(trx, {
        id, kind: input.kind, mode: 'dry-run', status: 'mapping', file_name: input.fileName, sha256, size_bytes: input.content.byteLength,
        file_base64: Buffer.from(input.content).toString('base64'), mapping: suggestMapping(input.kind, content.headers), created_by: actor.userId, organisation_id: actor.organisationId, dry_run_id: null,
      }));
      return id;
    },

    /** The mapping page: the kept file's headers, the mapping so far, the fields, and the organisation's saved mappings. */
    async mappingPage(actor: Actor, id: string) {
      requireImporter(actor);
      const job = visibleJob(actor, isUuid(id) ? await imports.findImportJob(db, id) : undefined);
      if (job.status !== 'mapping' || !job.file_base64) throw new NotFoundError('import waiting for its mapping');
      const content = await readSpreadsheet(job.kind, Buffer.from(job.file_base64, 'base64'), job.file_name);
      const saved = await imports.listImportMappings(db, actor.organisationId, job.kind);
      return {
        id: job.id, kind: job.kind, fileName: job.file_name, headers: content.headers, headerRow: content.headerRow, rows: content.rows.length,
        mapping: job.mapping as ColumnMapping, fields: fieldsFor(job.kind).map((f) => ({ key: f.key, label: f.label, required: f.required })),
        saved: saved.map((m) => ({ id: m.id, name: m.name, mapping: m.mapping as ColumnMapping })),
      };
    },

    /** Confirms the mapping of a kept upload (saving it under a name when given) and starts its dry run. */
    async confirmMapping(actor: Actor, id: string, mapping: ColumnMapping, saveAs: string | null) {
      requireImporter(actor);
      const job = visibleJob(actor, isUuid(id) ? await imports.findImportJob(db, id) : undefined);
      if (job.status !== 'mapping' || !job.file_base64) throw new NotFoundError('import waiting for its mapping');
      const request: ImportRequest = { kind: job.kind, mode: 'dry-run', fileName: job.file_name, content: Buffer.from(job.file_base64, 'base64'), mapping };
      const { content } = await prepare(request);
      if (saveAs) await this.saveMapping(actor, { kind: job.kind, name: saveAs, mapping });
      const audit = { action: 'import.dry-run', recordType: 'import-batch', recordId: id, details: { kind: job.kind, rows: content.rows.length, fields: Object.keys(mapping) } };
      await useCases.run(actor, { permission: 'person:read', audit }, ({ trx }) => imports.markImportJobRunning(trx, id, content.rows.length, mapping, { owner, at: clock() }));
      launch(actor, id, request, content.rows.length);
    },

    /** Commits what a dry run checked, from the file the dry run kept. */
    async commitDryRun(actor: Actor, dryRunId: string) {
      requireImporter(actor);
      const job = visibleJob(actor, isUuid(dryRunId) ? await imports.findImportJob(db, dryRunId) : undefined);
      if (job.mode !== 'dry-run' || job.status !== 'done' || !job.file_base64) {
        throw new ValidationError([{ field: 'id', message: 'Only a finished dry run whose file is still held can be committed: upload the file again' }]);
      }
      const content = Buffer.from(job.file_base64, 'base64');
      return this.start(actor, { kind: job.kind, mode: 'commit', fileName: job.file_name, content, mapping: job.mapping as ColumnMapping }, { dryRunId: job.id });
    },

    async get(actor: Actor, id: string) {
      requireImporter(actor);
      let job = visibleJob(actor, isUuid(id) ? await imports.findImportJob(db, id) : undefined);
      // A job whose server stopped while it ran says so as soon as someone looks, not at the next start-up.
      if ((job.status === 'queued' || job.status === 'running') && !running.has(job.id) && (await failStale(job.id)) > 0) {
        job = visibleJob(actor, await imports.findImportJob(db, id));
      }
      return jobView(job);
    },

    /** The organisation's imports, newest first (an admin sees every organisation's). */
    async list(actor: Actor, input: unknown = {}) {
      requireImporter(actor);
      const query = parseInput(ImportListQuery, input ?? {});
      const rows = await imports.listImportJobs(db, { organisationId: actor.role === 'admin' ? null : actor.organisationId, mode: query.mode, limit: 100 });
      return rows.map((r) => ({
        id: r.id, kind: r.kind, mode: r.mode, status: r.status, fileName: r.file_name, sha256: r.sha256, sizeBytes: r.size_bytes,
        createdAt: new Date(r.created_at).toISOString(), finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
        createdBy: r.created_by_email, rowsTotal: r.rows_total, rowsValid: r.rows_valid, rowsWithProblems: r.rows_with_problems,
        created: r.created, updated: r.updated, skipped: r.skipped,
      }));
    },

    async saveMapping(actor: Actor, body: unknown) {
      requireImporter(actor);
      // The API hands the body over as it came (services validate their own input): check it whole.
      const input = parseInput(MappingSaveInput, body);
      const name = input.name;
      const unknown = Object.keys(input.mapping).filter((k) => !fieldsFor(input.kind).some((f) => f.key === k));
      if (unknown.length > 0) throw new ValidationError([{ field: 'mapping', message: `Not fields of a ${input.kind} import: ${unknown.join(', ')}` }]);
      const audit = { action: 'import.mapping.save', recordType: 'import-mapping', recordId: null, details: { kind: input.kind, fields: Object.keys(input.mapping) } };
      await useCases.run(actor, { permission: 'person:read', audit }, ({ trx }) => imports.saveImportMapping(trx, { id: randomUUID(), organisationId: actor.organisationId, kind: input.kind, name, mapping: input.mapping, savedBy: actor.userId }));
    },

    /**
     * Marks jobs a stopped process left behind as failed (their transaction was rolled back with it):
     * queued or running jobs whose owner's heartbeat is stale. Another server's live job is left alone.
     */
    async failAbandoned(): Promise<number> {
      return failStale();
    },

    /**
     * Stops a running commit before its next chunk; what it committed is undone (per-chunk) or rolled
     * back (per-batch: the one transaction). Only the importer's organisation (or an admin) may.
     */
    async cancel(actor: Actor, id: string) {
      requireImporter(actor);
      const job = visibleJob(actor, isUuid(id) ? await imports.findImportJob(db, id) : undefined);
      if (job.mode !== 'commit' || !running.has(job.id)) throw new ValidationError([{ field: 'id', message: 'Only an import being committed by this server can be cancelled' }]);
      cancelling.add(job.id);
      await useCases.run(actor, { permission: 'person:read', audit: { action: 'import.cancel', recordType: 'import-batch', recordId: job.id } }, async () => undefined);
      return jobView(job);
    },

    /** How this server commits imports (ADR 0011): the job page says so while one runs. */
    commits,

    /** The name this process's jobs carry as their owner. */
    owner,
  };
}

export type ImportsService = ReturnType<typeof createImportsService>;

type StoredReport = Omit<ImportReport, never>;

interface ExecuteOptions { batchId?: string; onProgress?: (p: ImportProgress) => void; recordBatch?: boolean }

/** Thrown to end a dry run's chunk: its transaction is rolled back. */
const ROLL_BACK = new Error('dry run chunk');

function reportCounts(r: ImportReport) {
  return { rowsTotal: r.rowsTotal, rowsValid: r.rowsValid, rowsWithProblems: r.rowsWithProblems, created: r.created, updated: r.updated, skipped: r.skipped };
}

function storedReport(r: ImportReport & { personIdsRead?: string[]; batchId?: string | null }): StoredReport {
  const { personIdsRead: _read, batchId: _batch, ...report } = r;
  return report;
}

// ---------------------------------------------------------------------------------------------
// One run over the rows of a file, in the caller's transaction.

type Outcome = 'created' | 'updated' | 'skipped';

/** A write an accepted row makes: a new record, or a change to one already held. */
type Write = (() => Promise<void>) & { creates: boolean };
const create = (run: () => Promise<void>): Write => Object.assign(run, { creates: true });
const update = (run: () => Promise<void>): Write => Object.assign(run, { creates: false });

interface RunSettings {
  today: IsoDate;
  now: Date;
  reviews: ReviewSettings;
  law: LawSettings;
  batchId: string | null;
  organisations: KnownOrganisation[];
  kind: ImportKind;
  mapping: ColumnMapping;
  onProgress?: ((p: ImportProgress) => void) | undefined;
  /** Rows a chunk takes (CHUNK_ROWS; fewer in tests, to have several chunks from a small file). */
  chunkRows?: number;
  /**
   * Each chunk in a transaction of its own (the embedded database, ADR 0011 round 5): `step` runs a
   * chunk's work in it (committed, or rolled back for a dry run). Without it, every chunk runs in
   * the caller's one transaction.
   */
  step?: <T>(work: (trx: Db) => Promise<T>) => Promise<T>;
  /** Asked before each chunk: true stops the import (ImportCancelledError). */
  cancelled?: () => boolean;
}

/** The person cancelled the import: what it committed is undone. */
export class ImportCancelledError extends Error {
  constructor() {
    super('The import was cancelled');
  }
}

/** Rows a chunk takes: matched, written and derived together. */
const CHUNK_ROWS = 500;

/** Lets other work (a page's request, a job's heartbeat) run between chunks. */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What a row is matched by. */
interface MatchKey { row: number; nhsNumber: string | null; localId: string | null }

/** Whom a row is about: the person (null: no one yet), or why the row is refused. */
interface MatchResult { person: PersonRow | null; problem: [key: string, value: string, problem: string, action: string] | null; duplicateOf?: string }

/** What a checked register row will write. */
interface RowPlan {
  index: number;
  /** A new record of an NHS number that only records the importer may not see have (0110). */
  duplicateOf?: string;
  rec: RegisterRecord;
  person: PersonRow | null;
  personId: string;
  facts: PersonFacts;
  details: { nhs_number: string | null; local_id: string | null; given_name: string; family_name: string; date_of_birth: IsoDate; address_line1: string | null; postcode: string | null };
  writes: Write[];
  service: ((personId: string, aftercare?: AftercareResult, batch?: NewService[]) => Promise<boolean>) | null;
}

const OUTSIDE = 'This person is outside your organisations: their responsible local authority or ICB must import this row';
const OUTSIDE_ACTION = 'Send the row to the responsible body, or ask an administrator';

class ImportRun {
  readonly findings: Finding[] = [];
  readonly reconciliation: ReconciliationItem[] = [];
  /** The people already on the register whose records a row was checked against (read, so audited). */
  readonly personIdsRead = new Set<string>();
  /** The people whose projections the run derived: their change notifications are released at the end when held. */
  readonly touched = new Set<string>();
  /** The transaction of the chunk being worked on (the caller's one transaction, or the chunk's own). */
  private trx: Db;
  private readonly actor: Actor;
  private readonly s: RunSettings;

  constructor(trx: Db, actor: Actor, settings: RunSettings) {
    this.trx = trx;
    this.actor = actor;
    this.s = settings;
  }

  private column(key: string): string {
    return this.s.mapping[key] ?? key;
  }

  private problem(row: number, key: string, value: string, problem: string, action: string, rule?: string): void {
    this.findings.push({ row, column: this.column(key), value, problem, action, severity: 'error', ...(rule && { rule }) });
  }

  async all(rows: SpreadsheetContent['rows']) {
    const ctx = { today: this.s.today, organisations: this.s.organisations };
    const read = rows.map((raw) => (this.s.kind === 'register' ? readRegisterRow(raw, this.s.mapping, ctx) : readDetentionRow(raw, this.s.mapping, ctx)));
    for (const r of read) this.findings.push(...r.findings);
    const records = read.map((r) => r.record).filter((r): r is RegisterRecord | DetentionRecord => r !== null);
    const duplicates = duplicateFindings(this.s.kind, records, this.s.mapping);
    this.findings.push(...duplicates);
    const duplicateRows = new Set(duplicates.map((d) => d.row));
    const counts = { created: 0, updated: 0, skipped: 0 };
    let done = 0;
    const total = rows.length;
    const tick = () => {
      done += 1;
      if (done % 100 === 0 || done === total) this.s.onProgress?.({ done, total });
    };
    // Rows that failed to read count as done at once.
    for (let i = records.length; i < rows.length; i += 1) tick();
    const accepted = records.filter((r) => !duplicateRows.has(r.row));
    for (let i = records.length - accepted.length; i > 0; i -= 1) tick();
    if (this.s.kind === 'register') {
      // A chunk of rows at a time: its people matched, its records written and its people's
      // projections derived with a few set-based queries each, instead of some 30 queries a row.
      for (const chunk of this.chunksOf(accepted as RegisterRecord[])) {
        const outcomes = await this.inChunk(() => this.registerRows(chunk));
        for (const outcome of outcomes) if (outcome) counts[outcome] += 1;
        for (let k = 0; k < chunk.length; k += 1) tick();
        await yieldToOthers();
      }
    } else {
      // Detention extracts in chunks too: several rows (legal status periods, spells) are often about
      // one person, so a chunk is taken in parts in which each person appears once, as for registers.
      for (const chunk of this.chunksOf(accepted as DetentionRecord[])) {
        const outcomes = await this.inChunk(() => this.inParts(chunk, (part, matches) => this.detentionPart(part, matches)));
        for (const outcome of outcomes) if (outcome) counts[outcome] += 1;
        for (let k = 0; k < chunk.length; k += 1) tick();
        await yieldToOthers();
      }
    }
    // The audit events of every chunk, in row order, once at the end: appendAuditEvents takes the audit
    // chain's lock and inserts 500 events a statement. Taking that lock at the first chunk would hold
    // every other audited request (every page read) for the rest of the import.
    if (!this.s.step) await appendAuditEvents(this.trx, this.takeAudit(), this.s.now);
    const rowsWithProblems = new Set(this.findings.filter((f) => f.severity === 'error').map((f) => f.row)).size;
    this.findings.sort((a, b) => a.row - b.row);
    this.reconciliation.sort((a, b) => a.row - b.row);
    return { rowsValid: rows.length - rowsWithProblems, rowsWithProblems, ...counts };
  }

  /**
   * The accepted rows in chunks. In transactions of their own, a dry run's chunk does not see what an
   * earlier chunk wrote (rolled back), so all the rows about one person (a detention extract has
   * several; one row may name them by NHS number, another by local id only: `rowsByPerson`) go in one
   * chunk, in file order; chunks are otherwise taken as the rows come.
   */
  private chunksOf<R extends MatchKey>(rows: readonly R[]): R[][] {
    const size = this.s.chunkRows ?? CHUNK_ROWS;
    // One transaction for all: the rows as they come. Chunks of their own: each person's rows together.
    const groups = this.s.step ? rowsByPerson(rows) : rows.map((rec) => [rec]);
    const chunks: R[][] = [];
    let current: R[] = [];
    for (const group of groups) {
      current.push(...group);
      if (current.length >= size) {
        chunks.push(current.sort((a, b) => a.row - b.row));
        current = [];
      }
    }
    if (current.length > 0) chunks.push(current.sort((a, b) => a.row - b.row));
    return chunks;
  }

  /**
   * A chunk's work: in the caller's transaction, or (step) in one of its own, with the chunk's audit
   * events and the values it replaced (kept for an undo) written in that same transaction.
   */
  private async inChunk<T>(work: () => Promise<T>): Promise<T> {
    if (this.s.cancelled?.()) throw new ImportCancelledError();
    if (!this.s.step) return work();
    return this.s.step(async (trx) => {
      this.trx = trx;
      const result = await work();
      if (this.s.batchId) {
        await appendAuditEvents(trx, this.takeAudit(), this.s.now);
        await keepPreviousValues(trx, this.s.batchId, this.kept.splice(0));
      }
      return result;
    });
  }

  /** Values the chunk replaced, kept (only when chunks commit on their own) so that an undo can put them back. */
  private readonly kept: KeptValues[] = [];

  private keep(table: KeptValues['table'], rowId: string, personId: string, previous: Record<string, unknown>): void {
    if (this.s.step && this.s.batchId) this.kept.push({ table, rowId, personId, previous });
  }

  /** Held while chunks commit on their own: released by the caller once the batch has finished. */
  private get notifications(): NotificationsMode {
    return this.s.step ? 'held' : 'with';
  }

  private async refresh(ids: readonly string[]): Promise<Map<string, AftercareResult>> {
    for (const id of ids) this.touched.add(id);
    return refreshProjectionsOf(this.trx, await many.findPeople(this.trx, ids), this.s.today, this.s.reviews, this.s.law, this.notifications);
  }

  /** One audit event for each record touched, by row, written together once every row is done (one chain lock). */
  private readonly auditByRow = new Map<number, AuditEventInput[]>();

  /** The chunk's audit events in row order (within a row, in the order its records were touched). */
  private takeAudit(): AuditEventInput[] {
    const rows = [...this.auditByRow.keys()].sort((a, b) => a - b);
    const events = rows.flatMap((r) => this.auditByRow.get(r)!);
    this.auditByRow.clear();
    return events;
  }

  private async audit(action: string, recordType: string, recordId: string, personId: string, row: number): Promise<void> {
    if (!this.s.batchId) return; // a dry run is rolled back: its events would be too
    const event = { ...auditActor(this.actor), action, recordType, recordId, personId, details: { batchId: this.s.batchId, row } };
    const list = this.auditByRow.get(row);
    if (list) list.push(event);
    else this.auditByRow.set(row, [event]);
  }

  /** While a part of a chunk is written, new stays and legal statuses are gathered for multi-row inserts. */
  private batched: {
    admissions: Parameters<typeof imports.insertAdmissions>[1][number][];
    legalStatuses: Parameters<typeof imports.insertLegalStatuses>[1][number][];
    residences: Parameters<typeof imports.insertResidences>[1][number][];
    gps: Parameters<typeof imports.insertGpRegistrations>[1][number][];
  } | null = null;

  /**
   * RESP-2, RESP-5: the row's ordinary residence and GP registration, added to the person's histories
   * as the person page adds them (a residence or registration already held, same body and date, is
   * not added again). A history only grows: an import never removes or rewrites an entry.
   */
  private planResidenceAndGp(rec: RegisterRecord, personId: string, facts: PersonFacts): Write[] {
    const writes: Write[] = [];
    const residence = rec.residence;
    if (residence && !facts.residences.some((r) => r.localAuthority === residence.localAuthority && r.since === residence.since)) {
      writes.push(create(async () => {
        const row = { id: randomUUID(), personId, ...residence, batchId: this.s.batchId };
        if (this.batched) this.batched.residences.push(row);
        else await people.insertResidence(this.trx, row);
        await this.audit('import.residence.create', 'residence', row.id, personId, rec.row);
      }));
    }
    const gp = rec.gp;
    if (gp && !facts.gpRegistrations.some((g) => g.icb === gp.icb && g.since === gp.since && (g.practiceCode ?? null) === gp.practiceCode)) {
      writes.push(create(async () => {
        const row = { id: randomUUID(), personId, ...gp, batchId: this.s.batchId };
        if (this.batched) this.batched.gps.push(row);
        else await people.insertGpRegistration(this.trx, row);
        await this.audit('import.gp-registration.create', 'gp-registration', row.id, personId, rec.row);
      }));
    }
    return writes;
  }

  private async insertAdmission(row: { id: string; personId: string; hospital: string; admittedOn: string; dischargedOn: string | null }): Promise<void> {
    if (this.batched) this.batched.admissions.push({ ...row, batchId: this.s.batchId });
    else await history.insertAdmission(this.trx, row);
  }

  private async insertLegalStatus(row: { id: string; personId: string; section: string; startDate: string; endDate: string | null; admissionId: string | null }): Promise<void> {
    if (this.batched) this.batched.legalStatuses.push({ ...row, batchId: this.s.batchId });
    else await history.insertLegalStatus(this.trx, row);
  }

  /**
   * Checks a stay and a legal status against the person's facts and answers the writes to make, or
   * null (with the problems reported) when either is refused: then nothing of the row is written.
   */
  private planLegalHistory(
    row: number,
    personId: string,
    facts: PersonFacts,
    stay: { admittedOn: IsoDate; dischargedOn: IsoDate | null; hospital: string | null } | null,
    status: { section: SectionCode; startDate: IsoDate; endDate: IsoDate | null } | null,
    columns: Record<string, string>,
  ): Write[] | null {
    const writes: Write[] = [];
    const violations: { field: string; message: string; rule?: string }[] = [];
    let working = facts;
    let admissionId: string | null = null;
    if (stay) {
      const existing = facts.admissions.find((a) => a.admittedOn === stay.admittedOn);
      if (existing) {
        admissionId = existing.id;
        if (existing.dischargedOn === null && stay.dischargedOn) {
          const candidate = { ...existing, dischargedOn: stay.dischargedOn };
          violations.push(...validateAdmission(working, candidate, this.s.today));
          working = { ...working, admissions: working.admissions.map((a) => (a.id === existing.id ? candidate : a)) };
          writes.push(update(async () => {
            this.keep('admissions', existing.id, personId, { discharged_on: null });
            await history.updateAdmissionDischarge(this.trx, existing.id, null, stay.dischargedOn);
            await this.audit('import.admission.update', 'admission', existing.id, personId, row);
          }));
        }
      } else {
        const candidate = { id: randomUUID(), hospital: stay.hospital ?? 'Not named in the imported file', admittedOn: stay.admittedOn, dischargedOn: stay.dischargedOn };
        admissionId = candidate.id;
        violations.push(...validateAdmission(working, candidate, this.s.today));
        working = { ...working, admissions: [...working.admissions, candidate] };
        writes.push(create(async () => {
          await this.insertAdmission({ personId, ...candidate });
          await this.audit('import.admission.create', 'admission', candidate.id, personId, row);
        }));
      }
    }
    if (status) {
      const existing = facts.legalStatuses.find((s) => s.section === status.section && s.startDate === status.startDate);
      if (existing) {
        if (existing.endDate === null && status.endDate) {
          const candidate = { ...existing, endDate: status.endDate };
          violations.push(...validateLegalStatus(working, candidate, this.s.today));
          writes.push(update(async () => {
            this.keep('legal_statuses', existing.id, personId, { end_date: null });
            await history.updateLegalStatusEnd(this.trx, existing.id, null, status.endDate);
            await this.audit('import.legal-status.update', 'legal-status', existing.id, personId, row);
          }));
        }
      } else {
        const within = isHospitalDetention(status.section)
          ? (admissionId ?? working.admissions.find((a) => a.admittedOn <= status.startDate && (a.dischargedOn === null || a.dischargedOn >= status.startDate))?.id ?? null)
          : null;
        const candidate = { id: randomUUID(), section: status.section, startDate: status.startDate, endDate: status.endDate, admissionId: within };
        violations.push(...validateLegalStatus(working, candidate, this.s.today));
        writes.push(create(async () => {
          await this.insertLegalStatus({ personId, ...candidate });
          await this.audit('import.legal-status.create', 'legal-status', candidate.id, personId, row);
        }));
      }
    }
    if (violations.length > 0) {
      for (const v of violations) this.problem(row, columns[v.field] ?? v.field, '', v.message, 'Check the dates and the section against the Mental Health Act office’s records', v.rule);
      return null;
    }
    return writes;
  }

  /**
   * Whom each row of a part of a chunk is about, with one query per kind of look-up (as match() does
   * for one row). By NHS number, "not there" and "not yours" answer the same (issue 15, ADR 0015): a
   * record the importer may see is the one; when only records it may not see have the number, the row
   * registers a new record to reconcile with the one already there (duplicate_of).
   */
  private async matchMany(recs: readonly MatchKey[]): Promise<Map<number, MatchResult>> {
    const byNhs = new Map<string, PersonRow[]>();
    const withNumbers = await imports.findPeopleByNhsNumbers(this.trx, recs.flatMap((r) => (r.nhsNumber ? [r.nhsNumber] : [])));
    for (const p of [...withNumbers].sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime())) if (p.nhs_number) byNhs.set(p.nhs_number, [...(byNhs.get(p.nhs_number) ?? []), p]);
    const byLocal = new Map<string, PersonRow[]>();
    for (const p of await imports.findPeopleByLocalIds(this.trx, recs.flatMap((r) => (!r.nhsNumber && r.localId ? [r.localId] : [])))) byLocal.set(p.local_id!, [...(byLocal.get(p.local_id!) ?? []), p]);
    const found = new Map<number, PersonRow[]>();
    const out = new Map<number, MatchResult>();
    for (const rec of recs) {
      if (rec.nhsNumber) found.set(rec.row, byNhs.get(rec.nhsNumber) ?? []);
      else if (rec.localId) {
        const matches = byLocal.get(rec.localId) ?? [];
        if (matches.length > 1) {
          out.set(rec.row, { person: null, problem: ['localId', rec.localId, 'More than one person on the register has this local id', 'Add the NHS number to the row'] });
          continue;
        }
        found.set(rec.row, matches);
      }
    }
    const ids = [...new Set([...found.values()].flatMap((rows) => rows.map((p) => p.id)))];
    const visible = new Map((ids.length > 0 ? await imports.lockVisiblePeople(this.trx, ids, viewerOf(this.actor)) : []).map((p) => [p.id, p]));
    for (const rec of recs) {
      if (out.has(rec.row)) continue;
      const rows = found.get(rec.row) ?? [];
      const seen = rows.find((p) => visible.has(p.id));
      if (seen) out.set(rec.row, { person: visible.get(seen.id)!, problem: null });
      else if (rows.length === 0) out.set(rec.row, { person: null, problem: null });
      else if (rec.nhsNumber) out.set(rec.row, { person: null, problem: null, duplicateOf: (rows.find((p) => !p.duplicate_of) ?? rows[0]!).id });
      else out.set(rec.row, { person: null, problem: ['localId', rec.localId ?? '', OUTSIDE, OUTSIDE_ACTION] });
    }
    return out;
  }

  /**
   * A chunk of register rows. Rows are taken in parts in which no two rows are about the same person
   * (a later row about a person an earlier row touched starts the next part, matched afresh), so
   * each row sees what the rows before it wrote, as if the rows were imported one by one.
   */
  private registerRows(chunk: readonly RegisterRecord[]): Promise<(Outcome | null)[]> {
    return this.inParts(chunk, (part, matches) => this.registerPart(part, matches));
  }

  /** A chunk in parts in which no two rows are about the same person, each part matched afresh. */
  private async inParts<R extends MatchKey>(chunk: readonly R[], handle: (part: readonly R[], matches: Map<number, MatchResult>) => Promise<(Outcome | null)[]>): Promise<(Outcome | null)[]> {
    const outcomes: (Outcome | null)[] = [];
    let rest = chunk;
    while (rest.length > 0) {
      const matches = await this.matchMany(rest);
      const seen = new Set<string>();
      let cut = rest.length;
      for (let i = 0; i < rest.length; i += 1) {
        const rec = rest[i]!;
        const person = matches.get(rec.row)?.person ?? null;
        const keys = [rec.nhsNumber && `nhs:${rec.nhsNumber}`, rec.localId && `local:${rec.localId}`, person && `id:${person.id}`, person?.nhs_number && `nhs:${person.nhs_number}`, person?.local_id && `local:${person.local_id}`]
          .filter((k): k is string => Boolean(k));
        if (i > 0 && keys.some((k) => seen.has(k))) {
          cut = i;
          break;
        }
        for (const k of keys) seen.add(k);
      }
      outcomes.push(...(await handle(rest.slice(0, cut), matches)));
      rest = rest.slice(cut);
    }
    return outcomes;
  }

  /** Rows about different people: checked one by one, then written, derived and reconciled together. */
  private async registerPart(part: readonly RegisterRecord[], matches: Map<number, MatchResult>): Promise<(Outcome | null)[]> {
    const outcomes: (Outcome | null)[] = part.map(() => null);
    const known = part.flatMap((r) => { const p = matches.get(r.row)!.person; return p ? [p] : []; });
    for (const p of known) this.personIdsRead.add(p.id);
    const factsOf = await many.loadFactsOf(this.trx, known);
    // The services of the people whose rows carry one, read together (planImportedService matches them).
    const heldServices: Map<string, ServiceRow[]> = await many.servicesOf(this.trx, part.flatMap((r) => { const p = matches.get(r.row)!.person; return p && r.service ? [p.id] : []; }));
    const plans: RowPlan[] = [];
    for (const [index, rec] of part.entries()) {
      const { person, problem, duplicateOf } = matches.get(rec.row)!;
      if (problem) {
        this.problem(rec.row, ...problem);
        continue;
      }
      if (!person && this.actor.role !== 'admin' && rec.localAuthority !== this.actor.organisationCode && rec.icb !== this.actor.organisationCode) {
        this.problem(rec.row, 'localAuthority', rec.localAuthority ?? '', OUTSIDE, OUTSIDE_ACTION);
        continue;
      }
      const personId = person?.id ?? randomUUID();
      const facts: PersonFacts = person
        ? factsOf.get(person.id)!
        : { dateOfBirth: rec.dateOfBirth, dateOfDeath: null, residences: [], gpRegistrations: [], admissions: [], legalStatuses: [], leaves: [], responsibilityDecisions: [], jointEndings: [] };
      const details = {
        nhs_number: rec.nhsNumber ?? person?.nhs_number ?? null,
        local_id: rec.localId ?? person?.local_id ?? null,
        given_name: rec.givenName,
        family_name: rec.familyName,
        date_of_birth: rec.dateOfBirth,
        address_line1: rec.address ?? person?.address_line1 ?? null,
        postcode: rec.postcode ?? person?.postcode ?? null,
      };
      const section = rec.section;
      const stay = section && rec.detainedOn && isHospitalDetention(section) ? { admittedOn: rec.detainedOn, dischargedOn: rec.leftHospitalOn, hospital: rec.hospital } : null;
      const status = section && rec.detainedOn ? { section, startDate: rec.detainedOn, endDate: rec.leftHospitalOn } : null;
      const columns = { admittedOn: 'detainedOn', dischargedOn: 'leftHospitalOn', hospital: 'hospital', section: 'section', startDate: 'detainedOn', endDate: 'leftHospitalOn' };
      const history = this.planLegalHistory(rec.row, personId, facts, stay, status, columns);
      if (history === null) continue;
      const writes = [...history, ...this.planResidenceAndGp(rec, personId, facts)];
      const service = rec.service ? await this.planService(rec, person, person ? (heldServices.get(person.id) ?? []) : undefined) : { write: null };
      if (service === null) continue;
      plans.push({ index, rec, person, personId, facts, details, writes, service: service.write, duplicateOf });
    }

    // The writes: new people and their allocations, then the stays and legal statuses, each kind in
    // multi-row inserts; then, row by row, what cannot be batched (services, changed details).
    const created = plans.filter((p) => !p.person);
    const batchId = this.s.batchId;
    await imports.insertPeople(this.trx, created.map((p) => ({ id: p.personId, ...p.details, date_of_death: null, import_batch_id: batchId, ...(p.duplicateOf && { duplicate_of: p.duplicateOf }) })));
    await imports.insertAllocations(this.trx, created.map((p) => ({ id: randomUUID(), personId: p.personId, userId: this.actor.userId, organisationId: this.actor.organisationId, reason: 'imported the person', batchId })));
    for (const p of created) if (p.duplicateOf) await recordDuplicateRegistration(this.trx, { id: randomUUID(), personId: p.personId, duplicateOf: p.duplicateOf, route: 'import', organisationCode: this.actor.organisationCode, importBatchId: batchId });
    this.batched = { admissions: [], legalStatuses: [], residences: [], gps: [] };
    try {
      for (const p of plans) for (const write of p.writes) await write();
      await imports.insertAdmissions(this.trx, this.batched.admissions);
      await imports.insertLegalStatuses(this.trx, this.batched.legalStatuses);
      await imports.insertResidences(this.trx, this.batched.residences);
      await imports.insertGpRegistrations(this.trx, this.batched.gps);
    } finally {
      this.batched = null;
    }
    // The aftercare of the people whose services are written, derived together once their stays and
    // legal statuses are: a new service belongs to the episode covering its start.
    const withService = plans.filter((p) => p.service).map((p) => p.personId);
    const derived = withService.length > 0 ? await deriveAftercareOf(this.trx, withService, this.s.today, this.s.law) : new Map<string, AftercareResult>();
    const newServices: NewService[] = [];
    for (const p of plans) {
      const wroteService = p.service ? await p.service(p.personId, derived.get(p.personId), newServices) : false;
      const wroteHistory = p.writes.length > 0 || wroteService;
      let outcome: Outcome = p.person ? 'skipped' : 'created';
      if (p.person) {
        const person = p.person;
        const changes = Object.fromEntries(Object.entries(p.details).filter(([k, v]) => person[k as keyof PersonRow] !== v));
        if (Object.keys(changes).length > 0) {
          this.keep('people', person.id, person.id, Object.fromEntries(Object.keys(changes).map((k) => [k, person[k as keyof PersonRow]])));
          await people.updatePerson(this.trx, person.id, person.version, changes);
          await this.audit('import.person.update', 'person', person.id, person.id, p.rec.row);
          outcome = 'updated';
        } else if (wroteHistory) outcome = 'updated';
      } else {
        await this.audit('import.person.create', 'person', p.personId, p.personId, p.rec.row);
      }
      outcomes[p.index] = outcome;
    }
    await insertServices(this.trx, newServices);

    // The projections of the people the part changed, derived together; the others' aftercare from the facts read.
    const changed = plans.filter((p) => outcomes[p.index] !== 'skipped').map((p) => p.personId);
    const aftercare = await this.refresh(changed);
    const results = new Map<string, AftercareResult>();
    for (const p of plans) {
      const result = aftercare.get(p.personId) ?? computeAftercare(p.facts, this.s.today);
      results.set(p.personId, result);
      this.reconciliation.push(...reconcileRegisterRow(p.rec, p.personId, result, this.s.today));
    }

    // REV-1: the sheet's last review, as a review held in the person's running episode (date only).
    const reviewed = await this.importLastReviews(plans, results);
    for (const p of plans) if (reviewed.has(p.personId) && outcomes[p.index] === 'skipped') outcomes[p.index] = 'updated';

    // PLAN-3: the keyworker, once the person's sight is derived (the keyworker's organisation must
    // already see them, as on the person's page); then the projections again (the keyworker's
    // organisation now sees the person).
    const allocated: string[] = [];
    for (const p of plans) {
      if (p.rec.keyworkerEmail && (await this.allocateKeyworker(p.rec, p.personId, p.rec.keyworkerEmail))) {
        allocated.push(p.personId);
        if (outcomes[p.index] === 'skipped') outcomes[p.index] = 'updated';
      }
    }
    const again = [...new Set([...allocated, ...reviewed])];
    if (again.length > 0) await this.refresh(again);

    // REV-1: the sheet's next review against the review the register now expects (its projection).
    const withNext = plans.filter((p) => p.rec.nextReview);
    const expected = await imports.nextReviewDueOf(this.trx, withNext.map((p) => p.personId));
    for (const p of withNext) {
      const item = reconcileNextReview(p.rec, p.personId, expected.get(p.personId) ?? null, this.s.reviews);
      if (item) this.reconciliation.push(item);
    }
    return outcomes;
  }

  /**
   * REV-1 (0116): each row's last review date becomes a review held on that day in the person's
   * running episode, marked as imported by this batch, with no outcome (the sheet gives none). A
   * review already held on that day is not added again. One the rules would refuse on the person's
   * page (no aftercare running, or a date before leaving hospital) is a warning and is not imported.
   * Answers the people who gained a review.
   */
  private async importLastReviews(plans: readonly RowPlan[], results: ReadonlyMap<string, AftercareResult>): Promise<Set<string>> {
    const withReview = plans.filter((p) => p.rec.lastReview);
    const reviewed = new Set<string>();
    if (withReview.length === 0) return reviewed;
    const held = (await many.reviewDatesOf(this.trx, withReview.map((p) => p.personId))).held;
    const rows: Parameters<typeof imports.insertImportedReviews>[1][number][] = [];
    for (const p of withReview) {
      const heldOn = p.rec.lastReview!;
      const latest = results.get(p.personId)?.episodes.at(-1);
      const refused = validateReviewDate(latest, 'lastReview', heldOn)[0];
      if (refused) {
        const problem = latest && latest.leftHospitalOn && refused.message.includes('on or after')
          ? `The last review is dated before the person left hospital on ${formatDate(latest.leftHospitalOn)}: it is not a review of their aftercare, and is not imported`
          : 'The register finds no aftercare running for this person (not entitled, still in hospital, or ended), so there is no review to record: the last review is not imported';
        this.findings.push({ row: p.rec.row, column: this.column('lastReview'), value: formatDate(heldOn), problem, action: 'Check the date and the detention against the records; record the review on the person’s page once it applies', severity: 'warning', rule: 'REV-1' });
        continue;
      }
      if ((held.get(p.personId) ?? []).some((r) => String(r.held_on) === heldOn)) continue;
      const id = randomUUID();
      rows.push({ id, personId: p.personId, episodeId: latest!.id, heldOn, batchId: this.s.batchId ?? this.dryRunBatchId, recordedBy: this.actor.userId });
      await this.audit('import.review.create', 'review', id, p.personId, p.rec.row);
      reviewed.add(p.personId);
    }
    await imports.insertImportedReviews(this.trx, rows);
    return reviewed;
  }

  /** A dry run's reviews need a batch to be marked with: this one is rolled back with everything else. */
  private readonly dryRunBatchId = randomUUID();

  private readonly usersByEmail = new Map<string, Awaited<ReturnType<typeof findUserByEmail>>>();

  /**
   * PLAN-3: allocates the register user with this email as the person's keyworker, by the rules of the
   * keyworker page (keyworkerCandidateViolations, keyworkerAllocationRefusal); true when it wrote.
   * Anything refused is a warning: the row's other records import.
   */
  private async allocateKeyworker(rec: RegisterRecord, personId: string, email: string): Promise<boolean> {
    const warn = (problem: string, action: string) => this.findings.push({ row: rec.row, column: this.column('keyworker'), value: rec.keyworker ?? email, problem, action, severity: 'warning', rule: 'PLAN-3' });
    if (!can(this.actor.role, 'keyworker:allocate')) {
      warn('You may not allocate keyworkers: no keyworker is allocated', 'Ask someone who allocates keyworkers to do it on the person’s page');
      return false;
    }
    if (!this.usersByEmail.has(email)) this.usersByEmail.set(email, await findUserByEmail(this.trx, email));
    const user = this.usersByEmail.get(email);
    const violation = keyworkerCandidateViolations(user)[0];
    if (!user || violation) {
      warn(user ? violation!.message : 'No user of the register has this email address: no keyworker is allocated', 'Check the email address, or add the keyworker as a user of the register, then import again');
      return false;
    }
    const refusal = keyworkerAllocationRefusal(this.actor, user.organisation_code, await people.organisationsWithSightOf(this.trx, personId));
    if (refusal) {
      warn(refusal, 'Ask the keyworker’s organisation to allocate them on the person’s page');
      return false;
    }
    const current = await keyworkers.currentKeyworker(this.trx, personId);
    if (current?.user_id === user.id) return false;
    if (current) this.keep('person_allocations', current.allocation_id, personId, { ended_at: null });
    await keyworkers.endKeyworker(this.trx, personId, this.s.now);
    const id = randomUUID();
    await keyworkers.insertKeyworker(this.trx, { id, personId, userId: user.id, organisationId: user.organisation_id, at: this.s.now, jobTitle: null, team: null, phone: null, email: null, importBatchId: this.s.batchId });
    await this.audit(current ? 'import.keyworker.reallocate' : 'import.keyworker.allocate', 'keyworker-allocation', id, personId, rec.row);
    return true;
  }

  /**
   * The row's service, checked by the care-services rules before anything of the row is written:
   * null (with the problems reported) when it is refused, else the write to make, if any.
   */
  private async planService(rec: RegisterRecord, person: PersonRow | null, held?: readonly ServiceRow[]): Promise<{ write: ((personId: string, aftercare?: AftercareResult, batch?: NewService[]) => Promise<boolean>) | null } | null> {
    const plan = await planImportedService(this.trx, rec, person, this.s.today, this.s.law, this.actor.userId, held, this.s.batchId);
    if ('problems' in plan) {
      for (const p of plan.problems) this.problem(rec.row, p.key, p.value, p.message, p.action, p.rule);
      return null;
    }
    const write = plan.write;
    if (!write) return { write: null };
    return {
      write: async (personId, aftercare, batch) => {
        const done = await write(personId, aftercare, batch);
        if (done?.previous) this.keep('services', done.serviceId, personId, done.previous);
        if (done) await this.audit(done.action, 'service', done.serviceId, personId, rec.row);
        return done !== null;
      },
    };
  }

  /**
   * Detention rows about different people: each checked against the person's facts (read together)
   * exactly as one row alone would be, the new stays and legal statuses written in multi-row inserts,
   * and the projections of everyone the part changed derived together.
   */
  private async detentionPart(part: readonly DetentionRecord[], matches: Map<number, MatchResult>): Promise<(Outcome | null)[]> {
    const outcomes: (Outcome | null)[] = part.map(() => null);
    const known = part.flatMap((r) => { const p = matches.get(r.row)!.person; return p ? [p] : []; });
    for (const p of known) this.personIdsRead.add(p.id);
    const factsOf = await many.loadFactsOf(this.trx, known);
    const planned: { index: number; personId: string; writes: Write[] }[] = [];
    for (const [index, rec] of part.entries()) {
      const { person, problem } = matches.get(rec.row)!;
      if (problem) {
        this.problem(rec.row, ...problem);
        continue;
      }
      if (!person) {
        this.problem(rec.row, rec.nhsNumber ? 'nhsNumber' : 'localId', rec.nhsNumber ?? rec.localId ?? '', 'This person is not on the register', 'Import the register first (or add the person), then import the detentions again');
        const missing = reconcileMissingPerson(rec);
        if (missing) this.reconciliation.push(missing);
        continue;
      }
      const stay = rec.admittedOn ? { admittedOn: rec.admittedOn, dischargedOn: rec.dischargedOn, hospital: rec.hospital } : null;
      const status = rec.section && rec.startDate ? { section: rec.section, startDate: rec.startDate, endDate: rec.endDate } : null;
      const columns = { admittedOn: 'admittedOn', dischargedOn: 'dischargedOn', hospital: 'hospital', section: 'legalStatusCode', startDate: 'startDate', endDate: 'endDate' };
      const writes = this.planLegalHistory(rec.row, person.id, factsOf.get(person.id)!, stay, status, columns);
      if (writes === null) continue;
      if (writes.length === 0) {
        outcomes[index] = 'skipped';
        continue;
      }
      planned.push({ index, personId: person.id, writes });
      outcomes[index] = writes.some((w) => w.creates) ? 'created' : 'updated';
    }
    this.batched = { admissions: [], legalStatuses: [], residences: [], gps: [] };
    try {
      for (const p of planned) for (const write of p.writes) await write();
      await imports.insertAdmissions(this.trx, this.batched.admissions);
      await imports.insertLegalStatuses(this.trx, this.batched.legalStatuses);
    } finally {
      this.batched = null;
    }
    await this.refresh(planned.map((p) => p.personId));
    return outcomes;
  }
}
