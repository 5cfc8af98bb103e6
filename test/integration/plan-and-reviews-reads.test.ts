// The plan and reviews reads in ONE statement (issue 14): plans.get and reviews.list, and their web
// pages plans.page and reviews.page, read from the person read model with their audit event appended
// by the same statement, answer exactly what the per-table path (planPart, reviewsPart and
// personViewPart, read in a transaction and audited by useCases.read, as these reads were before)
// answers, and write exactly the audit event it writes. For every person of the demonstration data,
// today and a year on (fixed clocks), for an admin, a council practitioner (who sees the money of the
// council's people) and a trust practitioner (who sees no money, and not everyone: 404 and no event),
// on PGlite and PostgreSQL; and the read model's rows are those of the per-table queries.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO_USERS, loadDemoData } from '../../src/cli/demo.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import type { Db } from '../../src/data/database.ts';
import { findVisiblePerson } from '../../src/data/people-repository.ts';
import { currentKeyworker, findPlan, keyworkerContactOf, latestPlanVersionNumber } from '../../src/data/plans-repository.ts';
import { listServices } from '../../src/data/care-services-repository.ts';
import { loadPersonReadModel } from '../../src/data/person-read-model.ts';
import { listReviewInvitations, listReviewRequests, listReviews } from '../../src/data/reviews-repository.ts';
import { DEFAULT_LAW_SETTINGS } from '../../src/domain/aftercare.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/domain/reviews.ts';
import { todayInLondon } from '../../src/domain/dates.ts';
import { createServices } from '../../src/services/index.ts';
import { actorFromUser, type Actor } from '../../src/services/kernel/actor.ts';
import { NotFoundError } from '../../src/services/kernel/errors.ts';
import { viewerOf } from '../../src/services/kernel/person-record.ts';
import { createUseCases } from '../../src/services/kernel/use-case.ts';
import { personViewPart } from '../../src/services/people/people-service.ts';
import { planPart } from '../../src/services/plans/plans-service.ts';
import { reviewsPart } from '../../src/services/reviews/reviews-service.ts';
import { testEngines, createTestDatabase, type TestDatabase } from '../support/databases.ts';

type Seen = Record<'noPlan' | 'draft' | 'final' | 'linkedServices' | 'amountsHidden' | 'amountsShown' | 'hidden' | 'reviews' | 'requests' | 'invitations', number>;

/** The audit events written since `seq`, as comparable values (no sequence or transaction). */
async function eventsAfter(db: Db, seq: number) {
  const rows = await db.selectFrom('audit_events').selectAll().where('seq', '>', seq).orderBy('seq').execute();
  return rows.map(({ seq: _seq, xid: _xid, prev_hash: _prev, hash: _hash, ...event }) => ({ ...event, at: new Date(event.at).toISOString() }));
}

async function lastSeq(db: Db): Promise<number> {
  const row = await db.selectFrom('audit_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
  return Number(row?.seq ?? 0);
}

for (const { engine, skip } of await testEngines()) {
  describe(`plans.get and reviews.list in one statement on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(engine);
      const services = createServices(database.db);
      await loadDemoData(services);
      // The demonstration data arranges no reviews ahead: two invitations (one with a time) for people with reviews held.
      const admin = actorFromUser((await findUserByEmail(database.db, DEMO_USERS[0].email))!, 'test');
      const reviewed = await database.db.selectFrom('reviews').select('person_id').distinct().orderBy('person_id').execute();
      const invitations = [
        { plannedOn: todayInLondon(), plannedTime: '10:30', place: 'The community team base', invited: ['Keyworker', 'The person'], contact: 'The team office' },
        { plannedOn: todayInLondon(), place: 'By video call', invited: ['Keyworker'] },
      ];
      for (const { person_id } of reviewed) {
        if (invitations.length === 0) break;
        // Only a person whose aftercare is running may be invited (REV-1): the others refuse it.
        if (await services.reviews.invite(admin, person_id, invitations[0]).then(() => true, () => false)) invitations.shift();
      }
      assert.equal(invitations.length, 0, 'two people of the demonstration data may be invited to a review');
    });
    after(async () => {
      await database?.dispose();
    });

    test('every person of the demonstration data: the read model gives the rows the per-table queries give', async () => {
      const db = database.db;
      const ids = (await db.selectFrom('people').select('id').where('merged_into', 'is', null).orderBy('id').execute()).map((r) => r.id);
      let services = 0;
      let reviews = 0;
      for (const id of ids) {
        const model = await loadPersonReadModel(db, id, { everyone: true }, { plan: true, reviews: true });
        assert.ok(model?.plan && model.reviews, id);
        assert.deepEqual(model.plan.plan, await findPlan(db, id), `${id}: plan`);
        assert.deepEqual(keyworkerContactOf(model.plan.keyworker), await currentKeyworker(db, id), `${id}: keyworker`);
        assert.equal(model.plan.latestFinalVersion, await latestPlanVersionNumber(db, id), `${id}: latest final`);
        const columns = ['id', 'need_id', 'description', 's117', 'provider', 'confirmed_on', 'end_date', 'weekly_cost_pence'] as const;
        const listed = (await listServices(db, id)).map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])));
        assert.deepEqual(model.plan.services, listed, `${id}: services`);
        assert.deepEqual(model.reviews.reviews, await listReviews(db, id), `${id}: reviews`);
        assert.deepEqual(model.reviews.requests, await listReviewRequests(db, id), `${id}: requests`);
        assert.deepEqual(model.reviews.invitations, await listReviewInvitations(db, id), `${id}: invitations`);
        services += listed.length;
        reviews += model.reviews.reviews.length + model.reviews.requests.length + model.reviews.invitations.length;
      }
      assert.ok(services > 0 && reviews > 0, 'compared some rows');
    });

    test('every person of the demonstration data, today and in a year: the same answer and the same audit event as the per-table path', async () => {
      const db = database.db;
      const ids = (await db.selectFrom('people').select('id').where('merged_into', 'is', null).orderBy('id').execute()).map((r) => r.id);
      assert.ok(ids.length >= 10, 'the demonstration data has people');
      const actorOf = async (key: 'admin' | 'keyworker' | 'practitioner') => actorFromUser((await findUserByEmail(db, DEMO_USERS.find((u) => u.email.startsWith(`${key}@`))!.email))!, `test-${key}`);
      const actors: Actor[] = [await actorOf('admin'), await actorOf('keyworker'), await actorOf('practitioner')];
      const seen: Seen = { noPlan: 0, draft: 0, final: 0, linkedServices: 0, amountsHidden: 0, amountsShown: 0, hidden: 0, reviews: 0, requests: 0, invitations: 0 };
      const start = new Date();
      // A year on, services have ended and reviews fall due: other branches of the same rules.
      for (const now of [start, new Date(start.getTime() + 365 * 86_400_000)]) {
        const clock = () => now;
        const today = todayInLondon(now);
        const services = createServices(db, { clock });
        // The per-table path as plans.get and reviews.list ran before: useCases.read, the part, and the event it writes.
        const before = createUseCases(db, { clock, reviews: DEFAULT_REVIEW_SETTINGS, law: DEFAULT_LAW_SETTINGS });
        const oldPlan = (actor: Actor, id: string) =>
          before.read(actor, id, { permission: 'plan:read', audit: (v: { version: number }) => ({ action: 'plan.view', recordType: 'plan', details: { version: v.version } }) }, ({ trx, person, today, now }) =>
            planPart(trx, actor, person, today, now, DEFAULT_LAW_SETTINGS),
          );
        const oldReviews = (actor: Actor, id: string) => before.read(actor, id, { permission: 'person:read', audit: { action: 'reviews.view' } }, ({ trx, person, today }) => reviewsPart(trx, person, today, DEFAULT_LAW_SETTINGS));
        // And the web pages, plans.page and reviews.page, as they were: the person's heading with the part.
        const oldPlanPage = (actor: Actor, id: string) =>
          before.read(actor, id, { permission: 'plan:read', audit: (r: { plan: { version: number } }) => ({ action: 'plan.view', recordType: 'plan', details: { version: r.plan.version, parts: ['person', 'plan'] } }) }, async ({ trx, person, today, now }) => ({
            person: await personViewPart(trx, person),
            plan: await planPart(trx, actor, person, today, now, DEFAULT_LAW_SETTINGS),
          }));
        const oldReviewsPage = (actor: Actor, id: string) =>
          before.read(actor, id, { permission: 'person:read', audit: { action: 'reviews.view', details: { parts: ['person', 'reviews'] } } }, async ({ trx, person, today }) => ({
            person: await personViewPart(trx, person),
            reviews: await reviewsPart(trx, person, today, DEFAULT_LAW_SETTINGS),
          }));

        for (const actor of actors) {
          for (const id of ids) {
            const what = `${id} as ${actor.role} of ${actor.organisationCode} on ${today}`;
            const visible = await findVisiblePerson(db, id, viewerOf(actor));
            if (!visible) {
              // 404 before anything else, and no read event (the refusal is the HTTP layer's to audit, as before).
              const seq = await lastSeq(db);
              await assert.rejects(services.plans.get(actor, id), NotFoundError, what);
              await assert.rejects(services.reviews.list(actor, id), NotFoundError, what);
              await assert.rejects(oldPlan(actor, id), NotFoundError, what);
              await assert.rejects(services.plans.page(actor, id), NotFoundError, what);
              await assert.rejects(services.reviews.page(actor, id), NotFoundError, what);
              assert.deepEqual(await eventsAfter(db, seq), [], `${what}: no event`);
              seen.hidden += 1;
              continue;
            }

            // The plan.
            const stored = await findPlan(db, id);
            let seq = await lastSeq(db);
            const oldAnswer = await oldPlan(actor, id);
            const oldEvents = await eventsAfter(db, seq);
            seq = await lastSeq(db);
            const newAnswer = await services.plans.get(actor, id);
            const newEvents = await eventsAfter(db, seq);
            if (stored) {
              assert.deepEqual(newAnswer, oldAnswer, `${what}: plan`);
            } else {
              // The draft not yet saved has a new id on each read (it is not stored): the rest is the same.
              assert.match(newAnswer.id, /^[0-9a-f-]{36}$/);
              assert.deepEqual({ ...newAnswer, id: oldAnswer.id }, oldAnswer, `${what}: unsaved draft`);
            }
            assert.equal(newEvents.length, 1, `${what}: one plan.view event`);
            assert.deepEqual(newEvents, oldEvents, `${what}: the plan.view event`);
            assert.deepEqual(newEvents[0]!.details, { version: newAnswer.version });
            assert.equal(newEvents[0]!.record_type, 'plan');
            assert.equal(newEvents[0]!.record_id, id);
            seen[!stored ? 'noPlan' : stored.finalised_number !== null ? 'final' : 'draft'] += 1;
            const linked = newAnswer.needs.flatMap((n) => n.services);
            seen.linkedServices += linked.length;
            seen.amountsHidden += linked.filter((s) => s.weeklyCostPence === null).length;
            seen.amountsShown += linked.filter((s) => s.weeklyCostPence !== null).length;

            // The reviews.
            seq = await lastSeq(db);
            const oldRecord = await oldReviews(actor, id);
            const oldReviewEvents = await eventsAfter(db, seq);
            seq = await lastSeq(db);
            const newRecord = await services.reviews.list(actor, id);
            const newReviewEvents = await eventsAfter(db, seq);
            assert.deepEqual(newRecord, oldRecord, `${what}: reviews`);
            assert.equal(newReviewEvents.length, 1, `${what}: one reviews.view event`);
            assert.deepEqual(newReviewEvents, oldReviewEvents, `${what}: the reviews.view event`);
            // The pages: the same, and the same event naming the parts shown.
            seq = await lastSeq(db);
            const oldPage = await oldPlanPage(actor, id);
            const oldPageEvents = await eventsAfter(db, seq);
            seq = await lastSeq(db);
            const newPage = await services.plans.page(actor, id);
            const newPageEvents = await eventsAfter(db, seq);
            assert.deepEqual(stored ? newPage : { ...newPage, plan: { ...newPage.plan, id: oldPage.plan.id } }, oldPage, `${what}: plan page`);
            assert.equal(newPageEvents.length, 1, `${what}: one plan.view event for the page`);
            assert.deepEqual(newPageEvents, oldPageEvents, `${what}: the plan page's event`);
            seq = await lastSeq(db);
            const oldReviewsPageAnswer = await oldReviewsPage(actor, id);
            const oldReviewsPageEvents = await eventsAfter(db, seq);
            seq = await lastSeq(db);
            assert.deepEqual(await services.reviews.page(actor, id), oldReviewsPageAnswer, `${what}: reviews page`);
            const newReviewsPageEvents = await eventsAfter(db, seq);
            assert.equal(newReviewsPageEvents.length, 1, `${what}: one reviews.view event for the page`);
            assert.deepEqual(newReviewsPageEvents, oldReviewsPageEvents, `${what}: the reviews page's event`);

            seen.reviews += newRecord.history.length;
            seen.requests += newRecord.requests.length;
            seen.invitations += newRecord.invitations.length;
          }
        }
      }
      for (const [what, n] of Object.entries(seen)) assert.ok(n > 0, `the demonstration data has ${what}: ${JSON.stringify(seen)}`);
    });
  });
}
