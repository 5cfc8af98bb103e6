// The audit log without a global lock (issue 14 item 4, issue 15 probe 10; docs/adr/0016): concurrent
// writers and a sealer, a late commit, a crash between append and seal, every kind of tampering done as
// the database superuser, inclusion proofs, an upgraded database, and the insert-only application role.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { appendAuditEvent, appendAuditEvents, legacyHashEvent } from '../../src/data/audit-repository.ts';
import { adminQuery, openPglite, openPostgres, type DatabaseHandle, type Db, type Engine } from '../../src/data/database.ts';
import { listMigrations, migrate } from '../../src/data/migrate.ts';
import { grantApplicationRole } from '../../src/data/maintenance.ts';
import { auditLeafHash, chainHash } from '../../src/domain/audit-log.ts';
import { checkpointFileName, leafOf, proveAuditEvent, sealAuditTrail, verifyAuditLog, type AuditLogSettings } from '../../src/services/audit/audit-log.ts';
import { cliDatabase, runS117 } from '../support/cli.ts';
import { createTestDatabase, postgresUrl, testEngines, type TestDatabase } from '../support/databases.ts';

const KEY = 'the test audit key, thirty-two characters or more';
const WRONG_KEY = 'an attacker-guessed key of thirty-two characters';

interface Log { database: TestDatabase; db: Db; settings: AuditLogSettings; dir: string; close(): Promise<void> }

async function freshLog(engine: Engine, events = 120): Promise<Log> {
  const database = await createTestDatabase(engine);
  const dir = mkdtempSync(path.join(tmpdir(), 's117-audit-checkpoints-'));
  const settings: AuditLogSettings = { key: KEY, checkpointsDir: dir };
  for (let i = 0; i < events; i += 10) {
    await database.db.transaction().execute((trx) => appendAuditEvents(trx, Array.from({ length: Math.min(10, events - i) }, (_, j) => ({ userId: null, organisationId: null, action: 'person.view', recordType: 'person', recordId: `r${i + j}`, details: { n: i + j } }))));
  }
  const sealed = await sealAuditTrail(database.db, KEY, { ...settings, checkpoint: 'now' });
  assert.equal(sealed.size, events);
  return { database, db: database.db, settings, dir, close: async () => { await database.dispose(); rmSync(dir, { recursive: true, force: true }); } };
}

/** As the superuser, past the tables' own refusals. */
async function asSuperuser(db: Db, work: () => Promise<unknown>): Promise<void> {
  for (const t of ['audit_events', 'audit_seals', 'audit_checkpoints']) await sql.raw(`ALTER TABLE ${t} DISABLE TRIGGER USER`).execute(db);
  await work();
  for (const t of ['audit_events', 'audit_seals', 'audit_checkpoints']) await sql.raw(`ALTER TABLE ${t} ENABLE TRIGGER USER`).execute(db);
}

const problemsOf = async (log: Log) => {
  const result = await verifyAuditLog(log.db, log.settings);
  assert.equal(result.ok, false, 'verify must find it');
  return result.problems.join('\n');
};

for (const { engine, skip } of await testEngines()) {
  describe(`audit log on ${engine}`, { skip }, () => {
    test('concurrent writers (some rolling back) and a sealer running meanwhile: every committed event is sealed once, verify passes', async () => {
      const database = engine === 'postgres' ? await createTestDatabase('postgres') : await createTestDatabase('pglite');
      // 50 writers at once on PostgreSQL (a pool of 55 connections); PGlite has one connection.
      const wide = engine === 'postgres' ? openPostgres((database.location as { databaseUrl: string }).databaseUrl, { max: 55 }) : database;
      const writers = 50;
      const each = engine === 'postgres' ? 40 : 8;
      let sealing = true;
      let sealer: Promise<void> = Promise.resolve();
      try {
        sealer = (async () => {
          while (sealing) {
            await sealAuditTrail(database.db, KEY, { checkpoint: 'if-due', checkpointEveryMs: 0 });
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })();
        let rolledBack = 0;
        await Promise.all(Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < each; i += 1) {
            const rollBack = i % 10 === 9;
            await wide.db.transaction().execute(async (trx) => {
              await appendAuditEvent(trx, { userId: null, organisationId: null, action: 'load.write', details: { w, i } });
              if (rollBack) throw new Error('roll back');
            }).catch((error: Error) => {
              if (error.message !== 'roll back') throw error;
              rolledBack += 1;
            });
          }
        }));
        sealing = false;
        await sealer;
        const committed = writers * each - rolledBack;
        const result = await verifyAuditLog(database.db, { key: KEY });
        assert.deepEqual(result.problems, []);
        assert.equal(result.ok, true);
        assert.equal(result.checked, committed);
        assert.equal(result.pending, 0);
        const sealed = await sql<{ n: number }>`SELECT count(DISTINCT seq)::int AS n FROM audit_seals`.execute(database.db);
        assert.equal(sealed.rows[0]!.n, committed);
      } finally {
        sealing = false;
        await sealer.catch(() => {});
        if (wide !== database) await wide.close();
        await database.dispose();
      }
    });

    test('verify finds an altered event', async () => {
      const log = await freshLog(engine);
      after(() => log.close());
      await asSuperuser(log.db, () => sql`UPDATE audit_events SET details = '{"n": 999}' WHERE seq = 10`.execute(log.db));
      assert.match(await problemsOf(log), /event 10 has been altered/);
    });

    test('verify finds a middle event removed with its seal', async () => {
      const log = await freshLog(engine);
      after(() => log.close());
      await asSuperuser(log.db, async () => {
        await sql`DELETE FROM audit_events WHERE seq = 20`.execute(log.db);
        await sql`DELETE FROM audit_seals WHERE seq = 20`.execute(log.db);
      });
      const problems = await problemsOf(log);
      assert.match(problems, /positions 20 to 20 of the log are missing/);
      assert.match(problems, /does not link/);
    });

    test('verify finds the last 50 events cut off, against the signed checkpoints', async () => {
      const log = await freshLog(engine);
      after(() => log.close());
      await asSuperuser(log.db, async () => {
        await sql`DELETE FROM audit_seals WHERE position > 70`.execute(log.db);
        await sql`DELETE FROM audit_events WHERE seq > 70`.execute(log.db);
      });
      assert.match(await problemsOf(log), /the log has been cut: the checkpoint of .* holds 120 events and the log now 70/);
    });

    test('verify finds forged events: one hashed with the project\'s old function, one chained without the key', async () => {
      const log = await freshLog(engine);
      after(() => log.close());
      const last = await log.db.selectFrom('audit_seals').selectAll().orderBy('position', 'desc').limit(1).executeTakeFirstOrThrow();
      await asSuperuser(log.db, async () => {
        // An event placed among the sealed ones (the trigger that stamps the transaction is off).
        const forged = { seq: 1_000, xid: '3', at: new Date().toISOString(), user_id: null, organisation_id: null, action: 'person.innocent', record_type: null, record_id: null, person_id: null, request_id: null, details: {}, prev_hash: '0'.repeat(64), hash: '' };
        forged.hash = legacyHashEvent(forged as never);
        await sql`INSERT INTO audit_events (seq, xid, at, action, details, prev_hash, hash) VALUES (${forged.seq}, '3', ${forged.at}, ${forged.action}, '{}', ${forged.prev_hash}, ${forged.hash})`.execute(log.db);
        // An event appended with a seal made with a guessed key.
        const row = await log.db.insertInto('audit_events').values({ at: new Date().toISOString(), user_id: null, organisation_id: null, action: 'person.innocent', details: '{}' }).returningAll().executeTakeFirstOrThrow();
        const leaf = auditLeafHash(leafOf(row, last.position + 1)).toString('hex');
        await log.db.insertInto('audit_seals').values({ position: last.position + 1, seq: row.seq, event_xid: String(row.xid), leaf_hash: leaf, prev_hash: last.hash, hash: chainHash(WRONG_KEY, last.hash, leaf) }).execute();
      });
      const problems = await problemsOf(log);
      assert.match(problems, /event 1000 was inserted/);
      assert.match(problems, /event \d+ has been altered/);
    });

    test('verify finds a re-chained tail, and, when the database\'s checkpoints were re-forged too, the checkpoint file still finds it', async () => {
      const log = await freshLog(engine);
      after(() => log.close());
      // Change event 60 and re-chain from there with a guessed key.
      const rechain = async (key: string) => {
        await sql`UPDATE audit_events SET action = 'person.innocent' WHERE seq = 60`.execute(log.db);
        const seals = await log.db.selectFrom('audit_seals').selectAll().where('position', '>=', 60).orderBy('position').execute();
        let prev = seals[0]!.prev_hash;
        for (const seal of seals) {
          const event = await log.db.selectFrom('audit_events').selectAll().where('seq', '=', seal.seq).executeTakeFirstOrThrow();
          const leaf = auditLeafHash(leafOf(event, seal.position)).toString('hex');
          const hash = chainHash(key, prev, leaf);
          await sql`UPDATE audit_seals SET leaf_hash = ${leaf}, prev_hash = ${prev}, hash = ${hash} WHERE position = ${seal.position}`.execute(log.db);
          prev = hash;
        }
      };
      await asSuperuser(log.db, () => rechain(WRONG_KEY));
      assert.match(await problemsOf(log), /event 60 has been altered/);
      // Someone who also had the key: re-chains with it and replaces the database's checkpoints.
      await asSuperuser(log.db, async () => {
        await rechain(KEY);
        await sql`TRUNCATE audit_checkpoints`.execute(log.db);
      });
      await sealAuditTrail(log.db, KEY, { checkpoint: 'now' }); // a fresh checkpoint of the forged log, in the database only
      const problems = await problemsOf(log);
      assert.doesNotMatch(problems, /has been altered/);
      assert.match(problems, /is in the checkpoint file but not in the database/);
      assert.match(problems, /first 120 events do not match the checkpoint/);
    });

    test('verify finds the trail and the checkpoints truncated', async () => {
      const log = await freshLog(engine);
      after(() => log.close());
      await asSuperuser(log.db, () => sql`TRUNCATE audit_events, audit_seals, audit_checkpoints`.execute(log.db));
      const problems = await problemsOf(log);
      assert.match(problems, /the log has been cut: the checkpoint of .* holds 120 events and the log now 0/);
      assert.match(problems, /not in the database/);
    });

    test('an inclusion proof verifies against the signed checkpoint, and fails once the event is altered', async () => {
      const log = await freshLog(engine, 37);
      after(() => log.close());
      await log.db.transaction().execute((trx) => appendAuditEvent(trx, { userId: null, organisationId: null, action: 'person.view' }));
      const newest = await log.db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      for (const seq of [1, 20, newest.seq]) {
        const proof = await proveAuditEvent(log.db, log.settings, seq);
        assert.ok(proof?.verified, `event ${seq}`);
        assert.equal(proof.checkpoint.size, 38);
      }
      await asSuperuser(log.db, () => sql`UPDATE audit_events SET action = 'person.innocent' WHERE seq = 20`.execute(log.db));
      const proof = await proveAuditEvent(log.db, log.settings, 20);
      assert.equal(proof?.verified, false);
      assert.equal(await proveAuditEvent(log.db, log.settings, 99_999), null);
    });

    test('a wrong key is refused: the sealer does not extend a log another key signed', async () => {
      const log = await freshLog(engine, 10);
      after(() => log.close());
      await log.db.transaction().execute((trx) => appendAuditEvent(trx, { userId: null, organisationId: null, action: 'person.view' }));
      const result = await sealAuditTrail(log.db, WRONG_KEY, { checkpoint: 'now' });
      assert.equal(result.wrongKey, true);
      assert.equal(result.sealed, 0);
      assert.equal((await verifyAuditLog(log.db, log.settings)).ok, true);
    });

    test('a database from before the sealer (unkeyed chain) is re-sealed on upgrade and verifies', async () => {
      const before = listMigrations().filter((m) => m.version < '0080');
      let handle: DatabaseHandle;
      let drop = async () => {};
      if (engine === 'pglite') handle = await openPglite('memory://');
      else {
        const name = `s117_test_upgrade_${process.pid}`;
        await adminQuery(postgresUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await adminQuery(postgresUrl, `CREATE DATABASE ${name}`);
        const url = new URL(postgresUrl);
        url.pathname = `/${name}`;
        handle = openPostgres(url.toString());
        drop = () => adminQuery(postgresUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
      try {
        await migrate(handle, before);
        let prev = '0'.repeat(64);
        for (let seq = 1; seq <= 25; seq += 1) {
          const row = { seq, at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), user_id: null, organisation_id: null, action: 'person.view', record_type: 'person', record_id: `r${seq}`, person_id: null, request_id: null, details: { seq }, prev_hash: prev, hash: '' };
          row.hash = legacyHashEvent(row as never);
          await sql`INSERT INTO audit_events (seq, at, action, record_type, record_id, details, prev_hash, hash) VALUES (${seq}, ${row.at}, ${row.action}, ${row.record_type}, ${row.record_id}, ${JSON.stringify(row.details)}, ${row.prev_hash}, ${row.hash})`.execute(handle.db);
          prev = row.hash;
        }
        await migrate(handle);
        await handle.db.transaction().execute((trx) => appendAuditEvent(trx, { userId: null, organisationId: null, action: 'person.view' }));
        const result = await verifyAuditLog(handle.db, { key: KEY });
        assert.deepEqual(result.problems, []);
        assert.equal(result.checked, 26);
        const newest = await handle.db.selectFrom('audit_events').select('seq').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
        assert.equal(newest.seq, 26);
        // The old chain is still checked: an event altered before the upgrade is found.
        await sql`ALTER TABLE audit_seals DISABLE TRIGGER USER`.execute(handle.db);
        await sql`ALTER TABLE audit_events DISABLE TRIGGER USER`.execute(handle.db);
        await sql`UPDATE audit_events SET prev_hash = ${'1'.repeat(64)} WHERE seq = 5`.execute(handle.db);
        assert.match((await verifyAuditLog(handle.db, { key: KEY })).problems.join('\n'), /event 5 \(written before the log was keyed\)/);
      } finally {
        await handle.close();
        await drop();
      }
    });
  });
}

const postgres = (await testEngines()).find((e) => e.engine === 'postgres')!;

describe('audit log on PostgreSQL: late commits, crashes and the application role', { skip: postgres.skip }, () => {
  test('an event whose transaction commits late is sealed after it commits, not skipped', async () => {
    const database = await createTestDatabase('postgres');
    after(() => database.dispose());
    const connection = database.db.connection();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let lateAppended!: () => void;
    const appended = new Promise<void>((resolve) => (lateAppended = resolve));
    const late = connection.execute(async (db) => {
      await sql`BEGIN`.execute(db);
      await appendAuditEvent(db, { userId: null, organisationId: null, action: 'late.write' });
      lateAppended();
      await released;
      await sql`COMMIT`.execute(db);
    });
    await appended;
    for (let i = 0; i < 5; i += 1) await database.db.transaction().execute((trx) => appendAuditEvent(trx, { userId: null, organisationId: null, action: 'prompt.write' }));
    const first = await sealAuditTrail(database.db, KEY, { checkpoint: 'now' });
    // Nothing at or after the open transaction's id is final yet: the prompt writes wait for it too.
    assert.equal(first.sealed, 0);
    release();
    await late;
    const second = await sealAuditTrail(database.db, KEY, { checkpoint: 'now' });
    assert.equal(second.sealed, 6);
    const result = await verifyAuditLog(database.db, { key: KEY });
    assert.equal(result.ok, true, result.problems.join('; '));
    assert.equal(result.checked, 6);
  });

  test('a writer killed with SIGKILL after its commit loses no event (the next sealer seals it); killed before, it leaves none', async () => {
    const database = await createTestDatabase('postgres');
    after(() => database.dispose());
    const url = (database.location as { databaseUrl: string }).databaseUrl;
    const run = (mode: string, until: RegExp) => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['test/support/audit-writer.ts', url, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (until.test(out)) child.kill('SIGKILL');
      });
      child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(out) : reject(new Error(`writer ended without being killed: ${out}`))));
    });
    const committed = await run('commit', /committed [\d,]+\n/);
    const seqs = /committed ([\d,]+)/.exec(committed)![1]!.split(',').map(Number);
    assert.equal(seqs.length, 3);
    await run('open', /appended\n/);
    // The killed open transaction is rolled back by the server once its connection is gone.
    let result = await verifyAuditLog(database.db, { key: KEY });
    for (let i = 0; i < 50 && (result.pending > 0 || result.checked < 3); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = await verifyAuditLog(database.db, { key: KEY });
    }
    assert.equal(result.ok, true, result.problems.join('; '));
    const sealed = await database.db.selectFrom('audit_seals').select('seq').orderBy('position').execute();
    assert.deepEqual(sealed.map((s) => s.seq), seqs);
    const open = await database.db.selectFrom('audit_events').select('seq').where('action', 'like', 'crash.open.%').execute();
    assert.equal(open.length, 0);
  });

  test('the application role may only insert into and read the audit trail, and cannot disable its triggers', async () => {
    const database = await createTestDatabase('postgres');
    const role = `s117_app_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
    await grantApplicationRole(database.db, role);
    await grantApplicationRole(database.db, role); // again: idempotent
    const url = new URL((database.location as { databaseUrl: string }).databaseUrl);
    url.username = role;
    const app = openPostgres(url.toString());
    after(async () => {
      await app.close();
      await database.dispose();
      await adminQuery(postgresUrl, `DROP ROLE IF EXISTS ${role}`);
    });
    // It works: appends, seals, checkpoints, verifies; and it opens the migrated database.
    assert.deepEqual(await migrate(app), []);
    await app.db.transaction().execute((trx) => appendAuditEvent(trx, { userId: null, organisationId: null, action: 'person.view' }));
    const dir = mkdtempSync(path.join(tmpdir(), 's117-audit-role-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    assert.equal((await sealAuditTrail(app.db, KEY, { checkpoint: 'now', checkpointsDir: dir })).sealed, 1);
    assert.equal((await verifyAuditLog(app.db, { key: KEY, checkpointsDir: dir })).ok, true);
    assert.ok(existsSync(path.join(dir, checkpointFileName(url.pathname.slice(1)))));
    // It cannot change, remove or switch off anything of the trail.
    for (const statement of [
      'UPDATE audit_events SET action = $$x$$', 'DELETE FROM audit_events', 'TRUNCATE audit_events', 'UPDATE audit_seals SET hash = $$x$$', 'DELETE FROM audit_seals',
      'TRUNCATE audit_seals', 'DELETE FROM audit_checkpoints', 'TRUNCATE audit_checkpoints',
      'ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete', 'ALTER TABLE audit_events DISABLE TRIGGER USER', 'DROP TRIGGER audit_events_no_update_or_delete ON audit_events',
      'ALTER TABLE audit_seals DISABLE TRIGGER USER', 'DROP TABLE audit_checkpoints', 'DROP FUNCTION audit_events_refuse_change() CASCADE', 'ALTER TABLE audit_events OWNER TO CURRENT_USER',
      'CREATE TABLE sneaky (id int)', 'INSERT INTO schema_migrations (version) VALUES ($$9999_x$$)',
    ]) {
      await assert.rejects(sql.raw(statement).execute(app.db), /permission denied|must be owner|owner of/, statement);
    }
    // A superuser or an owner is refused as the application's role.
    await assert.rejects(grantApplicationRole(database.db, 'postgres'), /superuser|your own/);
  });
});

describe('s117 audit seal | prove | verify, db roles, and the key in production (embedded database)', () => {
  test('seal signs a checkpoint, prove verifies an event and refuses an unknown one, verify checks the checkpoint file', async () => {
    const database = await cliDatabase('pglite');
    after(() => database.cleanup());
    const s117 = (args: string[], env: NodeJS.ProcessEnv = {}) => runS117({ ...database.env, ...env }, args);
    assert.equal(s117(['org', 'add', '--code', 'E09000099', '--name', 'Northbridge', '--type', 'local-authority']).status, 0);
    const seal = s117(['audit', 'seal']);
    assert.equal(seal.status, 0, seal.stderr);
    assert.match(seal.stdout, /Sealed \d+ events; the log holds \d+\nSigned checkpoint: \d+ events, root [0-9a-f]{64}/);
    const prove = s117(['audit', 'prove', '1']);
    assert.equal(prove.status, 0, prove.stderr);
    assert.match(prove.stdout, /"inclusionPath"/);
    assert.match(prove.stdout, /Event 1 is in the audit trail: the proof verifies/);
    assert.equal(s117(['audit', 'prove', '99999']).status, 1);
    const verify = s117(['audit', 'verify']);
    assert.equal(verify.status, 0, verify.stderr);
    assert.match(verify.stdout, /whole and unaltered \(\d+ events\)\nIts head matches the signed checkpoint/);
    // Another key cannot verify (nor extend) the trail.
    const wrong = s117(['audit', 'verify'], { S117_AUDIT_KEY: WRONG_KEY });
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /not the key that signed/);
    // PGlite has no roles; production needs the key.
    const roles = s117(['db', 'roles', '--role', 's117_app']);
    assert.notEqual(roles.status, 0);
    assert.match(roles.stderr, /single user/);
    const production = s117(['migrate'], { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), S117_AUDIT_KEY: '' });
    assert.notEqual(production.status, 0);
    assert.match(production.stderr, /S117_AUDIT_KEY must be set/);
  });
});
