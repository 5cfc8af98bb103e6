// Services linked to the plan's needs (a service meets a need of the current plan), budget review
// clocks in the overdue lists and on the person page (DP-1(d), DP-2), and services ending at a review
// without ending aftercare (END-7).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as budgetsRepo from '../../src/data/budgets-repository.ts';
import type { Db } from '../../src/data/database.ts';
import { findPerson } from '../../src/data/people-repository.ts';
import { todayInLondon } from '../../src/domain/dates.ts';
import { DEFAULT_LAW_SETTINGS } from '../../src/domain/aftercare.ts';
import { DEFAULT_REVIEW_SETTINGS } from '../../src/domain/reviews.ts';
import { ValidationError } from '../../src/services/kernel/errors.ts';
import { refreshProjections } from '../../src/services/kernel/projections.ts';
import { testEngines } from '../support/databases.ts';
import { pdfText } from '../support/pdf.ts';
import { completePlanInput, detainedPerson } from '../support/plans.ts';
import { createServiceFixture, type ServiceFixture } from '../support/services.ts';

const TODAY = new Date('2026-06-01T12:00:00Z');

const service = (overrides: Record<string, unknown> = {}) => ({
  description: 'Support worker each morning',
  category: 'social-care',
  s117: true,
  scope: { arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true, rationale: 'Prompting medication prevents relapse' },
  provider: 'Northbridge Support Ltd',
  funding: { localAuthorityPercent: 50, icbPercent: 50 },
  weeklyCostPence: 25050,
  startDate: '2025-02-01',
  ...overrides,
});

/** Re-derives the projections after a budget written straight to the database (as any budget change does). */
async function refresh(db: Db, personId: string) {
  await db.transaction().execute(async (trx) => refreshProjections(trx, (await findPerson(trx, personId))!, todayInLondon(TODAY), DEFAULT_REVIEW_SETTINGS, DEFAULT_LAW_SETTINGS));
}

async function refusedOn(promise: Promise<unknown>, field: string) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ValidationError, String(error));
    assert.ok(error.errors.some((e) => e.field === field), JSON.stringify(error.errors));
    return true;
  });
}

for (const { engine, skip } of await testEngines()) {
  describe(`needs with their services, budget review clocks and service changes on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine, { clock: () => TODAY });
    });
    after(async () => {
      await f?.close();
    });

    // ---- Services linked to the plan's needs ----------------------------------------------------
    let personId: string;
    let s117NeedId: string;
    let otherNeedId: string;
    let serviceId: string;
    test('a service links only to a need of the current plan (422 needId otherwise)', async () => {
      // Registered by the trust's practitioner (sight by allocation, no money); the council's see it as a responsible body.
      const person = await detainedPerson(f.services, f.actors.practitioner, { leftHospitalOn: '2025-02-01', givenName: 'Linked' });
      personId = person.id;
      // No plan yet: any need id is refused.
      await refusedOn(f.services.careServices.create(f.actors.laPractitioner, personId, service({ needId: randomUUID() })), 'needId');
      const plan = await f.services.plans.update(f.actors.laPractitioner, personId, null, completePlanInput());
      s117NeedId = plan.needs[0]!.id;
      otherNeedId = plan.needs[1]!.id;
      await refusedOn(f.services.careServices.create(f.actors.laPractitioner, personId, service({ needId: randomUUID() })), 'needId');
      const created = await f.services.careServices.create(f.actors.laPractitioner, personId, service({ needId: s117NeedId.toUpperCase() }));
      serviceId = created.id;
      assert.equal(created.needId?.toLowerCase(), s117NeedId);
      await refusedOn(f.services.careServices.update(f.actors.laPractitioner, personId, serviceId, null, { needId: randomUUID() }), 'needId');
      const moved = await f.services.careServices.update(f.actors.laPractitioner, personId, serviceId, null, { needId: otherNeedId });
      assert.equal(moved.needId, otherNeedId);
      await f.services.careServices.update(f.actors.laPractitioner, personId, serviceId, null, { needId: s117NeedId });
      assert.deepEqual((await f.services.careServices.planNeeds(f.actors.laPractitioner, personId)).map((n) => n.id), [s117NeedId, otherNeedId]);
    });

    test('a need of the latest final version stays linkable after the draft drops it', async () => {
      await f.services.plans.finalise(f.actors.laPractitioner, personId, null);
      const draft = await f.services.plans.get(f.actors.laPractitioner, personId);
      const [first] = draft.needs;
      await f.services.plans.update(f.actors.laPractitioner, personId, draft.version, completePlanInput({ needs: [{ ...first, services: undefined }] }));
      const linked = await f.services.careServices.create(f.actors.laPractitioner, personId, service({ description: 'Physiotherapy', s117: false, scope: null, needId: otherNeedId }));
      assert.equal(linked.needId, otherNeedId);
      const needs = await f.services.careServices.planNeeds(f.actors.laPractitioner, personId);
      assert.deepEqual(new Set(needs.map((n) => n.id)), new Set([s117NeedId, otherNeedId]));
    });

    test('the plan shows each need with its services; amounts only for someone who may see money', async () => {
      const forLa = await f.services.plans.get(f.actors.laApprover, personId);
      const need = forLa.needs.find((n) => n.id === s117NeedId)!;
      assert.equal(need.services.length, 1);
      assert.deepEqual(
        { ...need.services[0] },
        { id: serviceId, description: 'Support worker each morning', s117: true, provider: 'Northbridge Support Ltd', confirmedOn: null, endDate: null, status: 'planned', weeklyCostPence: 25050 },
      );
      const forTrust = await f.services.plans.get(f.actors.practitioner, personId);
      assert.equal(forTrust.needs.find((n) => n.id === s117NeedId)!.services[0]!.weeklyCostPence, null);
      const forFinance = await f.services.plans.get(f.actors.finance, personId);
      assert.equal(forFinance.needs.find((n) => n.id === s117NeedId)!.services[0]!.weeklyCostPence, 25050);
    });

    test('the person’s copy names the services that meet each need, without amounts', async () => {
      const { pdf } = await f.services.plans.pdf(f.actors.laPractitioner, personId);
      const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
      assert.match(text, /services? that meet need 1/);
      assert.match(text, /Support worker each morning, from Northbridge Support Ltd \(being arranged\)/);
      assert.doesNotMatch(text, /250\.50/);
    });

    // ---- END-7 ----------------------------------------------------------------------------------
    test('END-7: ending a service and a review that stops it leave aftercare active', async () => {
      const before = await f.services.people.record(f.actors.laPractitioner, personId);
      assert.equal(before.aftercare.status, 'active');
      const ended = await f.services.careServices.end(f.actors.laPractitioner, personId, serviceId, null, { endDate: '2026-05-01' });
      assert.equal(ended.status, 'ended');
      await f.services.reviews.record(f.actors.laPractitioner, personId, {
        heldOn: '2026-05-01',
        attendees: ['The person', 'Keyworker'],
        outcome: 'change',
        notes: 'Morning support no longer needed; other aftercare continues',
        servicesChanged: [{ service: 'Support worker each morning', change: 'stopped', detail: null }],
      });
      const afterwards = await f.services.people.record(f.actors.laPractitioner, personId);
      assert.equal(afterwards.aftercare.status, 'active');
      assert.equal(afterwards.aftercare.episodes.at(-1)!.status, 'active');
      assert.equal(afterwards.aftercare.episodes.at(-1)!.endedOn, null);
      const reviews = await f.services.reviews.list(f.actors.laPractitioner, personId);
      assert.equal(reviews.nextDueOn, '2027-05-01');
      assert.equal(reviews.history[0]!.servicesChanged[0]!.change, 'stopped');
    });

    // ---- Budget review clocks (DP-1(d), DP-2) ---------------------------------------------------
    const ids: Record<string, string> = {};
    async function budget(person: string, kind: 'direct-payment' | 'personal-health-budget', startDate: string) {
      const s = await f.services.careServices.create(f.actors.laPractitioner, person, service({ description: `Paid by ${kind}`, startDate }));
      await budgetsRepo.insertBudget(f.database.db, {
        id: randomUUID(),
        person_id: person,
        kind,
        holder_body: kind === 'direct-payment' ? 'local-authority' : 'icb',
        holder_code: kind === 'direct-payment' ? 'E09000099' : 'QZZ',
        service_ids: [s.id],
        payee_relationship: 'self',
        payee_is_close_relative_in_household: false,
        necessity_reason: null,
        start_date: startDate,
        end_date: null,
        amount_pence_per_week: 10000,
        offered_on: startDate,
        created_by: f.actors.laPractitioner.userId,
      });
      await refresh(f.database.db, person);
    }

    test('DP-1(d), DP-2: people whose budget review is overdue are in the overdue list with their reasons', async () => {
      // The linked person: review held 2026-05-01, next 2027-05-01; a direct payment from 2025-06-01 (review due 2025-12-01).
      ids.dp = personId;
      await budget(personId, 'direct-payment', '2025-06-01');
      // Aftercare review overdue (never reviewed) and a health budget from 2026-01-01 (due 2026-04-01).
      ids.both = (await detainedPerson(f.services, f.actors.laPractitioner, { leftHospitalOn: '2025-02-01', givenName: 'Both' })).id;
      await budget(ids.both, 'personal-health-budget', '2026-01-01');
      // Aftercare review overdue only; a direct payment not yet due (2026-03-01 + 6 months).
      ids.review = (await detainedPerson(f.services, f.actors.laPractitioner, { leftHospitalOn: '2025-02-01', givenName: 'Review' })).id;
      await budget(ids.review, 'direct-payment', '2026-03-01');

      const overdue = await f.services.reviews.overdue(f.actors.laPractitioner, {});
      const reasonsOf = (id: string) => overdue.items.find((i) => i.id === id)?.reasons;
      assert.deepEqual(reasonsOf(ids.dp!), ['direct-payment-review']);
      assert.deepEqual(reasonsOf(ids.both!), ['review', 'personal-health-budget-review']);
      assert.deepEqual(reasonsOf(ids.review!), ['review']);
      const dp = overdue.items.find((i) => i.id === ids.dp)!;
      assert.equal(dp.nextDueOn, '2025-12-01');
      assert.equal(dp.reviewDueOn, '2027-05-01');
      assert.equal(dp.budgetReviewDueOn, '2025-12-01');
      assert.equal(dp.overdue, true);
      // Most overdue first.
      const order = overdue.items.map((i) => i.nextDueOn);
      assert.deepEqual(order, [...order].sort());
      // Paging with a cursor over the mixed clocks loses nobody.
      const first = await f.services.reviews.overdue(f.actors.laPractitioner, { limit: 1 });
      const seen = [...first.items.map((i) => i.id)];
      let cursor = first.nextCursor;
      while (cursor) {
        const next = await f.services.reviews.overdue(f.actors.laPractitioner, { limit: 1, cursor });
        seen.push(...next.items.map((i) => i.id));
        cursor = next.nextCursor;
      }
      assert.deepEqual(seen, overdue.items.map((i) => i.id));

      const dashboard = await f.services.reviews.dashboard(f.actors.laPractitioner, {});
      assert.deepEqual(dashboard.items.find((i) => i.id === ids.dp)?.reasons, ['direct-payment-review']);
      assert.ok(dashboard.totals.overdue >= 3);

      const register = await f.services.people.search(f.actors.laPractitioner, { reviewOverdue: 'true' });
      const found = register.items.map((i) => i.id);
      for (const id of [ids.dp!, ids.both!, ids.review!]) assert.ok(found.includes(id), id);
      assert.equal(register.items.find((i) => i.id === ids.dp)?.reviewOverdue, true);
    });

    test('DP-1(d): the person page’s clocks say which reviews are overdue', async () => {
      const clocks = await f.services.reviews.clocks(f.actors.laPractitioner, ids.dp!);
      assert.equal(clocks.nextDueOn, '2027-05-01');
      assert.equal(clocks.overdue, false);
      assert.deepEqual(clocks.budgets, [{ kind: 'direct-payment', dueOn: '2025-12-01', overdue: true }]);
      assert.deepEqual(clocks.reasons, ['direct-payment-review']);
      const other = await f.services.reviews.clocks(f.actors.laPractitioner, ids.review!);
      assert.deepEqual(other.reasons, ['review']);
      assert.deepEqual(other.budgets, [{ kind: 'direct-payment', dueOn: '2026-09-01', overdue: false }]);
      await assert.rejects(f.services.reviews.clocks(f.actors.otherLaPractitioner, ids.dp!), /not found|person/i);
    });
  });
}
