// Issue 14, "fewer round trips": a read of one person is who-is-asking (none when cached) and ONE
// statement, the read model with its audit event, in autocommit. Every statement the server sends is
// counted through a Kysely plugin, and every BEGIN, COMMIT and ROLLBACK through the drivers (not
// timed) while one request is answered: the API person and aftercare reads, the service reads, the
// person page's record part, the plan and reviews reads and their pages, and the three writes of the
// mixed workload.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/databases.ts';
import { PASSWORD, seedAccounts, USERS, type UserKey } from '../support/app.ts';
import { SESSION_COOKIE } from '../../src/http/auth/index.ts';
import { NORTHBRIDGE_PERSON } from '../support/services.ts';
import { statementRecorder, transactions } from '../support/statements.ts';

type Kind = 'who-is-asking' | 'audit' | 'read' | 'transaction';

/** Tells the statements apart by the tables they name (compiled once more, outside the count). */
function classify(compiled: string): Kind {
  if (compiled === 'begin' || compiled === 'commit' || compiled === 'rollback') return 'transaction';
  if (/audit_events|pg_advisory/.test(compiled)) return 'audit';
  if (/"?(api_tokens|sessions|users|organisations|system_accounts)"?/.test(compiled) && !/\bpeople\b/.test(compiled)) return 'who-is-asking';
  return 'read';
}

/**
 * The round trips each request makes now, BEGIN and COMMIT included (who-is-asking apart): the
 * statements sent. On PostgreSQL a change waits for five of its seven answers, BEGIN going out with
 * the lock and COMMIT behind the last statement (ADR 29, test/integration/pipelined-change.test.ts).
 */
const ROUND_TRIPS = { planRead: 1, reviewsRead: 1, legalStatusWrite: 7, reviewWrite: 7, planWrite: 7 };

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
      const recorder = statementRecorder(database.db, () => counting, seen);
      services = createServices(database.db.withPlugin(recorder));
      tokens = await seedAccounts(services);
      app = await buildApp({ services, sessionSecret: 'test-secret-that-is-long-enough-for-cookies', production: false, logLevel: 'silent', rateLimit: false });
      await app.ready();
      const practitioner = actorFromUser((await findUserByEmail(database.db, USERS.practitioner.email))!, 'test');
      const person = await services.people.create(practitioner, NORTHBRIDGE_PERSON);
      personId = person.id;
      // Left hospital after section 3 on 1 March 2024: aftercare running, so a review can be recorded.
      const stay = await services.legalHistory.addAdmission(practitioner, personId, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-03-01' });
      await services.legalHistory.addLegalStatus(practitioner, personId, { section: '3', startDate: '2024-01-10', endDate: '2024-03-01', admissionId: stay.id });
    });
    after(async () => {
      await app?.close();
      await database?.dispose();
    });

    async function count(run: () => Promise<unknown>): Promise<Record<Kind, number> & { statements: number }> {
      seen.length = 0;
      transactions.seen.length = 0;
      counting = true;
      transactions.counting = true;
      try {
        await run();
      } finally {
        counting = false;
        transactions.counting = false;
      }
      seen.push(...transactions.seen);
      const counts: Record<Kind, number> = { 'who-is-asking': 0, audit: 0, read: 0, transaction: 0 };
      for (const s of seen) counts[classify(s)] += 1;
      // Every round trip but who-is-asking (the token or session and its user; none once cached).
      return { ...counts, statements: seen.filter((s) => !/"(api_tokens|sessions)"/.test(s)).length };
    }

    /** The one statement of a read: the read model with the audit event appended by the same statement. */
    function assertOneAuditedStatement(counts: Record<Kind, number> & { statements: number }, what: string) {
      assert.equal(counts.statements, 1, `${what}: ${JSON.stringify(counts)}\n${seen.join('\n')}`);
      const statement = seen.find((s) => classify(s) !== 'who-is-asking')!;
      assert.match(statement, /INSERT INTO audit_events/, `${what}: the read is audited in its own statement`);
      assert.match(statement, /FROM people p/, what);
    }

    for (const [path, name] of [
      ['', 'person'], ['/aftercare', 'aftercare'], ['/legal-history', 'legal history'], ['/plan', 'plan'], ['/reviews', 'reviews'],
      // Reads whose event does not depend on what was found, with nothing to refuse after the read (readModelAtOnce).
      ['/keyworker', 'keyworker'], ['/placements', 'placements'], ['/plan/sharing', 'plan sharing'],
      // Lists whose cursor is checked before the read (inMemoryPageQuery).
      ['/complaints', 'complaints'], ['/planning-meetings', 'planning meetings'],
    ] as const) {
      test(`GET /api/v1/people/{id}${path}: one statement (the read model and its audit event) besides who is asking`, async () => {
        await app.inject({ method: 'GET', url: `/api/v1/people/${personId}${path}`, headers: { authorization: `Bearer ${tokens.practitioner}` } });
        let status = 0;
        const counts = await count(async () => {
          const res = await app.inject({ method: 'GET', url: `/api/v1/people/${personId}${path}`, headers: { authorization: `Bearer ${tokens.practitioner}` } });
          status = res.statusCode;
        });
        assert.equal(status, 200);
        assertOneAuditedStatement(counts, name);
        assert.equal(counts.transaction, 0, 'autocommit: no BEGIN or COMMIT');
      });

      test(`GET /api/v1/people/{id}${path} of a person the caller may not see: 404 after the same single statement`, async () => {
        let status = 0;
        const counts = await count(async () => {
          const res = await app.inject({ method: 'GET', url: `/api/v1/people/${personId}${path}`, headers: { authorization: `Bearer ${tokens.otherLaPractitioner}` } });
          status = res.statusCode;
        });
        assert.equal(status, 404);
        // One read-model statement (it finds no one, so it appends no read event); the refusal is audited as before.
        assert.equal(seen.filter((s) => /FROM people p/.test(s)).length, 1, `${JSON.stringify(counts)}\n${seen.join('\n')}`);
      });
    }

    for (const [path, action] of [['/complaints', 'complaint.list'], ['/planning-meetings', 'planning-meeting.list']] as const) {
      test(`GET /api/v1/people/{id}${path} with a cursor this server did not give out: 422 before anything is read, and no event`, async () => {
        const events = async () => (await database.db.selectFrom('audit_events').select('seq').where('action', '=', action).execute()).length;
        const before = await events();
        let status = 0;
        const counts = await count(async () => {
          const res = await app.inject({ method: 'GET', url: `/api/v1/people/${personId}${path}?cursor=not-a-cursor`, headers: { authorization: `Bearer ${tokens.practitioner}` } });
          status = res.statusCode;
        });
        assert.equal(status, 422);
        // No read model (the route only checks the person is visible, so that a hidden one is a 404 first).
        assert.equal(seen.filter((s) => /FROM people p\b/.test(s)).length, 0, `${JSON.stringify(counts)}\n${seen.join('\n')}`);
        assert.equal(await events(), before, 'no event of a list that answered nothing');
      });
    }

    test('the services: people.get, legalHistory.aftercare, the person page record part, plans.get and reviews.list one statement each, audited in it', async () => {
      const actor = actorFromUser((await findUserByEmail(database.db, USERS.practitioner.email))!, 'test');
      for (const [name, run] of [
        ['people.get', () => services.people.get(actor, personId)],
        ['legalHistory.aftercare', () => services.legalHistory.aftercare(actor, personId)],
        ['people.record', () => services.people.record(actor, personId)],
        ['plans.get', () => services.plans.get(actor, personId)],
        ['reviews.list', () => services.reviews.list(actor, personId)],
      ] as const) {
        const counts = await count(run);
        assertOneAuditedStatement(counts, name);
        assert.equal(counts['who-is-asking'], 0, name);
        assert.equal(counts.transaction, 0, `${name}: autocommit`);
      }
    });


    // The plan and reviews reads and the mixed workload's writes: their round trips once the caller is
    // cached, BEGIN and COMMIT included (issue 14 item 3: the facts in one statement, not one per table).
    const practitioner = { authorization: '' };
    for (const [label, method, path, payload, expected, status] of [
      ['GET /api/v1/people/{id}/plan', 'GET', '/plan', undefined, ROUND_TRIPS.planRead, 200],
      ['GET /api/v1/people/{id}/reviews', 'GET', '/reviews', undefined, ROUND_TRIPS.reviewsRead, 200],
      ['POST /api/v1/people/{id}/legal-statuses', 'POST', '/legal-statuses', { section: 'informal', startDate: '2024-05-01', endDate: '2024-05-01' }, ROUND_TRIPS.legalStatusWrite, 201],
      ['POST /api/v1/people/{id}/reviews', 'POST', '/reviews', { heldOn: '2024-06-01', attendees: ['Keyworker', 'The person'], outcome: 'continue', notes: 'Aftercare continues.' }, ROUND_TRIPS.reviewWrite, 201],
      ['PUT /api/v1/people/{id}/plan', 'PUT', '/plan', { goals: 'Stay well at home', personViews: 'Wants to stay near family.' }, ROUND_TRIPS.planWrite, 200],
    ] as const) {
      test(`${label}: ${expected} round trips besides who is asking`, async () => {
        practitioner.authorization = `Bearer ${tokens.practitioner}`;
        await app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: practitioner });
        let res: Awaited<ReturnType<typeof app.inject>> | undefined;
        const counts = await count(async () => {
          res = await app.inject({ method, url: `/api/v1/people/${personId}${path}`, headers: practitioner, ...(payload && { payload }) });
        });
        assert.equal(res!.statusCode, status, res!.body);
        assert.equal(counts.statements, expected, `${label}: ${JSON.stringify(counts)}\n${seen.join('\n')}`);
        assert.ok(counts.audit >= 1, 'audited');
      });
    }

    // Every other read of one person through the API (the services, budgets, money, letters...):
    // read-round-trips-every-route.test.ts, with routes taken from the OpenAPI document.

    // A search in autocommit: its page and the audit event of showing it are one statement (the page's
    // rows and then the event, before); a one-word search reads the matching names first (ADR 27).
    for (const { label, url, names } of [
      { label: 'by NHS number', url: () => `/api/v1/people?q=${NORTHBRIDGE_PERSON.nhsNumber}`, names: 0 },
      { label: 'by status', url: () => '/api/v1/people?status=active', names: 0 },
      { label: 'by a name prefix', url: () => `/api/v1/people?q=${NORTHBRIDGE_PERSON.familyName.slice(0, 3)}`, names: 1 },
    ]) {
      test(`GET /api/v1/people ${label}: the page with its audit event in one statement, in autocommit`, async () => {
        const headers = { authorization: `Bearer ${tokens.practitioner}` };
        await app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers });
        let res: Awaited<ReturnType<typeof app.inject>> | undefined;
        const counts = await count(async () => {
          res = await app.inject({ method: 'GET', url: url(), headers });
        });
        assert.equal(res!.statusCode, 200, res!.body);
        assert.deepEqual((res!.json() as { items: { id: string }[] }).items.map((item) => item.id), [personId], 'the person is found');
        // Kysely hands a plugin each sub-select of a query as well: a read contained in another (its
        // parameters numbered afresh) is not a statement of its own.
        const unnumbered = (text: string) => text.replace(/\$\d+/g, '$');
        const audited = seen.filter((s) => classify(s) === 'audit');
        const reads = seen.filter((s) => classify(s) === 'read' && !seen.some((other) => other !== s && unnumbered(other).includes(unnumbered(s))));
        assert.deepEqual({ audit: audited.length, reads: reads.length, transaction: counts.transaction }, { audit: 1, reads: names, transaction: 0 }, `${JSON.stringify(counts)}\n${seen.join('\n')}`);
        assert.match(audited[0]!, /\bpeople\b/, 'the event is appended by the page’s own statement');
        const event = await database.db.selectFrom('audit_events').select('details').where('action', '=', 'register.search').orderBy('seq', 'desc').executeTakeFirstOrThrow();
        assert.deepEqual({ results: event.details.results, personIds: event.details.personIds }, { results: 1, personIds: [personId] });
      });
    }

    test('the person page: its record and every panel (plan, keyworker, planning meetings, review clocks) in the one read-model statement, audited in it', async () => {
      const actor = actorFromUser((await findUserByEmail(database.db, USERS.practitioner.email))!, 'test');
      const counts = await count(() => services.personPage.view(actor, personId));
      assertOneAuditedStatement(counts, 'personPage.view');
      assert.equal(counts.transaction, 0, 'autocommit: no BEGIN or COMMIT');
    });

    test('GET /people/{id}, the page: one read-model statement, with its audit event, besides who is asking', async () => {
      const session = (await services.accounts.signIn(USERS.practitioner.email, PASSWORD, null)).sessionToken;
      let status = 0;
      const counts = await count(async () => {
        const res = await app.inject({ method: 'GET', url: `/people/${personId}`, cookies: { [SESSION_COOKIE]: session } });
        status = res.statusCode;
      });
      assert.equal(status, 200);
      assert.equal(counts.read + counts.audit + counts.transaction, 1, `${JSON.stringify(counts)}\n${seen.join('\n')}`);
      assert.match(seen.find((statement) => classify(statement) !== 'who-is-asking')!, /INSERT INTO audit_events/, 'the page is audited in its one statement');
    });

    for (const [path, name] of [['/plan', 'plan'], ['/reviews', 'reviews']] as const) {
      test(`GET /people/{id}${path}, the ${name} page: one read-model statement, with its audit event, besides who is asking`, async () => {
        const session = (await services.accounts.signIn(USERS.practitioner.email, PASSWORD, null)).sessionToken;
        let status = 0;
        const counts = await count(async () => {
          const res = await app.inject({ method: 'GET', url: `/people/${personId}${path}`, cookies: { [SESSION_COOKIE]: session } });
          status = res.statusCode;
        });
        assert.equal(status, 200);
        assert.equal(counts.read + counts.audit + counts.transaction, 1, `${JSON.stringify(counts)}\n${seen.join('\n')}`);
        assert.match(seen.find((statement) => classify(statement) !== 'who-is-asking')!, /INSERT INTO audit_events/, `the ${name} page is audited in its one statement`);
      });

      test(`GET /people/{id}${path} of a person the caller may not see: 404 from the page's one read-model statement`, async () => {
        const session = (await services.accounts.signIn(USERS.otherLaPractitioner.email, PASSWORD, null)).sessionToken;
        let status = 0;
        const counts = await count(async () => {
          const res = await app.inject({ method: 'GET', url: `/people/${personId}${path}`, cookies: { [SESSION_COOKIE]: session } });
          status = res.statusCode;
        });
        assert.equal(status, 404);
        assert.equal(seen.filter((s) => /FROM people p/.test(s)).length, 1, `${JSON.stringify(counts)}\n${seen.join('\n')}`);
      });
    }
  });
}
