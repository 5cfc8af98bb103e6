// Issue 13 (national scale, ADR 0014): the register report added up from the summaries is exactly the
// report worked out from every person's facts, on generated people (bench/generate.ts) and a few made
// by the services with money, reviews, keyworkers and complaints, for every kind of reader and filter,
// on PGlite and PostgreSQL. And RESP-7: spend is worked out at the cost in force at the time.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generate } from '../../bench/generate.ts';
import { addDays, addMonths, todayInLondon } from '../../src/domain/dates.ts';
import { monthEnd, monthStart } from '../../src/domain/reports.ts';
import type { RegisterReportAnswer } from '../../src/services/reports/reports-service.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

const without = ({ summaryBuiltAt: _, ...rest }: RegisterReportAnswer) => rest;

for (const { engine, skip } of await testEngines()) {
  describe(`reports from the summaries equal the reports from the facts on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    const today = todayInLondon();
    const lastMonthEnd = addDays(monthStart(today), -1);
    const readers = [
      ['admin', {}],
      ['admin', { localAuthority: 'E09000098' }],
      ['admin', { icb: 'QZZ', localAuthority: 'E09000099' }],
      ['admin', { asOf: lastMonthEnd, months: 24 }],
      ['laApprover', {}],
      ['icbApprover', { icb: 'QZZ' }],
      ['finance', {}],
      ['finance', { asOf: lastMonthEnd }],
      ['auditor', {}],
      ['otherLaApprover', {}],
      ['otherIcbApprover', { months: 3 }],
    ] as const;
    let personId: string;
    let serviceId: string;

    before(async () => {
      f = await createServiceFixture(engine);
      const { people, legalHistory, reviews, careServices, money, keyworkers, complaints } = f.services;
      const p = f.actors.practitioner;
      await generate(f.database.db, {
        people: 150, seed: 117, today,
        registeredBy: { userId: p.userId, organisationId: p.organisationId, organisationCode: p.organisationCode },
        approverUserId: f.actors.laApprover.userId,
        concurrency: 1,
      });
      // One person with the facts the generator does not make: services and their cost, payments, a review, a keyworker, a complaint.
      const start = monthStart(addMonths(today, -14));
      personId = (await people.create(p, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Costed' })).id;
      const stay = await legalHistory.addAdmission(p, personId, { hospital: 'Northbridge Hospital', admittedOn: addDays(start, -60), dischargedOn: start });
      await legalHistory.addLegalStatus(p, personId, { section: '3', startDate: addDays(start, -60), endDate: start, admissionId: stay.id });
      await reviews.record(p, personId, { heldOn: addDays(start, 30), attendees: ['the person'], outcome: 'continue', notes: '' });
      // A keyworker from Southvale gives Southvale sight of the person, not of their money (Northbridge's): canSeeMoney.
      await keyworkers.allocate(f.actors.admin, personId, { userId: f.actors.otherLaPractitioner.userId, jobTitle: 'Care co-ordinator', phone: '01632 960 001' });
      const service = await careServices.create(f.actors.laPractitioner, personId, {
        description: 'Supported living', category: 'accommodation', s117: true,
        scope: { arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true, rationale: 'Staff support prevents relapse' },
        provider: 'Northbridge Care Homes', weeklyCostPence: 70000, funding: { localAuthorityPercent: 50, icbPercent: 50 }, startDate: start,
        accommodation: { type: 'care-home', enhancedFeatures: ['24-hour-staff'] },
      });
      serviceId = service.id;
      await money.recordPayment(f.actors.finance, personId, serviceId, { body: 'local-authority', periodFrom: start, periodTo: monthEnd(start), amountPence: 150000, paidOn: addDays(monthEnd(start), 5) });
      await complaints.create(f.actors.laApprover, personId, { against: 'both', route: 'formal', receivedOn: addDays(start, 40), awareOn: addDays(start, 35), subject: 'Late review' });
      // RESP-7: the cost goes up today; the months before keep the old cost.
      await careServices.update(f.actors.laPractitioner, personId, serviceId, null, { weeklyCostPence: 140000 });
    });
    after(async () => {
      await f?.close();
    });

    test('RPT-1 to RPT-16: every reader’s report, filtered or not, is the same from the summaries as from the facts', async () => {
      const slow = [];
      for (const [who, query] of readers) {
        const report = await f.services.reports.register(f.actors[who], query);
        assert.equal(report.summaryBuiltAt, null, 'no summaries yet: worked out from the facts');
        slow.push(report);
      }
      assert.ok(slow[0]!.peopleRead >= 151);
      assert.ok(slow[0]!.byStatus.active > 0 && slow[0]!.newEntitlements + slow[0]!.months.reduce((n, m) => n + m.newEntitlements, 0) > 0, 'the generated people give the figures something to count');
      const refreshed = await f.services.reports.refreshSummaries();
      assert.equal(refreshed.people, slow[0]!.peopleRead);
      for (const [i, [who, query]] of readers.entries()) {
        const fast = await f.services.reports.register(f.actors[who], query);
        assert.ok(fast.summaryBuiltAt, `${who} ${JSON.stringify(query)}: from the summaries`);
        assert.deepEqual(without(fast), without(slow[i]!), `${who} ${JSON.stringify(query)}`);
      }
    });

    test('a date the summaries do not hold is worked out from the facts; a fact recorded after the refresh counts from the next refresh', async () => {
      await f.services.reports.refreshSummaries();
      const midMonth = addDays(monthStart(addMonths(today, -2)), 9);
      assert.equal((await f.services.reports.register(f.actors.admin, { asOf: midMonth })).summaryBuiltAt, null);
      const before = await f.services.reports.register(f.actors.admin, {});
      assert.ok(before.summaryBuiltAt);
      await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Late' });
      const stale = await f.services.reports.register(f.actors.admin, {});
      assert.equal(stale.peopleRead, before.peopleRead, 'as of the refresh the page names');
      await f.services.reports.refreshSummaries();
      const fresh = await f.services.reports.register(f.actors.admin, {});
      assert.equal(fresh.peopleRead, before.peopleRead + 1);
      assert.equal(fresh.byStatus['not-entitled'], before.byStatus['not-entitled'] + 1);
      const rows = await f.database.db.selectFrom('report_snapshots').select('id').execute();
      assert.equal(rows.length, 2, 'a refresh removes all but itself and the one before (which a report may be in the middle of reading)');
    });

    test('RESP-7: spend is worked out at the cost in force at the time, not today’s', async () => {
      const costs = await f.database.db.selectFrom('service_costs').select(['effective_from', 'weekly_cost_pence']).where('service_id', '=', serviceId).orderBy('effective_from').execute();
      assert.deepEqual(costs.map((c) => c.weekly_cost_pence), [70000, 140000]);
      assert.equal(costs[1]!.effective_from, today);
      const report = await f.services.reports.register(f.actors.finance, { asOf: lastMonthEnd });
      const agreed = report.spend.filter((x) => x.category === 'accommodation').reduce((n, x) => n + x.agreedPence, 0);
      const days = Number(lastMonthEnd.slice(8, 10));
      assert.equal(agreed, Math.round((70000 * days) / 7), `last month at £700 a week, not £1,400 (${days} days)`);
    });
  });
}
