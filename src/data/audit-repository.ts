// The audit trail. Each event is written in the caller's transaction, with no lock and no read: a
// number from a sequence and the inserting transaction's id (migration 0080). A single sealer
// chains the events afterwards (audit_seals) and signs checkpoints of the head (audit_checkpoints);
// see services/audit/audit-log.ts and docs/adr/0016. The database refuses UPDATE, DELETE and
// TRUNCATE on all three tables (migrations 0001, 0080).
import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { canonicalJson, GENESIS_HASH } from '../domain/audit-log.ts';
import { PREPARED, type Db } from './database.ts';
import type { AuditEventRow } from './schema.ts';

export { canonicalJson, GENESIS_HASH };

/** Held by the sealer only, for the length of one sealing transaction (never by a writer). */
const SEALER_LOCK = 117_001;

export interface AuditEventInput {
  userId: string | null;
  organisationId: string | null;
  action: string;
  recordType?: string | null;
  recordId?: string | null;
  personId?: string | null;
  requestId?: string | null;
  /** Names of fields changed, ids and outcomes: never personal data such as names or addresses. */
  details?: Record<string, unknown>;
}

export async function appendAuditEvent(trx: Db, event: AuditEventInput, now = new Date()): Promise<void> {
  await appendAuditEvents(trx, [event], now);
}

/** Several events in order (an import's records): one insert per 500, numbered in the order given. */
export async function appendAuditEvents(trx: Db, events: readonly AuditEventInput[], now = new Date()): Promise<void> {
  // One event (every use case's) is a fixed text: prepared on each connection.
  const prepared = events.length === 1 ? PREPARED : sql``;
  for (let i = 0; i < events.length; i += 500) await sql`${prepared}${auditEventsInsert(events.slice(i, i + 500), now)}`.execute(trx);
}

/**
 * The INSERT of events (a few hundred at most), as a statement or as a data-modifying CTE of another
 * (projections-repository.saveProjectionsOf: a change's event in the statement that saves its
 * projections, one round trip fewer). Numbered in the order given; the trigger stamps the transaction
 * (0080) and the sealer chains them later (ADR 0016).
 */
export function auditEventsInsert(events: readonly AuditEventInput[], now: Date): RawBuilder<unknown> {
  const at = now.toISOString();
  const rows = events.map((event) => sql`(${sql.join([
    sql`${at}::timestamptz`, sql`${event.userId}::uuid`, sql`${event.organisationId}::uuid`, sql`${event.action}::text`,
    sql`${event.recordType ?? null}::text`, sql`${event.recordId ?? null}::text`, sql`${event.personId ?? null}::uuid`,
    sql`${event.requestId ?? null}::text`, sql`${JSON.stringify(event.details ?? {})}::jsonb`,
  ])})`);
  return sql`INSERT INTO audit_events (at, user_id, organisation_id, action, record_type, record_id, person_id, request_id, details) VALUES ${sql.join(rows)}`;
}

/** An audit event that a read's own statement appends: who asks, what, when. */
interface ReadEvent {
  userId: string | null;
  organisationId: string | null;
  requestId: string | null;
  action: string;
  /** Ids, field names and outcomes only: never personal data. */
  details: Record<string, unknown>;
  now: Date;
}

/** The audit event of a read of one person, appended by the read's own statement (withPersonReadEvent). */
export interface PersonReadEvent extends ReadEvent {
  /** 'person' unless given (a plan read is 'plan'); the record id is the person's either way, as audit() in use-case.ts writes it. */
  recordType?: string;
  /**
   * Details the statement computes from the row it read (SQL over the CTE `model`), added to
   * `details`: a value of the answer (the plan's version) known only once the read is done.
   */
  computedDetails?: Record<string, RawBuilder<unknown>>;
}

/**
 * A select of at most one person (its `id` column the person's id) and the audit event of reading
 * them, in ONE statement (issue 14: one round trip in autocommit instead of BEGIN, select, insert,
 * COMMIT). A data-modifying CTE always runs to completion, and it inserts the event only for a row the
 * select gives, so a person who is not there or not visible is not audited as read, as before; one
 * statement is atomic, so the event commits exactly when the read does. The event has the fields
 * appendAuditEvent writes for a read of a person (record type 'person' unless given, the person's id
 * as record and person); the trigger stamps the transaction (0080) and the sealer chains it later (ADR 0016).
 */
export function withPersonReadEvent<R>(select: RawBuilder<R>, event: PersonReadEvent): RawBuilder<R> {
  const computed = Object.entries(event.computedDetails ?? {});
  // jsonb keeps no key order, so merging here stores what JSON.stringify of the merged object would.
  const details = computed.length === 0
    ? sql`${JSON.stringify(event.details)}::jsonb`
    : sql`${JSON.stringify(event.details)}::jsonb || jsonb_build_object(${sql.join(computed.map(([key, value]) => sql`${key}::text, ${value}`))})`;
  return sql<R>`WITH model AS (${select}),
    audited AS (
      INSERT INTO audit_events (at, user_id, organisation_id, action, record_type, record_id, person_id, request_id, details)
      SELECT ${event.now.toISOString()}::timestamptz, ${event.userId}::uuid, ${event.organisationId}::uuid, ${event.action}::text, ${event.recordType ?? 'person'}::text, model.id::text, model.id, ${event.requestId}::text, ${details}
        FROM model)
    SELECT * FROM model`;
}

/**
 * The audit event of a page of people shown (a register search): who asks, the filters (`details`:
 * never the search words), and then, added from the rows, how many were shown and their ids in the
 * order shown (`results`, `personIds`). The page's own statement writes it (withPeopleShownEvent);
 * where no page is read, it is appended alone (appendNoOneShownEvent).
 */
export interface PeopleShownEvent extends ReadEvent {
  /** How many of the rows are shown, and named in the event: a page may read one more, to know whether another follows. */
  shownAtMost: number;
}

/** The column withPeopleShownEvent's select gives each row's place in the page (1, 2, ...), as row_number() does. */
export const SHOWN_ORDER = 'shown_order';

/**
 * A page of people and the audit event of showing them, in ONE statement (issue 14: a search in
 * autocommit was the page, then the event; one round trip and one commit fewer). `select` gives the
 * page's rows, each with its person's `id` and its place in the page as `shown_order`; the event
 * names the first `shownAtMost` of them, in that order, as `results` and `personIds` (details the
 * service wrote from the page before). An aggregate over no rows is still one row, so a page that
 * finds no one is audited too, as before. The rows come back in page order.
 */
export function withPeopleShownEvent<R>(select: RawBuilder<R>, event: PeopleShownEvent): RawBuilder<R> {
  return sql<R>`WITH model AS (${select}),
    audited AS (
      INSERT INTO audit_events (at, user_id, organisation_id, action, record_type, record_id, person_id, request_id, details)
      SELECT ${event.now.toISOString()}::timestamptz, ${event.userId}::uuid, ${event.organisationId}::uuid, ${event.action}::text, NULL::text, NULL::text, NULL::uuid, ${event.requestId}::text,
        ${JSON.stringify(event.details)}::jsonb || jsonb_build_object('results', count(*)::int, 'personIds', coalesce(jsonb_agg(model.id::text ORDER BY model.${sql.raw(SHOWN_ORDER)}), '[]'::jsonb))
        FROM model WHERE model.${sql.raw(SHOWN_ORDER)} <= ${event.shownAtMost})
    SELECT * FROM model ORDER BY model.${sql.raw(SHOWN_ORDER)}`;
}

/** The same event where the page was known to be empty without reading it (a cursor that names no one). */
export async function appendNoOneShownEvent(db: Db, event: PeopleShownEvent): Promise<void> {
  const { userId, organisationId, requestId, action, details, now } = event;
  await appendAuditEvent(db, { userId, organisationId, requestId, action, details: { ...details, results: 0, personIds: [] } }, now);
}

/** The unkeyed hash of the chain before 0080, kept to check the events written then. */
export function legacyHashEvent(row: AuditEventRow): string {
  return createHash('sha256').update(canonicalJson({
    seq: row.seq,
    at: new Date(row.at).toISOString(),
    userId: row.user_id,
    organisationId: row.organisation_id,
    action: row.action,
    recordType: row.record_type,
    recordId: row.record_id,
    personId: row.person_id,
    requestId: row.request_id,
    details: row.details,
    prevHash: row.prev_hash,
  })).digest('hex');
}

// --- Sealing -----------------------------------------------------------------------------------

/** Only one sealer at a time, across processes: false when another holds it. */
export async function tryLockSealer(trx: Db): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(${SEALER_LOCK}) AS locked`.execute(trx);
  return rows[0]?.locked === true;
}

/**
 * The horizon: every transaction of this database with an id below it has ended, so the set of events
 * they wrote is final. Transaction ids are the whole server's, so the oldest transaction still
 * running anywhere (pg_snapshot_xmin) would let another database's long transaction hold the sealer
 * back: of the transactions running at the snapshot, only those of this database count (their
 * sessions in pg_stat_activity, and prepared transactions). The snapshot is taken first, in its own
 * statement, so that a transaction starting after it has an id at or above its xmax. Call before the
 * transaction writes anything, and before anything else in it reads pg_stat_activity.
 */
export async function sealHorizon(trx: Db): Promise<string> {
  const snapshot = (await sql<{ snapshot: string }>`SELECT pg_current_snapshot()::text AS snapshot`.execute(trx)).rows[0]!.snapshot;
  const { rows } = await sql<{ horizon: string }>`
    SELECT LEAST(
      pg_snapshot_xmax(${snapshot}::pg_snapshot),
      (SELECT min(x) FROM pg_snapshot_xip(${snapshot}::pg_snapshot) AS x
        WHERE (x::text::numeric % 4294967296) IN (
          SELECT a.backend_xid::text::numeric FROM pg_stat_activity a WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL
          UNION ALL
          SELECT p.transaction::text::numeric FROM pg_prepared_xacts p WHERE p.database = current_database()))
    )::text AS horizon`.execute(trx);
  return rows[0]!.horizon;
}

/** The database's name: each database's checkpoints have their own file (several may share a folder). */
export async function databaseName(db: Db): Promise<string> {
  return (await sql<{ name: string }>`SELECT current_database() AS name`.execute(db)).rows[0]!.name;
}

export interface SealRow { position: number; seq: number; event_xid: string; leaf_hash: string; prev_hash: string; hash: string }

export async function lastSeal(db: Db): Promise<SealRow | undefined> {
  return db.selectFrom('audit_seals').select(['position', 'seq', 'event_xid', 'leaf_hash', 'prev_hash', 'hash']).orderBy('position', 'desc').limit(1).executeTakeFirst();
}

/** Events not yet sealed, in the log's order (transaction, then number), from transactions that have ended. */
export async function sealableEvents(trx: Db, options: { after: { xid: string; seq: number } | null; horizon: string; limit: number }): Promise<AuditEventRow[]> {
  let q = trx.selectFrom('audit_events').selectAll().where(sql<boolean>`xid < ${options.horizon}::xid8`);
  if (options.after) q = q.where(sql<boolean>`(xid, seq) > (${options.after.xid}::xid8, ${options.after.seq}::bigint)`);
  return q.orderBy('xid').orderBy('seq').limit(options.limit).execute();
}

export async function insertSeals(trx: Db, rows: readonly SealRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await trx.insertInto('audit_seals').values(rows.slice(i, i + 500)).execute();
}

export interface CheckpointRow { size: number; root: string; head: string; at: string; key_id: string; signature: string; frontier: string[] }

const checkpointRow = (row: { size: number; root: string; head: string; at: Date | string; key_id: string; signature: string; frontier: string[] }): CheckpointRow => ({ ...row, at: new Date(row.at).toISOString() });

export async function latestCheckpoint(db: Db): Promise<CheckpointRow | undefined> {
  const row = await db.selectFrom('audit_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
  return row && checkpointRow(row);
}

export async function listCheckpoints(db: Db): Promise<CheckpointRow[]> {
  return (await db.selectFrom('audit_checkpoints').selectAll().orderBy('size').execute()).map(checkpointRow);
}

export async function insertCheckpoint(trx: Db, row: CheckpointRow): Promise<void> {
  await trx.insertInto('audit_checkpoints').values({ ...row, frontier: JSON.stringify(row.frontier) }).execute();
}

/** Leaf hashes of positions from..to (inclusive), in order. */
export async function sealLeafHashes(db: Db, from: number, to: number): Promise<{ position: number; leaf_hash: string }[]> {
  return db.selectFrom('audit_seals').select(['position', 'leaf_hash']).where('position', '>=', from).where('position', '<=', to).orderBy('position').execute();
}

// --- Verifying ---------------------------------------------------------------------------------

export interface SealedEventRow extends SealRow { event: AuditEventRow | null }

/** A page of the log from a position on: each seal with its event (null when the event is gone). */
export async function sealedEventsPage(db: Db, fromPosition: number, limit: number): Promise<SealedEventRow[]> {
  const rows = await db
    .selectFrom('audit_seals as s')
    .leftJoin('audit_events as e', 'e.seq', 's.seq')
    .select(['s.position', 's.seq', 's.event_xid', 's.leaf_hash', 's.prev_hash', 's.hash'])
    .select(['e.seq as e_seq', 'e.xid as e_xid', 'e.at as e_at', 'e.user_id as e_user_id', 'e.organisation_id as e_organisation_id', 'e.action as e_action', 'e.record_type as e_record_type', 'e.record_id as e_record_id', 'e.person_id as e_person_id', 'e.request_id as e_request_id', 'e.details as e_details', 'e.prev_hash as e_prev_hash', 'e.hash as e_hash'])
    .where('s.position', '>=', fromPosition)
    .orderBy('s.position')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    position: r.position, seq: r.seq, event_xid: r.event_xid, leaf_hash: r.leaf_hash, prev_hash: r.prev_hash, hash: r.hash,
    event: r.e_seq === null ? null : {
      seq: r.e_seq, xid: r.e_xid!, at: r.e_at!, user_id: r.e_user_id, organisation_id: r.e_organisation_id, action: r.e_action!, record_type: r.e_record_type,
      record_id: r.e_record_id, person_id: r.e_person_id, request_id: r.e_request_id, details: r.e_details!, prev_hash: r.e_prev_hash, hash: r.e_hash,
    },
  }));
}

/**
 * Events that are not in the chain although they come before its last seal in the log's order: the
 * sealer seals every event of an ended transaction in that order, so such an event was put there
 * afterwards. Also how many events are waiting for the sealer.
 */
export async function eventsOutsideTheChain(db: Db, watermark: { xid: string; seq: number } | null): Promise<{ inserted: number[]; pending: number }> {
  const unsealed = db.selectFrom('audit_events as e').where((eb) => eb.not(eb.exists(eb.selectFrom('audit_seals as s').select(sql`1`.as('one')).whereRef('s.seq', '=', 'e.seq'))));
  const inserted = watermark
    ? (await unsealed.select('e.seq').where(sql<boolean>`(e.xid, e.seq) < (${watermark.xid}::xid8, ${watermark.seq}::bigint)`).orderBy('e.seq').limit(1000).execute()).map((r) => r.seq)
    : [];
  let pendingQuery = unsealed.select((eb) => eb.fn.countAll<number>().as('n'));
  if (watermark) pendingQuery = pendingQuery.where(sql<boolean>`(e.xid, e.seq) > (${watermark.xid}::xid8, ${watermark.seq}::bigint)`);
  const pending = Number((await pendingQuery.executeTakeFirstOrThrow()).n);
  return { inserted, pending };
}

/** The legacy chain of the events written before 0080 (they carry prev_hash and hash), in order. */
export async function legacyChainedEvents(db: Db, afterSeq: number, limit: number): Promise<AuditEventRow[]> {
  return db.selectFrom('audit_events').selectAll().where('hash', 'is not', null).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}

export async function findSealOfEvent(db: Db, seq: number): Promise<SealedEventRow | undefined> {
  const seal = await db.selectFrom('audit_seals').select('position').where('seq', '=', seq).executeTakeFirst();
  if (!seal) return undefined;
  return (await sealedEventsPage(db, seal.position, 1))[0];
}

export interface AuditQuery { personId?: string; limit: number; beforeSeq?: number }

export async function listAuditEvents(db: Db, query: AuditQuery): Promise<AuditEventRow[]> {
  let q = db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(query.limit);
  if (query.personId) q = q.where('person_id', '=', query.personId);
  if (query.beforeSeq) q = q.where('seq', '<', query.beforeSeq);
  return q.execute();
}

export interface AuditSearch {
  personId?: string;
  nhsNumber?: string;
  userId?: string;
  organisationCode?: string;
  from?: string;
  /** Inclusive: events up to the end of this day in London. */
  to?: string;
  beforeSeq?: number;
  limit: number;
  /**
   * null: every event (admin). Otherwise the events about people this organisation may see
   * (person_organisations) and the events of its own users.
   */
  visibleTo: string | null;
}

export interface AuditSearchRow extends AuditEventRow {
  user_name: string | null;
  user_email: string | null;
  organisation_code: string | null;
  organisation_name: string | null;
  person_given_name: string | null;
  person_family_name: string | null;
}

/** The audit trail for the audit page: newest first, with who acted and about whom. */
export async function searchAuditEvents(db: Db, query: AuditSearch): Promise<AuditSearchRow[]> {
  let q = db
    .selectFrom('audit_events as e')
    .leftJoin('users as u', 'u.id', 'e.user_id')
    .leftJoin('organisations as o', 'o.id', 'e.organisation_id')
    .leftJoin('people as p', 'p.id', 'e.person_id')
    .selectAll('e')
    .select(['u.name as user_name', 'u.email as user_email', 'o.code as organisation_code', 'o.name as organisation_name', 'p.given_name as person_given_name', 'p.family_name as person_family_name'])
    .orderBy('e.seq', 'desc')
    .limit(query.limit);
  if (query.visibleTo !== null) {
    const org = query.visibleTo;
    q = q.where((eb) => eb.or([
      eb('o.code', '=', org),
      eb.exists(eb.selectFrom('person_organisations as po').select(sql`1`.as('one')).whereRef('po.person_id', '=', 'e.person_id').where('po.organisation_code', '=', org)),
    ]));
  }
  if (query.personId) q = q.where('e.person_id', '=', query.personId);
  if (query.nhsNumber) q = q.where('p.nhs_number', '=', query.nhsNumber);
  if (query.userId) q = q.where('e.user_id', '=', query.userId);
  if (query.organisationCode) q = q.where('o.code', '=', query.organisationCode);
  // Days are UK days: from midnight in London.
  if (query.from) q = q.where('e.at', '>=', sql<Date>`((${query.from}::date)::timestamp AT TIME ZONE 'Europe/London')`);
  if (query.to) q = q.where('e.at', '<', sql<Date>`(((${query.to}::date) + 1)::timestamp AT TIME ZONE 'Europe/London')`);
  if (query.beforeSeq) q = q.where('e.seq', '<', query.beforeSeq);
  return q.execute() as Promise<AuditSearchRow[]>;
}
