// The audit trail. Each event is written in the caller's transaction and carries the hash of the
// event before it, so that `s117 audit verify` can find an altered, removed or inserted event.
// The database itself refuses UPDATE, DELETE and TRUNCATE on the table (migration 0001).
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { AuditEventRow } from './schema.ts';

const AUDIT_LOCK = 117_001;
export const GENESIS_HASH = '0'.repeat(64);

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

interface ChainedFields {
  seq: number;
  at: string;
  userId: string | null;
  organisationId: string | null;
  action: string;
  recordType: string | null;
  recordId: string | null;
  personId: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  prevHash: string;
}

export async function appendAuditEvent(trx: Db, event: AuditEventInput, now = new Date()): Promise<void> {
  await appendAuditEvents(trx, [event], now);
}

/** Several events in order, chained one to the next, with one lock and one insert per 500 (an import's records). */
export async function appendAuditEvents(trx: Db, events: readonly AuditEventInput[], now = new Date()): Promise<void> {
  if (events.length === 0) return;
  // Serialise writers so that each event links to exactly one predecessor.
  await sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
  const last = await trx.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let seq = last?.seq ?? 0;
  let prevHash = last?.hash ?? GENESIS_HASH;
  const rows = events.map((event) => {
    const fields: ChainedFields = {
      seq: (seq += 1),
      at: now.toISOString(),
      userId: event.userId,
      organisationId: event.organisationId,
      action: event.action,
      recordType: event.recordType ?? null,
      recordId: event.recordId ?? null,
      personId: event.personId ?? null,
      requestId: event.requestId ?? null,
      details: event.details ?? {},
      prevHash,
    };
    prevHash = hashEvent(fields);
    return {
      seq: fields.seq,
      at: fields.at,
      user_id: fields.userId,
      organisation_id: fields.organisationId,
      action: fields.action,
      record_type: fields.recordType,
      record_id: fields.recordId,
      person_id: fields.personId,
      request_id: fields.requestId,
      details: JSON.stringify(fields.details),
      prev_hash: fields.prevHash,
      hash: prevHash,
    };
  });
  for (let i = 0; i < rows.length; i += 500) await trx.insertInto('audit_events').values(rows.slice(i, i + 500)).execute();
}

export function hashEvent(fields: ChainedFields): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}

/** JSON with object keys sorted at every level, so that jsonb's reordering does not change a hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface AuditVerification { ok: boolean; checked: number; problems: string[] }

/** Walks the whole chain in pages; reports every gap, broken link and altered event. */
export async function verifyAuditTrail(db: Db, onProgress?: (checked: number) => void): Promise<AuditVerification> {
  const problems: string[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const page = await db.selectFrom('audit_events').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(5000).execute();
    if (page.length === 0) break;
    for (const row of page) {
      if (row.seq !== expectedSeq) problems.push(`events ${expectedSeq} to ${row.seq - 1} are missing`);
      if (row.prev_hash !== prevHash) problems.push(`event ${row.seq} does not link to the event before it`);
      if (hashEvent(fieldsOf(row)) !== row.hash) problems.push(`event ${row.seq} has been altered`);
      prevHash = row.hash;
      expectedSeq = row.seq + 1;
      checked += 1;
    }
    onProgress?.(checked);
  }
  return { ok: problems.length === 0, checked, problems };
}

function fieldsOf(row: AuditEventRow): ChainedFields {
  return {
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
  };
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
