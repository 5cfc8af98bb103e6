// Audited transactions a second with many concurrent writers: the audit append as it was (one global
// advisory lock, a read of the last event, an unkeyed hash, an insert) against the append of ADR 0016
// (one insert; the sealer chains afterwards), on PostgreSQL; then how fast the sealer catches up.
//
//   node bench/audit.ts [--writers 50] [--each 200]
//
// Each writer runs transactions of one audit append, one after another. It reports figures; it never
// passes or fails.
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import { appendAuditEvent, canonicalJson } from '../src/data/audit-repository.ts';
import { openPostgres, type Db } from '../src/data/database.ts';
import { sealAuditTrail, verifyAuditLog } from '../src/services/audit/audit-log.ts';
import { ADMIN_URL, withBenchDatabase } from './harness.ts';

const { values } = parseArgs({ options: { writers: { type: 'string' }, each: { type: 'string' } } });
const writers = Number(values.writers ?? 50);
const each = Number(values.each ?? 200);
const KEY = 'the benchmark audit key, thirty-two characters or more';
const event = (w: number, i: number) => ({ userId: null, organisationId: null, action: 'person.view', recordType: 'person', recordId: `bench-${w}-${i}`, details: { parts: ['record'] } });

/** The append before ADR 0016, as it was in data/audit-repository.ts. */
async function lockedAppend(trx: Db, w: number, i: number): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(117001)`.execute(trx);
  const last = await trx.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const e = event(w, i);
  const fields = { seq: (last?.seq ?? 0) + 1, at: new Date().toISOString(), userId: null, organisationId: null, action: e.action, recordType: e.recordType, recordId: e.recordId, personId: null, requestId: null, details: e.details, prevHash: last?.hash ?? '0'.repeat(64) };
  const hash = createHash('sha256').update(canonicalJson(fields)).digest('hex');
  await trx.insertInto('audit_events').values({ seq: fields.seq, at: fields.at, action: fields.action, record_type: fields.recordType, record_id: fields.recordId, details: JSON.stringify(fields.details), prev_hash: fields.prevHash, hash } as never).execute();
}

async function run(name: string, append: (trx: Db, w: number, i: number) => Promise<void>, withSealer: boolean) {
  return withBenchDatabase(`s117_bench_audit_${name}`, async (handle) => {
    const url = new URL(ADMIN_URL);
    url.pathname = `/s117_bench_audit_${name}`;
    const wide = openPostgres(url.toString(), { max: writers + 2 });
    let sealing = withSealer;
    const sealer = (async () => {
      while (sealing) {
        await sealAuditTrail(handle.db, KEY, { checkpoint: 'if-due', checkpointEveryMs: 60_000 });
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    })();
    const started = performance.now();
    await Promise.all(Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < each; i += 1) await wide.db.transaction().execute((trx) => append(trx, w, i));
    }));
    const seconds = (performance.now() - started) / 1000;
    sealing = false;
    await sealer;
    await wide.close();
    const result = { appendsPerSecond: Math.round((writers * each) / seconds), seconds: Math.round(seconds * 10) / 10, seal: null as null | { events: number; seconds: number }, verified: null as null | boolean };
    if (withSealer) {
      const sealStarted = performance.now();
      const seal = await sealAuditTrail(handle.db, KEY, { checkpoint: 'now' });
      result.seal = { events: seal.sealed, seconds: Math.round((performance.now() - sealStarted) / 100) / 10 };
      result.verified = (await verifyAuditLog(handle.db, { key: KEY })).ok;
    }
    process.stderr.write(`${name}: ${JSON.stringify(result)}\n`);
    return result;
  });
}

process.stderr.write(`${writers} writers x ${each} transactions, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
const before = await run('locked', lockedAppend, false);
const after = await run('sealed', (trx, w, i) => appendAuditEvent(trx, event(w, i)), true);
console.log(`| append | writers | transactions | appends/s | seconds |\n|---|---|---|---|---|`);
console.log(`| one global lock + read last + insert (before) | ${writers} | ${writers * each} | ${before.appendsPerSecond} | ${before.seconds} |`);
console.log(`| insert only, sealer every 1 s (after) | ${writers} | ${writers * each} | ${after.appendsPerSecond} | ${after.seconds} |`);
console.log(`Sealer catching up after the run: ${after.seal?.events} events in ${after.seal?.seconds} s; verify ${after.verified ? 'passed' : 'FAILED'}. Load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
