// Services linked to plan needs through the API (POST/PATCH services needId 422, GET plan needs[].services),
// and budget reviews in GET /reviews/overdue, the dashboard and the register's reviewOverdue filter
// (DP-1(d), DP-2), with scoping and 401.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import * as budgetsRepo from '../../src/data/budgets-repository.ts';
import { findPerson } from '../../src/data/people-repository.ts';
import { addDays, addMonths } from '../../src/domain/dates.ts';
import { DEFAULT_LAW_SETTINGS } from '../../src/domain/aftercare.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/domain/reviews.ts';
import { refreshProjections } from '../../src/services/kernel/projections.ts';
import { actorFromUser } from '../../src/services/kernel/actor.ts';
import { createTestApp, USERS, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { completePlanInput, detainedPerson } from '../support/plans.ts';
import { assertProblem, call, today } from './helpers.ts';

const service = (overrides: Record<string, unknown> = {}) => ({
  description: 'Day centre three days a week',
  category: 'social-care',
  s117: true,
  scope: { arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true, rationale: 'Structure keeps them well' },
  provider: 'Northbridge Day Services',
  funding: { localAuthorityPercent: 60, icbPercent: 40 },
  weeklyCostPence: 31000,
  startDate: '2025-03-01',
  ...overrides,
});

for (const { engine, skip } of await testEngines()) {
  describe(`needs with their services and budget review clocks through the API on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    let needId: string;
    before(async () => {
      t = await createTestApp(engine);
      const actor = actorFromUser((await findUserByEmail(t.database.db, USERS.practitioner.email))!);
      personId = (await detainedPerson(t.services, actor, { givenName: 'Api', familyName: 'Linked', leftHospitalOn: '2025-02-01' })).id;
      const put = await call(t, 'PUT', `/api/v1/people/${personId}/plan`, completePlanInput());
      assert.equal(put.statusCode, 200, put.body);
      needId = put.json().needs[0].id;
    });
    after(async () => {
      await t?.close();
    });

    test('POST and PATCH services refuse a needId that is not a need of the plan with 422 {field: needId}', async () => {
      const bad = assertProblem(await call(t, 'POST', `/api/v1/people/${personId}/services`, service({ needId: randomUUID() }), 'laPractitioner'), 422);
      assert.ok(bad.errors?.some((e) => e.field === 'needId'), JSON.stringify(bad.errors));
      const res = await call(t, 'POST', `/api/v1/people/${personId}/services`, service({ needId }), 'laPractitioner');
      assert.equal(res.statusCode, 201, res.body);
      const { id, version } = res.json();
      const patch = assertProblem(await call(t, 'PATCH', `/api/v1/people/${personId}/services/${id}`, { needId: randomUUID() }, 'laPractitioner', { 'if-match': String(version) }), 422);
      assert.ok(patch.errors?.some((e) => e.field === 'needId'));
      // Someone who may not see the person: 404, whatever the need.
      assertProblem(await call(t, 'POST', `/api/v1/people/${personId}/services`, service({ needId }), 'otherLaPractitioner'), 404);
    });

    test('GET plan lists under each need the services linked to it, with amounts only for those who may see money', async () => {
      const forLa = (await call(t, 'GET', `/api/v1/people/${personId}/plan`, undefined, 'laApprover')).json();
      const linked = forLa.needs.find((n: { id: string }) => n.id === needId).services;
      assert.equal(linked.length, 1);
      for (const field of ['id', 'description', 's117', 'provider', 'confirmedOn']) assert.ok(field in linked[0], field);
      assert.equal(linked[0].description, 'Day centre three days a week');
      assert.equal(linked[0].weeklyCostPence, 31000);
      const other = forLa.needs.find((n: { id: string }) => n.id !== needId);
      assert.deepEqual(other.services, []);
      const forTrust = (await call(t, 'GET', `/api/v1/people/${personId}/plan`, undefined, 'practitioner')).json();
      assert.equal(forTrust.needs.find((n: { id: string }) => n.id === needId).services[0].weeklyCostPence, null);
      assertProblem(await call(t, 'GET', `/api/v1/people/${personId}/plan`, undefined, 'otherLaPractitioner'), 404);
    });

    test('GET /reviews/overdue, the dashboard and ?reviewOverdue=true include an overdue direct payment review, with reasons', async () => {
      // The aftercare review is held 10 days ago (next due in a year); a direct payment began 7 months ago (review due a month ago).
      const review = await call(t, 'POST', `/api/v1/people/${personId}/reviews`, { heldOn: addDays(today(), -10), attendees: ['the person'], outcome: 'continue', notes: 'Going well' }, 'laPractitioner');
      assert.equal(review.statusCode, 201, review.body);
      const services = (await call(t, 'GET', `/api/v1/people/${personId}/services`, undefined, 'laPractitioner')).json().items;
      const start = addMonths(today(), -7);
      await budgetsRepo.insertBudget(t.database.db, {
        id: randomUUID(), person_id: personId, kind: 'direct-payment', holder_body: 'local-authority', holder_code: 'E09000099', service_ids: [services[0].id],
        payee_relationship: 'self', payee_is_close_relative_in_household: false, necessity_reason: null, start_date: start, end_date: null, amount_pence_per_week: 20000, offered_on: start,
        created_by: (await findUserByEmail(t.database.db, USERS.laPractitioner.email))!.id,
      });
      // Re-derive the projections, as any budget change through the services does.
      await t.database.db.transaction().execute(async (trx) => refreshProjections(trx, (await findPerson(trx, personId))!, today(), DEFAULT_REVIEW_SETTINGS, DEFAULT_LAW_SETTINGS));

      const overdue = await call(t, 'GET', '/api/v1/reviews/overdue', undefined, 'laApprover');
      assert.equal(overdue.statusCode, 200, overdue.body);
      const item = overdue.json().items.find((i: { id: string }) => i.id === personId);
      assert.ok(item, overdue.body);
      assert.deepEqual(item.reasons, ['direct-payment-review']);
      assert.equal(item.nextDueOn, addMonths(start, 6));
      assert.equal(item.reviewDueOn, addMonths(addDays(today(), -10), 12));
      for (const field of ['id', 'nhsNumber', 'givenName', 'familyName', 'status', 'localAuthority', 'icb', 'nextDueOn', 'overdue', 'daysOverdue', 'keyworker']) assert.ok(field in item, field);
      assert.equal(item.overdue, true);

      const dashboard = (await call(t, 'GET', '/api/v1/reviews/dashboard', undefined, 'laApprover')).json();
      assert.deepEqual(dashboard.items.find((i: { id: string }) => i.id === personId).reasons, ['direct-payment-review']);
      const register = (await call(t, 'GET', '/api/v1/people?reviewOverdue=true', undefined, 'laApprover')).json();
      assert.equal(register.items.find((i: { id: string }) => i.id === personId)?.reviewOverdue, true);

      assert.equal((await call(t, 'GET', '/api/v1/reviews/overdue', undefined, 'otherLaPractitioner')).json().items.length, 0);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/reviews/overdue' })).statusCode, 401);
    });
  });
}
