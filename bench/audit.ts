// Audited transactions a second with many concurrent writers: the audit append as it was (one global
// advisory lock, a read of the last event, an unkeyed hash, an insert) against the append of ADR 0016
// (one insert; the sealer chains afterwards), on PostgreSQL; then how fast the sealer catches up.
//
//   node bench/audit.ts [--writers 50] [--each 200 | --seconds 60]
//
// Each writer runs transactions of one audit append, one after another (`--each` of them, or for
// `--seconds`). After the sealed run: seal, verify, then alter one sealed event as the database
// superuser (its no-update trigger switched off for the moment) and verify again, which must find it
// (issue 14 item 4). It reports figures; it never passes or fails.
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import os from 'node:os';
import { sql } from 'kysely';
import { appendAuditEvent, canonicalJson } from '../src/data/audit-repository.ts';
import { openPostgres, type Db } from '../src/data/database.ts';
import { sealAuditTrail, verifyAuditLog } from '../src/services/audit/audit-log.ts';
import { ADMIN_URL, withBenchDatabase } from './harness.ts';

const { values } = parseArgs({ options: { writers: { type: 'string' }, each: { type: 'string' }, seconds: { type: 'string' } } });
const writers = Number(values.writers ?? 50);
const each = Number(values.each ?? 200);
/** Writers stop at this time (performance.now() ms) instead of after `each` transactions. */
const forSeconds = values.seconds ? Number(values.seconds) : null;
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
    const until = forSeconds === null ? null : started + forSeconds * 1000;
    let appended = 0;
    await Promise.all(Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; until === null ? i < each : performance.now() < until; i += 1) {
        await wide.db.transaction().execute((trx) => append(trx, w, i));
        appended += 1;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    sealing = false;
    await sealer;
    await wide.close();
    const result = {
      appended, appendsPerSecond: Math.round(appended / seconds), seconds: Math.round(seconds * 10) / 10,
      seal: null as null | { events: number; seconds: number }, verified: null as null | boolean, afterTampering: null as null | { seq: string; ok: boolean; problems: string[] },
    };
    if (withSealer) {
      const sealStarted = performance.now();
      const seal = await sealAuditTrail(handle.db, KEY, { checkpoint: 'now' });
      result.seal = { events: seal.sealed, seconds: Math.round((performance.now() - sealStarted) / 100) / 10 };
      result.verified = (await verifyAuditLog(handle.db, { key: KEY })).ok;
      result.afterTampering = await alterOneAndVerify(handle.db, appended);
    }
    process.stderr.write(`${name}: ${JSON.stringify(result)}\n`);
    return result;
  });
}

/** As the database superuser: change one sealed event from the middle of the run, then verify again. */
async function alterOneAndVerify(db: Db, appended: number) {
  const target = await sql<{ seq: string }>`SELECT seq::text AS seq FROM audit_events ORDER BY seq OFFSET ${Math.floor(appended / 2)} LIMIT 1`.execute(db);
  const seq = target.rows[0]!.seq;
  await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete`.execute(db);
  await sql`UPDATE audit_events SET details = '{"parts":["altered"]}' WHERE seq = ${seq}::bigint`.execute(db);
  await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_or_delete`.execute(db);
  const verification = await verifyAuditLog(db, { key: KEY });
  return { seq, ok: verification.ok, problems: verification.problems.slice(0, 3) };
}

process.stderr.write(`${writers} writers x ${forSeconds === null ? `${each} transactions` : `${forSeconds} s`}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
const before = forSeconds === null ? await run('locked', lockedAppend, false) : null;
const after = await run('sealed', (trx, w, i) => appendAuditEvent(trx, event(w, i)), true);
console.log(`| append | writers | transactions | appends/s | seconds |\n|---|---|---|---|---|`);
if (before) console.log(`| one global lock + read last + insert (before) | ${writers} | ${before.appended} | ${before.appendsPerSecond} | ${before.seconds} |`);
console.log(`| insert only, sealer every 1 s (after) | ${writers} | ${after.appended} | ${after.appendsPerSecond} | ${after.seconds} |`);
console.log(`One event (seq ${after.afterTampering?.seq}) altered as the database superuser: verify ${after.afterTampering?.ok ? 'PASSED (not found!)' : `found it: ${after.afterTampering?.problems.join('; ')}`}`);
console.log(`Sealer catching up after the run: ${after.seal?.events} events in ${after.seal?.seconds} s; verify ${after.verified ? 'passed' : 'FAILED'}. Load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
