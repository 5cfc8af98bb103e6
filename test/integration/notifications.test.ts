// Issue 12, change notifications, on both databases: the outbox is written in the change's own
// transaction and survives a restart; deliveries are signed (the signature verifies at a receiver on
// 127.0.0.1); a receiver that answers 500 or hangs is retried with back-off until it acknowledges.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { createServices } from '../../src/services/index.ts';
import { createTestApp, ORGS, USERS, type TestApp, type UserKey } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { call, created, createPerson, nextNhsNumber } from '../api/helpers.ts';

interface Received { headers: IncomingHttpHeaders; body: string }

for (const { engine, skip } of await testEngines()) {
  describe(`change notifications on ${engine}`, { skip }, () => {
    let t: TestApp;
    let server: Server;
    let mode: 'ok' | 'fail' | 'hang' = 'ok';
    const received: Received[] = [];
    let hookUrl: string;
    let system: string;
    let otherSystem: string;
    let subscription: { id: string; secret: string };
    let now = new Date();
    const as = (token: string) => ({ authorization: `Bearer ${token}` });

    before(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          if (mode === 'hang') return; // never answers
          res.statusCode = mode === 'ok' ? 204 : 500;
          res.end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      t = await createTestApp(engine);
      const council = await t.services.systemAccounts.create({ name: 'Council charging', organisationCode: ORGS.la.code, scopes: ['subscriptions'] });
      system = await t.services.accounts.createToken(council.email);
      const other = await t.services.systemAccounts.create({ name: 'Southvale charging', organisationCode: ORGS.otherLa.code, scopes: ['subscriptions'] });
      otherSystem = await t.services.accounts.createToken(other.email);
    });
    after(async () => {
      await t?.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    /** A server process started afresh on the same database: only what was committed is there. */
    const restarted = (timeoutMs = 2000) => createServices(t.database.db, { clock: () => now, webhookTimeoutMs: timeoutMs }).deliveries;

    test('subscribe: 201 with the secret; bad addresses and events are 422; a person’s token without the permission is 403', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: as(system), payload: { url: hookUrl, events: ['person.entitled', 'responsibility.confirmed', 'service.s117-changed'] } });
      assert.equal(res.statusCode, 201, res.body);
      subscription = res.json();
      assert.ok(subscription.secret.length >= 32);
      for (const url of ['http://example.org/hook', 'ftp://example.org', 'not a url', 'https://user:pw@example.org/']) {
        const bad = await t.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: as(system), payload: { url, events: ['person.entitled'] } });
        assert.equal(bad.statusCode, 422, `${url}: ${bad.body}`);
      }
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: as(system), payload: { url: hookUrl, events: ['person.charged'] } })).statusCode, 422);
      assert.equal((await call(t, 'POST', '/api/v1/subscriptions', { url: hookUrl, events: ['person.entitled'] }, 'laApprover')).statusCode, 403);
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/subscriptions/${subscription.id}`, headers: as(otherSystem) })).statusCode, 404);
      // In production, plain HTTP is refused even to this machine, and so is HTTPS to it.
      const production = createServices(t.database.db, { production: true });
      const council = (await t.services.accounts.actorForToken(system, null))!;
      for (const url of [hookUrl, 'https://127.0.0.1/hook', 'https://localhost/hook']) {
        await assert.rejects(production.subscriptions.create(council, { url, events: ['person.entitled'] }), (e: Error & { errors?: { field: string }[] }) => e.errors?.[0]?.field === 'url');
      }
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/subscriptions', headers: as(system) });
      assert.deepEqual(list.json().items.map((s: { id: string }) => s.id), [subscription.id]);
    });

    test('a qualifying detention writes person.entitled to the outbox with the change; it survives a restart and arrives signed', async () => {
      const person = await createPerson(t, { nhsNumber: nextNhsNumber() });
      const admission = await created(t, `/api/v1/people/${person.id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2025-01-02' });
      await created(t, `/api/v1/people/${person.id}/legal-statuses`, { section: '3', startDate: '2025-01-02', admissionId: admission.id });
      // A refused change writes nothing to the outbox.
      const outboxBefore = await t.database.db.selectFrom('outbox_events').selectAll().execute();
      assert.equal((await call(t, 'POST', `/api/v1/people/${person.id}/legal-statuses`, { section: '99', startDate: '2025-01-02' })).statusCode, 422);
      assert.equal((await t.database.db.selectFrom('outbox_events').selectAll().execute()).length, outboxBefore.length);
      assert.deepEqual(outboxBefore.map((e) => [e.event, e.person_id]), [['person.entitled', person.id]]);

      // The server that wrote it is gone; a new one delivers it.
      now = new Date();
      await restarted().drain();
      assert.equal(received.length, 1);
      const [delivery] = received as [Received];
      const body = JSON.parse(delivery.body);
      assert.deepEqual(Object.keys(body).sort(), ['episodeId', 'event', 'id', 'nhsNumber', 'occurredAt', 'personId']);
      assert.equal(body.event, 'person.entitled');
      assert.equal(body.personId, person.id);
      assert.equal(body.nhsNumber, person.nhsNumber);
      const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(delivery.headers['s117-signature']));
      assert.ok(match, String(delivery.headers['s117-signature']));
      assert.equal(match[2], createHmac('sha256', subscription.secret).update(`${match[1]}.${delivery.body}`).digest('hex'));
      assert.notEqual(match[2], createHmac('sha256', 'another secret').update(`${match[1]}.${delivery.body}`).digest('hex'));
      const deliveries = (await t.app.inject({ method: 'GET', url: `/api/v1/subscriptions/${subscription.id}/deliveries`, headers: as(system) })).json();
      assert.equal(deliveries.items[0].id, delivery.headers['s117-delivery']);
      assert.equal(deliveries.items[0].status, 'delivered');
      assert.equal(deliveries.items[0].attempts, 1);
      // Delivered once: running again sends nothing.
      await restarted().drain();
      assert.equal(received.length, 1);
    });

    test('a receiver that answers 500, then one that hangs, is retried with back-off until it acknowledges', async () => {
      received.length = 0;
      const person = await createPerson(t, { nhsNumber: nextNhsNumber() });
      const admission = await created(t, `/api/v1/people/${person.id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2025-02-02', dischargedOn: '2025-03-01' });
      const status = await created(t, `/api/v1/people/${person.id}/legal-statuses`, { section: '3', startDate: '2025-02-02', endDate: '2025-03-01', admissionId: admission.id });
      const confirm = await call(t, 'PUT', `/api/v1/people/${person.id}/episodes/${status.id}/responsibility`, { localAuthority: { code: ORGS.la.code, basis: 'ordinarily resident' }, icb: { code: ORGS.icb.code, basis: 'GP practice' } }, 'admin');
      assert.equal(confirm.statusCode, 200, confirm.body);

      mode = 'fail';
      now = new Date();
      const worker = restarted(10_000);
      assert.equal(await worker.runOnce(), 2);
      assert.deepEqual(received.map((r) => JSON.parse(r.body).event).sort(), ['person.entitled', 'responsibility.confirmed']);
      let items = (await t.app.inject({ method: 'GET', url: `/api/v1/subscriptions/${subscription.id}/deliveries?limit=2`, headers: as(system) })).json().items;
      for (const item of items) {
        assert.equal(item.status, 'pending');
        assert.equal(item.lastStatusCode, 500);
        assert.equal(item.lastError, 'HTTP 500');
        assert.ok(new Date(item.nextAttemptAt) > now, 'retried later, not at once');
      }
      assert.equal(await worker.runOnce(), 0, 'nothing is due before the back-off has passed');

      mode = 'hang';
      now = new Date(now.getTime() + 10 * 60_000);
      assert.equal(await restarted(300).runOnce(), 2);
      items = (await t.app.inject({ method: 'GET', url: `/api/v1/subscriptions/${subscription.id}/deliveries?limit=2`, headers: as(system) })).json().items;
      for (const item of items) {
        assert.equal(item.attempts, 2);
        assert.match(item.lastError, /No answer within/);
      }

      mode = 'ok';
      now = new Date(now.getTime() + 60 * 60_000);
      assert.equal(await worker.runOnce(), 2);
      items = (await t.app.inject({ method: 'GET', url: `/api/v1/subscriptions/${subscription.id}/deliveries?limit=2`, headers: as(system) })).json().items;
      for (const item of items) {
        assert.equal(item.status, 'delivered');
        assert.equal(item.attempts, 3);
      }
      // Each attempt carries the same delivery id, so a receiver can tell a retry from a new event.
      const ids = received.map((r) => r.headers['s117-delivery']);
      assert.equal(new Set(ids).size, 2);
    });

    test('two servers delivering at once send each delivery once (FOR UPDATE SKIP LOCKED and a lease)', async () => {
      received.length = 0;
      mode = 'ok';
      for (let i = 0; i < 4; i++) {
        const person = await createPerson(t, { nhsNumber: nextNhsNumber() });
        const admission = await created(t, `/api/v1/people/${person.id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2025-01-03' });
        await created(t, `/api/v1/people/${person.id}/legal-statuses`, { section: '3', startDate: '2025-01-03', admissionId: admission.id });
      }
      now = new Date(Date.now() + 60_000);
      const [a, b] = await Promise.all([restarted().runOnce(), restarted().runOnce()]);
      assert.equal(a + b, 4);
      assert.equal(received.length, 4);
      assert.equal(new Set(received.map((r) => r.headers['s117-delivery'])).size, 4);
    });

    test('END-1, END-6, END-5: an episode jointly ended, reinstated, then superseded by a new detention, each announced once', async () => {
      const actor = async (key: UserKey) => actorFromUser((await findUserByEmail(t.database.db, USERS[key].email))!);
      const [admin, practitioner, laApprover, icbApprover] = await Promise.all([actor('admin'), actor('practitioner'), actor('laApprover'), actor('icbApprover')]);
      const everyone = await t.services.subscriptions.create(admin, { url: hookUrl, events: ['episode.ended', 'episode.reinstated', 'episode.superseded', 'person.entitled'] });
      const person = await createPerson(t, { nhsNumber: nextNhsNumber() });
      const stay = await t.services.legalHistory.addAdmission(practitioner, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-05-01' });
      const episode = await t.services.legalHistory.addLegalStatus(practitioner, person.id, { section: '3', startDate: '2024-01-10', endDate: '2024-05-01', admissionId: stay.id });
      const proposal = await t.services.ending.propose(practitioner, person.id, episode.id, {
        reasonCode: 'no-longer-needed', reasons: 'Reassessed with them: no need arising from their mental disorder remains.', reassessedOn: '2025-01-15', personInvolved: true, involved: ['Care co-ordinator'],
      });
      await t.services.ending.approve(laApprover, person.id, episode.id, proposal.id);
      await t.services.ending.approve(icbApprover, person.id, episode.id, proposal.id);
      const reinstatement = await t.services.ending.reinstate(practitioner, person.id, episode.id, { reasons: 'Relapse: needs support again.' });
      await t.services.ending.approveReinstatement(icbApprover, person.id, episode.id, reinstatement.id);
      await t.services.ending.approveReinstatement(laApprover, person.id, episode.id, reinstatement.id);
      const again = await t.services.legalHistory.addAdmission(practitioner, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2025-06-01' });
      const second = await t.services.legalHistory.addLegalStatus(practitioner, person.id, { section: '37', startDate: '2025-06-01', admissionId: again.id });
      const events = await t.database.db
        .selectFrom('deliveries').innerJoin('outbox_events', 'outbox_events.id', 'deliveries.event_id')
        .select(['outbox_events.event', 'outbox_events.episode_id']).where('deliveries.subscription_id', '=', everyone.id).where('outbox_events.person_id', '=', person.id)
        .orderBy('outbox_events.occurred_at').orderBy('outbox_events.event').execute();
      assert.deepEqual(events.map((e) => [e.event, e.episode_id]), [
        ['person.entitled', episode.id], ['episode.ended', episode.id], ['episode.reinstated', episode.id], ['episode.superseded', episode.id], ['person.entitled', second.id],
      ]);
      await t.services.subscriptions.remove(admin, everyone.id);
    });

    test('CHG-1: a service recorded as s117, then no longer s117, is announced each time with its id', async () => {
      const person = await createPerson(t, { nhsNumber: nextNhsNumber() });
      const service = await created(t, `/api/v1/people/${person.id}/services`, {
        description: 'Care home placement', category: 'accommodation', s117: true, provider: 'Meadow View Care Home', funding: { localAuthorityPercent: 50, icbPercent: 50 },
        weeklyCostPence: 123456, startDate: '2024-03-01', accommodation: { type: 'care-home', enhancedFeatures: ['24-hour-staff'] },
      });
      const events = await t.database.db.selectFrom('outbox_events').select(['event', 'service_id']).where('person_id', '=', person.id).execute();
      assert.deepEqual(events, [{ event: 'service.s117-changed', service_id: service.id }]);
    });

    test('a stopped subscription gets nothing more; another organisation cannot stop or read it', async () => {
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/subscriptions/${subscription.id}`, headers: as(otherSystem) })).statusCode, 404);
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/subscriptions/${subscription.id}/deliveries`, headers: as(otherSystem) })).statusCode, 404);
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/subscriptions/${subscription.id}`, headers: as(system) })).statusCode, 204);
      received.length = 0;
      const person = await createPerson(t, { nhsNumber: nextNhsNumber() });
      const admission = await created(t, `/api/v1/people/${person.id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2025-01-05' });
      await created(t, `/api/v1/people/${person.id}/legal-statuses`, { section: '37', startDate: '2025-01-05', admissionId: admission.id });
      now = new Date(Date.now() + 24 * 3600_000);
      await restarted().drain();
      assert.equal(received.length, 0);
      assert.equal((await t.app.inject({ method: 'GET', url: `/api/v1/subscriptions/${subscription.id}`, headers: as(system) })).statusCode, 404);
    });
  });
}
