// Issue 15, "kept in the suite": what the probe ran against PostgreSQL.
// 1. kill -9 during writes loses no acknowledged write: the real server (`s117 serve`) is spawned,
//    people are registered by many clients at once, the server is killed with SIGKILL in the middle,
//    restarted on the same database, and every registration it had answered 201 is there, as answered.
// 2. 50 clients each read the plan and PUT it back with one more need and If-Match, retrying on 409:
//    all 50 needs are in the plan at the end (none lost), and the version counted every write once.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { createServices } from '../../src/services/index.ts';
import { createTestApp, seedAccounts, type TestApp } from '../support/app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/databases.ts';
import { S117_NEED } from '../support/plans.ts';
import { NORTHBRIDGE_PERSON } from '../support/services.ts';

const BIN = path.resolve('bin/s117.js');
const postgres = (await testEngines()).find((e) => e.engine === 'postgres')!;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('kill -9 during writes on PostgreSQL loses no acknowledged write', { skip: postgres.skip }, () => {
  let database: TestDatabase;
  let token: string;
  let server: ChildProcess | null = null;
  before(async () => {
    database = await createTestDatabase('postgres');
    token = (await seedAccounts(createServices(database.db))).practitioner;
  });
  after(async () => {
    server?.kill('SIGKILL');
    await database?.dispose();
  });

  async function start(): Promise<string> {
    const port = await freePort();
    const env = { ...process.env, DATABASE_URL: (database.location as { databaseUrl: string }).databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error', S117_API_RATE_LIMIT: '100000', NODE_ENV: 'development' };
    server = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) return base;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the server did not start');
  }

  test('registrations answered 201 before SIGKILL are all there after a restart', { timeout: 180_000 }, async () => {
    let base = await start();
    const acknowledged = new Map<string, { nhsNumber: string; familyName: string }>();
    let failed = 0;
    let n = 0;
    const client = async () => {
      for (;;) {
        const i = n++;
        const body = { ...NORTHBRIDGE_PERSON, nhsNumber: testNhsNumber(50_000 + i), familyName: `Durable${i}` };
        try {
          const res = await fetch(`${base}/api/v1/people`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
          if (res.status !== 201) throw new Error(String(res.status));
          const person = (await res.json()) as { id: string; nhsNumber: string };
          acknowledged.set(person.id, { nhsNumber: person.nhsNumber, familyName: body.familyName });
        } catch {
          failed++;
          return; // the server is gone
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    // Kill it once writes are flowing, with requests in flight.
    while (acknowledged.size < 40) await new Promise((r) => setTimeout(r, 10));
    server!.kill('SIGKILL');
    await Promise.all(clients);
    assert.ok(failed >= 1, 'requests were in flight when the server was killed');

    base = await start();
    for (const [id, sent] of acknowledged) {
      const res = await fetch(`${base}/api/v1/people/${id}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, `acknowledged ${id} is lost`);
      const person = (await res.json()) as { nhsNumber: string; familyName: string };
      assert.deepEqual({ nhsNumber: person.nhsNumber, familyName: person.familyName }, sent);
    }
    // And the server accepts writes again.
    const again = await fetch(`${base}/api/v1/people`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...NORTHBRIDGE_PERSON, nhsNumber: testNhsNumber(59_999), familyName: 'Afterwards' }) });
    assert.equal(again.status, 201);
    server!.kill('SIGKILL');
    server = null;
  });
});

describe('50-way concurrent If-Match updates on PostgreSQL lose none', { skip: postgres.skip }, () => {
  let t: TestApp;
  let personId: string;
  before(async () => {
    t = await createTestApp('postgres');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/people', headers: t.as('practitioner'), payload: { ...NORTHBRIDGE_PERSON, nhsNumber: testNhsNumber(60_001) } });
    personId = (res.json() as { id: string }).id;
  });
  after(async () => t?.close());

  test('50 clients add one need each with If-Match, retrying when stale: 50 needs, none lost', { timeout: 400_000 }, async () => {
    const url = `/api/v1/people/${personId}/plan`;
    let acknowledged = 0;
    let stale = 0;
    const client = async (i: number) => {
      for (let attempt = 0; attempt < 500; attempt++) {
        const plan = (await t.app.inject({ method: 'GET', url, headers: t.as('practitioner') })).json() as { version: number; needs: Record<string, unknown>[] };
        const needs = [...plan.needs.map(({ services: _s, ...need }) => need), { ...S117_NEED, description: `Need ${i}` }];
        const res = await t.app.inject({ method: 'PUT', url, headers: t.as('practitioner', { 'if-match': String(plan.version) }), payload: { needs } });
        if (res.statusCode === 200) {
          acknowledged++;
          return;
        }
        assert.equal(res.statusCode, 409, res.body);
        stale++;
        // Back off a little (with jitter) before reading again, as a well-behaved client does.
        await new Promise((r) => setTimeout(r, Math.random() * 20 * Math.min(attempt + 1, 10)));
      }
      throw new Error(`client ${i} never got its write in`);
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => client(i)));
    const plan = (await t.app.inject({ method: 'GET', url, headers: t.as('practitioner') })).json() as { version: number; needs: { description: string }[] };
    assert.equal(acknowledged, 50);
    assert.deepEqual(plan.needs.map((n) => n.description).sort(), Array.from({ length: 50 }, (_, i) => `Need ${i}`).sort());
    assert.equal(plan.version, 51, 'each acknowledged write counted once');
    assert.ok(stale > 0, 'the clients did race');
  });
});
