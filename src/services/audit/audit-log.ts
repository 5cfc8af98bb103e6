// The audit log's sealer, verifier and inclusion proofs (issue 14 item 4, issue 15 probe 10;
// docs/adr/0016-audit-log-sealing.md).
//
// Writers append events with no lock (data/audit-repository.ts appendAuditEvents). The sealer, one at
// a time across processes (an advisory lock it alone takes), chains the events of transactions that
// have ended, in (transaction id, number) order, with HMAC-SHA256 under a key the database does not
// hold, and signs checkpoints of the head: the RFC 6962 Merkle root of the sealed events and the last
// chain link, stored in audit_checkpoints and appended to a file outside the database.
//
// sealAuditTrail is a plain function so that any scheduler can call it; createAuditSealer runs it on a
// timer inside the server.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../../data/database.ts';
import {
  databaseName, eventsOutsideTheChain, findSealOfEvent, GENESIS_HASH, insertCheckpoint, insertSeals, lastSeal, latestCheckpoint, legacyChainedEvents, legacyHashEvent,
  listCheckpoints, sealableEvents, sealedEventsPage, sealHorizon, sealLeafHashes, tryLockSealer, type CheckpointRow, type SealRow,
} from '../../data/audit-repository.ts';
import type { AuditEventRow } from '../../data/schema.ts';
import {
  auditLeafHash, chainHash, DEVELOPMENT_AUDIT_KEY, checkpointKeys, checkpointSignatureValid, emptyFrontier, frontierAppend, frontierRoot, inclusionProof, signCheckpoint, verifyInclusion,
  type AuditLeaf, type CheckpointKeys, type MerkleFrontier, type SignedCheckpoint,
} from '../../domain/audit-log.ts';

export { DEVELOPMENT_AUDIT_KEY };

export interface AuditLogSettings {
  /** HMAC key of the chain and seed of the checkpoint signing key (S117_AUDIT_KEY). */
  key: string | Buffer;
  /** Where checkpoints are written outside the database (S117_AUDIT_CHECKPOINTS_DIR); null: nowhere. */
  checkpointsDir?: string | null;
  /** A checkpoint at most this often while events keep coming (S117_AUDIT_CHECKPOINT_SECONDS). */
  checkpointEveryMs?: number;
  clock?: () => Date;
}

/** One file per database (by name, so that a database dropped and made again is still held to it). */
export const checkpointFileName = (database: string) => `audit-checkpoints-${database.replace(/[^A-Za-z0-9_.-]/g, '_')}.jsonl`;
const SEAL_BATCH = 5000;
const PAGE = 5000;

export interface SealResult {
  /** Another process was sealing: nothing done. */
  busy: boolean;
  sealed: number;
  /** Sealed events in the log after this run. */
  size: number;
  checkpoint: SignedCheckpoint | null;
  /** Refused: the latest checkpoint was signed with another key (a wrong S117_AUDIT_KEY). */
  wrongKey?: boolean;
}

export class AuditKeyMismatchError extends Error {}

const keysCache = new WeakMap<object, CheckpointKeys>();
const stringKeys = new Map<string, CheckpointKeys>();
function keysOf(key: string | Buffer): CheckpointKeys {
  if (typeof key === 'string') {
    let keys = stringKeys.get(key);
    if (!keys) stringKeys.set(key, (keys = checkpointKeys(key)));
    return keys;
  }
  let keys = keysCache.get(key);
  if (!keys) keysCache.set(key, (keys = checkpointKeys(key)));
  return keys;
}

export function leafOf(event: AuditEventRow, position: number): AuditLeaf {
  return {
    position,
    seq: event.seq,
    xid: String(event.xid),
    at: new Date(event.at).toISOString(),
    userId: event.user_id,
    organisationId: event.organisation_id,
    action: event.action,
    recordType: event.record_type,
    recordId: event.record_id,
    personId: event.person_id,
    requestId: event.request_id,
    details: event.details,
  };
}

const fromHex = (hex: string) => Buffer.from(hex, 'hex');

/**
 * Seals every event of the transactions that have ended and are not sealed yet, and writes a
 * checkpoint when one is due ('if-due', the default), always when there is something new ('now'), or
 * never. Safe to call from any number of processes at once: one seals, the others return busy.
 */
export async function sealAuditTrail(db: Db, key: string | Buffer, options: Omit<AuditLogSettings, 'key'> & { checkpoint?: 'if-due' | 'now' | 'never' } = {}): Promise<SealResult> {
  const keys = keysOf(key);
  const clock = options.clock ?? (() => new Date());
  const mode = options.checkpoint ?? 'if-due';
  const result = await db.transaction().execute(async (trx): Promise<SealResult> => {
    if (!(await tryLockSealer(trx))) return { busy: true, sealed: 0, size: 0, checkpoint: null };
    // Before this transaction writes anything: every transaction below the horizon has ended.
    const horizon = await sealHorizon(trx);
    const latest = await latestCheckpoint(trx);
    if (latest && latest.key_id !== keys.keyId) return { busy: false, sealed: 0, size: 0, checkpoint: null, wrongKey: true };
    let head = await lastSeal(trx);
    let sealed = 0;
    for (;;) {
      const events = await sealableEvents(trx, { after: head ? { xid: head.event_xid, seq: head.seq } : null, horizon, limit: SEAL_BATCH });
      if (events.length === 0) break;
      let prev = head?.hash ?? GENESIS_HASH;
      let position = head?.position ?? 0;
      const rows: SealRow[] = events.map((event) => {
        position += 1;
        const leaf = auditLeafHash(leafOf(event, position)).toString('hex');
        const hash = chainHash(key, prev, leaf);
        const row = { position, seq: event.seq, event_xid: String(event.xid), leaf_hash: leaf, prev_hash: prev, hash };
        prev = hash;
        return row;
      });
      await insertSeals(trx, rows);
      head = rows.at(-1);
      sealed += rows.length;
      if (events.length < SEAL_BATCH) break;
    }
    const size = head?.position ?? 0;
    let checkpoint: SignedCheckpoint | null = null;
    const now = clock();
    const due = mode === 'now' || (mode === 'if-due' && (!latest || now.getTime() - new Date(latest.at).getTime() >= (options.checkpointEveryMs ?? 60_000)));
    if (head && due && (!latest || size > latest.size)) {
      const frontier: MerkleFrontier = latest ? { size: latest.size, hashes: latest.frontier.map(fromHex) } : emptyFrontier();
      for (let from = frontier.size + 1; from <= size; from += PAGE) {
        for (const leaf of await sealLeafHashes(trx, from, Math.min(size, from + PAGE - 1))) frontierAppend(frontier, fromHex(leaf.leaf_hash));
      }
      checkpoint = signCheckpoint(keys, { size, root: frontierRoot(frontier).toString('hex'), head: head.hash, at: now.toISOString() });
      await insertCheckpoint(trx, { size, root: checkpoint.root, head: checkpoint.head, at: checkpoint.at, key_id: checkpoint.keyId, signature: checkpoint.signature, frontier: frontier.hashes.map((h) => h.toString('hex')) });
    }
    return { busy: false, sealed, size, checkpoint };
  });
  // Outside the database, once the checkpoint has committed: a crash in between leaves the database a
  // checkpoint the file lacks, which is harmless; the other way round would be a false alarm.
  if (result.checkpoint && options.checkpointsDir) await writeCheckpointFile(path.join(options.checkpointsDir, checkpointFileName(await databaseName(db))), result.checkpoint);
  return result;
}

async function writeCheckpointFile(file: string, checkpoint: SignedCheckpoint): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(checkpoint)}\n`, { mode: 0o640 });
}

export async function readCheckpointFile(file: string | null): Promise<{ checkpoints: SignedCheckpoint[]; unreadable: number }> {
  if (!file) return { checkpoints: [], unreadable: 0 };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], unreadable: 0 };
    throw error;
  }
  const checkpoints: SignedCheckpoint[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      checkpoints.push(JSON.parse(line) as SignedCheckpoint);
    } catch {
      unreadable += 1;
    }
  }
  return { checkpoints, unreadable };
}

const fromRow = (row: CheckpointRow): SignedCheckpoint => ({ log: 's117-audit', size: row.size, root: row.root, head: row.head, at: row.at, keyId: row.key_id, signature: row.signature });

export interface AuditVerification {
  ok: boolean;
  /** Sealed events checked. */
  checked: number;
  problems: string[];
  /** Events written but not sealed yet (their transactions had not ended when the sealer ran). */
  pending: number;
  /** The latest checkpoint the head was checked against, if any. */
  checkpoint: SignedCheckpoint | null;
  checkpoints: number;
}

/**
 * Seals what can be sealed, then walks the whole log: every link and keyed hash, every event present,
 * no event outside the chain before its end, every checkpoint (in the database and in the file)
 * signed by this key and matching the Merkle root and head of the log at its size.
 */
export async function verifyAuditLog(db: Db, settings: AuditLogSettings, onProgress?: (checked: number) => void): Promise<AuditVerification> {
  const keys = keysOf(settings.key);
  const sealing = await sealAuditTrail(db, settings.key, { ...settings, checkpoint: 'if-due' });
  const problems: string[] = [];
  if (sealing.wrongKey) problems.push('the audit key (S117_AUDIT_KEY) is not the key that signed the latest checkpoint: nothing can be checked with it');

  const inDatabase = (await listCheckpoints(db)).map(fromRow);
  const file = await readCheckpointFile(settings.checkpointsDir ? path.join(settings.checkpointsDir, checkpointFileName(await databaseName(db))) : null);
  if (file.unreadable > 0) problems.push(`${file.unreadable} lines of the checkpoint file cannot be read`);
  const signature = (c: SignedCheckpoint) => `${c.size}:${c.root}:${c.head}:${c.signature}`;
  const known = new Set(inDatabase.map(signature));
  for (const c of file.checkpoints) if (!known.has(signature(c))) problems.push(`the checkpoint of ${c.at} (${c.size} events) is in the checkpoint file but not in the database`);
  const all = [...inDatabase, ...file.checkpoints.filter((c) => !known.has(signature(c)))];
  const bySize = new Map<number, SignedCheckpoint[]>();
  for (const c of all) {
    if (c.keyId !== keys.keyId || !checkpointSignatureValid(keys, c)) {
      problems.push(`the checkpoint of ${c.at} (${c.size} events) is not signed with this register's key`);
      continue;
    }
    bySize.set(c.size, [...(bySize.get(c.size) ?? []), c]);
  }

  let expected = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let last: SealRow | null = null;
  const frontier = emptyFrontier();
  let missing: { from: number; to: number } | null = null;
  const flushMissing = () => {
    if (missing) problems.push(`events ${missing.from} to ${missing.to} are missing`);
    missing = null;
  };
  for (;;) {
    const page = await sealedEventsPage(db, expected, PAGE);
    if (page.length === 0) break;
    for (const row of page) {
      if (row.position !== expected) {
        flushMissing();
        problems.push(`sealed events at positions ${expected} to ${row.position - 1} of the log are missing`);
        // The tree cannot be rebuilt past a hole: later checkpoints will not match, as they should not.
        for (let p = expected; p < row.position; p += 1) frontierAppend(frontier, Buffer.alloc(32));
      }
      if (row.prev_hash !== prevHash) problems.push(`event ${row.seq} does not link to the event before it`);
      let leaf: Buffer = fromHex(row.leaf_hash);
      if (row.event === null) {
        if (missing && missing.to === row.seq - 1) missing.to = row.seq;
        else {
          flushMissing();
          missing = { from: row.seq, to: row.seq };
        }
      } else {
        flushMissing();
        leaf = auditLeafHash(leafOf(row.event, row.position));
        if (leaf.toString('hex') !== row.leaf_hash || chainHash(settings.key, row.prev_hash, row.leaf_hash) !== row.hash || String(row.event.xid) !== row.event_xid) {
          problems.push(`event ${row.seq} has been altered`);
        }
      }
      frontierAppend(frontier, leaf);
      for (const c of bySize.get(row.position) ?? []) {
        if (c.root !== frontierRoot(frontier).toString('hex') || c.head !== row.hash) {
          problems.push(`the log's first ${c.size} events do not match the checkpoint of ${c.at}: events in them were altered, removed, inserted or re-chained`);
        }
      }
      prevHash = row.hash;
      expected = row.position + 1;
      last = row;
      checked += 1;
    }
    onProgress?.(checked);
  }
  flushMissing();

  const latest = all.filter((c) => bySize.has(c.size)).sort((a, b) => b.size - a.size)[0] ?? null;
  for (const c of all) {
    if (c.size > checked) problems.push(`the log has been cut: the checkpoint of ${c.at} holds ${c.size} events and the log now ${checked}`);
  }

  const outside = await eventsOutsideTheChain(db, last && { xid: last.event_xid, seq: last.seq });
  if (outside.inserted.length > 0) {
    problems.push(`event${outside.inserted.length === 1 ? '' : 's'} ${outside.inserted.slice(0, 20).join(', ')} ${outside.inserted.length === 1 ? 'was' : 'were'} inserted: not in the chain, though before its last sealed event`);
  }
  problems.push(...(await legacyProblems(db)));
  return { ok: problems.length === 0, checked, problems, pending: outside.pending, checkpoint: latest, checkpoints: bySize.size };
}

/** Events written before migration 0080 also carry the old unkeyed chain: it must still hold. */
async function legacyProblems(db: Db): Promise<string[]> {
  const problems: string[] = [];
  let after = 0;
  let prev: string | null = null;
  for (;;) {
    const page = await legacyChainedEvents(db, after, PAGE);
    if (page.length === 0) break;
    for (const event of page) {
      if (prev !== null && event.prev_hash !== prev) problems.push(`event ${event.seq} (written before the log was keyed) does not link to the event before it`);
      if (legacyHashEvent(event) !== event.hash) problems.push(`event ${event.seq} (written before the log was keyed) has been altered`);
      prev = event.hash;
      after = event.seq;
    }
  }
  return problems;
}

export interface InclusionProof {
  seq: number;
  position: number;
  leafHash: string;
  checkpoint: SignedCheckpoint;
  path: string[];
  signatureValid: boolean;
  verified: boolean;
}

/**
 * Proves that event `seq` is in the log: seals and checkpoints first (so that a new event can be
 * proved), then the RFC 6962 audit path from the event's leaf, computed from the event as stored now,
 * to the latest checkpoint's signed root. Null when the event is not in the log.
 */
export async function proveAuditEvent(db: Db, settings: AuditLogSettings, seq: number): Promise<InclusionProof | null> {
  const keys = keysOf(settings.key);
  const sealing = await sealAuditTrail(db, settings.key, { ...settings, checkpoint: 'now' });
  if (sealing.wrongKey) throw new AuditKeyMismatchError('The audit key (S117_AUDIT_KEY) is not the key that signed the latest checkpoint');
  const seal = await findSealOfEvent(db, seq);
  const latest = await latestCheckpoint(db);
  if (!seal || !latest || latest.size < seal.position) return null;
  const checkpoint = fromRow(latest);
  const leaves: Buffer[] = [];
  for (let from = 1; from <= checkpoint.size; from += PAGE) {
    for (const leaf of await sealLeafHashes(db, from, Math.min(checkpoint.size, from + PAGE - 1))) leaves.push(fromHex(leaf.leaf_hash));
  }
  const leafHash = seal.event ? auditLeafHash(leafOf(seal.event, seal.position)) : fromHex(seal.leaf_hash);
  const index = seal.position - 1;
  const proofPath = leaves.length === checkpoint.size ? inclusionProof(leaves, index, checkpoint.size) : [];
  const signatureValid = checkpointSignatureValid(keys, checkpoint);
  const verified = Boolean(seal.event) && leaves.length === checkpoint.size && signatureValid && verifyInclusion(leafHash, index, checkpoint.size, proofPath, fromHex(checkpoint.root));
  return { seq, position: seal.position, leafHash: leafHash.toString('hex'), checkpoint, path: proofPath.map((h) => h.toString('hex')), signatureValid, verified };
}

/** The sealer inside the server: every intervalMs (default 1 s), skipped while the previous run is going. */
export function createAuditSealer(db: Db, settings: AuditLogSettings & { intervalMs?: number; onError?: (error: unknown) => void }) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  const runOnce = async () => {
    const result = await sealAuditTrail(db, settings.key, settings);
    if (result.wrongKey) settings.onError?.(new AuditKeyMismatchError('the audit trail is not being sealed: S117_AUDIT_KEY is not the key that signed its latest checkpoint'));
    return result;
  };
  return {
    runOnce,
    start(): void {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = runOnce().catch((error: unknown) => settings.onError?.(error)).finally(() => { running = null; });
      }, settings.intervalMs ?? 1000);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
