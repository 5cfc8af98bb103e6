// Issue 14, "fewer round trips": a read of one person is at most who-is-asking, ONE read-model
// query, and the audit event. Every statement the server sends is counted through a Kysely plugin
// (not timed) while one request is answered: the API person read and aftercare read, the service
// reads and the person page's record part.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin } from 'kysely';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/databases.ts';
import { PASSWORD, seedAccounts, USERS, type UserKey } from '../support/app.ts';
import { SESSION_COOKIE } from '../../src/http/auth/index.ts';
import { NORTHBRIDGE_PERSON } from '../support/services.ts';

type Kind = 'who-is-asking' | 'audit' | 'read';

/** Tells the statements apart by the tables they name (compiled once more, outside the count). */
function classify(compiled: string): Kind {
  if (/audit_events|pg_advisory/.test(compiled)) return 'audit';
  if (/"?(api_tokens|sessions|users|organisations|system_accounts)"?/.test(compiled) && !/\bpeople\b/.test(compiled)) return 'who-is-asking';
  return 'read';
}

for (const { engine, skip } of await testEngines()) {
  describe(`round trips of a person read on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let services: Services;
    let tokens: Record<UserKey, string>;
    let personId: string;
    const seen: string[] = [];
    let counting = false;

    before(async () => {
      database = await createTestDatabase(engine);
      // The compiled SQL of every statement, recorded while `counting`.
      const recorder: KyselyPlugin = {
        transformQuery(args) {
          if (counting) seen.push(database.db.getExecutor().compileQuery(args.node, args.queryId).sql);
          return args.node;
        },
        async transformResult(args) {
          return args.result;
        },
      };
      services = createServices(database.db.withPlugin(recorder));
      tokens = await seedAccounts(services);
      app = await buildApp({ services, sessionSecret: 'test-secret-that-is-long-enough-for-cookies', production: false, logLevel: 'silent', rateLimit: false });
      await app.ready();
      const practitioner = actorFromUser((await findUserByEmail(database.db, USERS.practitioner.email))!, 'test');
      const person = await services.people.create(practitioner, NORTHBRIDGE_PERSON);
      personId = person.id;
      await services.legalHistory.addLegalStatus(practitioner, personId, { section: '3', startDate: '2024-01-10', endDate: '2024-03-01' });
    });
    after(async () => {
      await app?.close();
      await database?.dispose();
    });

    async function count(run: () => Promise<unknown>): Promise<Record<Kind, number>> {
      seen.length = 0;
      counting = true;
      try {
        await run();
      } finally {
        counting = false;
      }
      const counts: Record<Kind, number> = { 'who-is-asking': 0, audit: 0, read: 0 };
      for (const s of seen) counts[classify(s)] += 1;
      return counts;
    }

    for (const [path, name] of [['', 'person'], ['/aftercare', 'aftercare']] as const) {
      test(`GET /api/v1/people/{id}${path}: one read-model query besides who is asking and the audit event`, async () => {
        let status = 0;
        const counts = await count(async () => {
          const res = await app.inject({ method: 'GET', url: `/api/v1/people/${personId}${path}`, headers: { authorization: `Bearer ${tokens.practitioner}` } });
          status = res.statusCode;
        });
        assert.equal(status, 200);
        assert.equal(counts.read, 1, `${name}: ${JSON.stringify(counts)}\n${seen.join('\n')}`);
        assert.ok(counts.audit >= 1, 'the read is audited');
      });

      test(`GET /api/v1/people/{id}${path} of a person the caller may not see: 404 after the same single query`, async () => {
        let status = 0;
        const counts = await count(async () => {
          const res = await app.inject({ method: 'GET', url: `/api/v1/people/${personId}${path}`, headers: { authorization: `Bearer ${tokens.otherLaPractitioner}` } });
          status = res.statusCode;
        });
        assert.equal(status, 404);
        assert.equal(counts.read, 1, JSON.stringify(counts));
      });
    }

    test('the services: people.get and legalHistory.aftercare one read-model query each; the person page record part one too', async () => {
      const actor = actorFromUser((await findUserByEmail(database.db, USERS.practitioner.email))!, 'test');
      for (const [name, run] of [
        ['people.get', () => services.people.get(actor, personId)],
        ['legalHistory.aftercare', () => services.legalHistory.aftercare(actor, personId)],
        ['people.record', () => services.people.record(actor, personId)],
      ] as const) {
        const counts = await count(run);
        assert.equal(counts.read, 1, `${name}: ${JSON.stringify(counts)}`);
        assert.equal(counts['who-is-asking'], 0, name);
      }
    });

    test('the person page: its record and every panel (plan, keyworker, planning meetings, review clocks) in the one read-model query', async () => {
      const actor = actorFromUser((await findUserByEmail(database.db, USERS.practitioner.email))!, 'test');
      const counts = await count(() => services.personPage.view(actor, personId));
      assert.equal(counts.read, 1, `personPage.view: ${JSON.stringify(counts)}\n${seen.join('\n')}`);
      assert.equal(counts['who-is-asking'], 0);
      assert.ok(counts.audit >= 1, 'the page is audited');
    });

    test('GET /people/{id}, the page: one read-model query besides who is asking and the audit event', async () => {
      const session = (await services.accounts.signIn(USERS.practitioner.email, PASSWORD, null)).sessionToken;
      let status = 0;
      const counts = await count(async () => {
        const res = await app.inject({ method: 'GET', url: `/people/${personId}`, cookies: { [SESSION_COOKIE]: session } });
        status = res.statusCode;
      });
      assert.equal(status, 200);
      assert.equal(counts.read, 1, `${JSON.stringify(counts)}\n${seen.join('\n')}`);
      assert.ok(counts.audit >= 1, 'the page is audited');
    });
  });
}
