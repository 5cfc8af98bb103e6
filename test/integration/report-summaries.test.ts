// Issue 13 (national scale, ADR 0014): the register report added up from the summaries is exactly the
// report worked out from every person's facts, on generated people (bench/generate.ts) and a few made
// by the services with money, reviews, keyworkers and complaints, for every kind of reader and filter,
// on PGlite and PostgreSQL. And RESP-7: spend is worked out at the cost in force at the time.
// Issue 13 item 5 (migration 0130): after each kind of write, before and after the summariser, the
// report from the summaries still equals the report from the facts; a mark written during a refresh
// survives it, and concurrent writers, summarisers and a refresh lose nothing (PostgreSQL).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generate } from '../../bench/generate.ts';
import { addDays, addMonths, todayInLondon } from '../../src/domain/dates.ts';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { monthEnd, monthStart } from '../../src/domain/reports.ts';
import type { RegisterReportAnswer } from '../../src/services/reports/reports-service.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';
import { completePlanInput } from '../support/plans.ts';
import { northbridgeWorkbook } from '../support/import-fixtures.ts';

const without = ({ summaryBuiltAt: _, inStepAt: __, ...rest }: RegisterReportAnswer) => rest;

for (const { engine, skip } of await testEngines()) {
  describe(`reports from the summaries equal the reports from the facts on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    const today = todayInLondon();
    // The register's clock runs on from midday of `today`, so that its day stays `today` however long this
    // file takes: summaries are of one day (ADR 0014), and a midnight passing between a refresh and a
    // report would make the report come from the facts instead.
    const startedAt = Date.now();
    const clock = () => new Date(Date.parse(`${today}T12:00:00Z`) + (Date.now() - startedAt));
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
      f = await createServiceFixture(engine, { clock });
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

    test('a date the summaries do not hold is worked out from the facts; a fact recorded after the refresh counts at once (ADR 0014, kept in step)', async () => {
      await f.services.reports.refreshSummaries();
      const midMonth = addDays(monthStart(addMonths(today, -2)), 9);
      assert.equal((await f.services.reports.register(f.actors.admin, { asOf: midMonth })).summaryBuiltAt, null);
      const before = await f.services.reports.register(f.actors.admin, {});
      assert.ok(before.summaryBuiltAt);
      await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Late' });
      const fresh = await f.services.reports.register(f.actors.admin, {});
      assert.equal(fresh.summaryBuiltAt, before.summaryBuiltAt, 'still from the same summaries');
      assert.equal(fresh.peopleRead, before.peopleRead + 1, 'the new person counts before any summariser or refresh');
      assert.equal(fresh.byStatus['not-entitled'], before.byStatus['not-entitled'] + 1);
      await f.services.reports.refreshSummaries();
      assert.deepEqual(without(await f.services.reports.register(f.actors.admin, {})), without(fresh));
      const rows = await f.database.db.selectFrom('report_snapshots').select('id').execute();
      assert.equal(rows.length, 2, 'a refresh removes all but itself and the one before (which a report may be in the middle of reading)');
      assert.equal(await marks(), 0, 'the refresh took the marks its view held');
    });

    test('the nightly job makes no second refresh on a day whose summaries are made already (issue 14: a server started in the day)', async () => {
      const made = await f.services.reports.refreshSummaries();
      assert.deepEqual(await f.services.reports.refreshSummariesIfStale(), { skipped: true });
      const latest = await f.database.db.selectFrom('report_snapshots').select('id').where('finished_at', 'is not', null).orderBy('finished_at', 'desc').executeTakeFirstOrThrow();
      assert.equal(latest.id, made.snapshotId, 'the snapshot of today is still the latest');
      // Yesterday's summaries are stale: the job refreshes.
      await f.database.db.updateTable('report_snapshots').set({ built_on: addDays(today, -1) }).where('id', '=', made.snapshotId).execute();
      const again = await f.services.reports.refreshSummariesIfStale();
      assert.ok(!('skipped' in again) && again.snapshotId !== made.snapshotId, 'a new refresh');
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

    const marks = async () => (await f.database.db.selectFrom('report_dirty_people').select('id').execute()).length;

    /** Every reader's report, filtered as above, from the summaries equals the one from the facts. */
    async function assertInStep(label: string, facts: RegisterReportAnswer[]) {
      for (const [i, [who, query]] of readers.entries()) {
        const fast = await f.services.reports.register(f.actors[who], query);
        assert.ok(fast.summaryBuiltAt, `${label}: ${who} ${JSON.stringify(query)} from the summaries`);
        assert.deepEqual(without(fast), without(facts[i]!), `${label}: ${who} ${JSON.stringify(query)}`);
      }
    }

    /** After a write: it marked someone; in step before the summariser, and after it (which takes every mark). */
    let writes = 0;
    async function inStepAfter(label: string) {
      assert.ok((await marks()) > 0, `${label}: the write marked its person`);
      const facts = [];
      for (const [who, query] of readers) facts.push(await f.services.reports.registerFromFacts(f.actors[who], query));
      await assertInStep(`${label}, before the summariser`, facts);
      // Every other round folds the differences into the sums: the answer is the same either way.
      const round = await f.services.reports.summarise({ foldAt: writes++ % 2 === 0 ? 0 : Infinity });
      assert.equal(round.skipped, false);
      assert.equal(await marks(), 0, `${label}: the summariser took every mark`);
      await assertInStep(`${label}, after the summariser`, facts);
    }

    test('issue 13 item 5: after each kind of write, before and after the summariser, every reader’s report from the summaries equals the one from the facts', async () => {
      await f.services.reports.refreshSummaries();
      const { people, legalHistory, reviews, careServices, money, keyworkers, complaints, plans, ending, duplicates, imports } = f.services;
      const p = f.actors.practitioner;
      const start = monthStart(addMonths(today, -10));
      const person = await people.create(p, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Instep' });
      const stay = await legalHistory.addAdmission(p, person.id, { hospital: 'Northbridge Hospital', admittedOn: addDays(start, -40), dischargedOn: null });
      const section = await legalHistory.addLegalStatus(p, person.id, { section: '3', startDate: addDays(start, -40), endDate: null, admissionId: stay.id });
      await inStepAfter('a legal status');
      const draft = await plans.get(p, person.id);
      const saved = await plans.update(p, person.id, draft.version, completePlanInput({ signature: { signedOn: null, notSignedReason: 'Too unwell to sign today' }, copyGivenOn: null }));
      await plans.finalise(p, person.id, saved.version);
      await inStepAfter('a plan finalised');
      await legalHistory.endLegalStatus(p, person.id, section.id, null, { endDate: start });
      await legalHistory.recordDischarge(p, person.id, stay.id, null, { dischargedOn: start });
      await inStepAfter('a discharge');
      const episodeId = (await legalHistory.aftercare(p, person.id)).episodes[0]!.id;
      await legalHistory.confirmResponsibility(f.actors.laApprover, person.id, episodeId, { localAuthority: { code: 'E09000099', basis: 'Ordinarily resident here' }, icb: { code: 'QZZ', basis: 'GP here' } });
      await inStepAfter('a responsibility confirmation');
      await reviews.record(p, person.id, { heldOn: addDays(start, 20), attendees: ['the person'], outcome: 'continue', notes: '' });
      await inStepAfter('a review');
      const service = await careServices.create(f.actors.laPractitioner, person.id, {
        description: 'Supported living', category: 'accommodation', s117: true,
        scope: { arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true, rationale: 'Staff support prevents relapse' },
        provider: 'Northbridge Care Homes', weeklyCostPence: 50000, funding: { localAuthorityPercent: 60, icbPercent: 40 }, startDate: start,
        accommodation: { type: 'care-home', enhancedFeatures: ['24-hour-staff'] },
      });
      await careServices.update(f.actors.laPractitioner, person.id, service.id, null, { weeklyCostPence: 60000 });
      await inStepAfter('a service with its cost');
      await money.recordPayment(f.actors.finance, person.id, service.id, { body: 'icb', periodFrom: start, periodTo: monthEnd(start), amountPence: 80000, paidOn: addDays(monthEnd(start), 3) });
      await inStepAfter('a payment');
      const charge = await money.recordCharge(f.actors.finance, person.id, { periodFrom: addDays(start, 31), periodTo: addDays(start, 58), amountPence: 31000, paidOn: addDays(start, 62), description: 'Care home contribution', serviceId: service.id });
      await inStepAfter('a charge');
      await money.calculateRefund(f.actors.finance, person.id, { chargeIds: [charge.id] });
      await inStepAfter('a refund');
      await money.raiseDispute(f.actors.laApprover, person.id, { partyA: { kind: 'local-authority', code: 'E09000099' }, partyB: { kind: 'icb', code: 'QZZ' }, subject: 'funding-split', interimFunderCode: 'E09000099', raisedOn: addDays(start, 70) });
      await inStepAfter('a dispute');
      await complaints.create(f.actors.laApprover, person.id, { against: 'both', route: 'formal', receivedOn: addDays(start, 45), awareOn: addDays(start, 40), subject: 'Late review' });
      await inStepAfter('a complaint');
      await keyworkers.allocate(f.actors.admin, person.id, { userId: f.actors.otherLaPractitioner.userId, jobTitle: 'Care co-ordinator', phone: '01632 960 001' });
      await inStepAfter('a keyworker from another council (sight of the person, not of their money)');
      await legalHistory.recordPlacement(f.actors.laPractitioner, person.id, { localAuthority: 'E09000098', kind: 'care-home', arrangedBy: 'E09000099', from: addDays(start, 100) });
      await inStepAfter('a placement');
      const proposal = await ending.propose(p, person.id, episodeId, {
        reasonCode: 'no-longer-needed', reasons: 'Reassessed with them and their sister: they manage well without support and no need arising from their mental disorder remains.',
        reassessedOn: addDays(start, 120), personInvolved: true, involved: ['Their sister'], continuingOutsideS117: 'Peer support group',
      });
      await ending.approve(f.actors.laApprover, person.id, episodeId, proposal.id, {});
      await ending.approve(f.actors.icbApprover, person.id, episodeId, proposal.id, {});
      await inStepAfter('an ending');
      const back = await ending.reinstate(p, person.id, episodeId, { reasons: 'Relapse: needs support again.' });
      await ending.approveReinstatement(f.actors.icbApprover, person.id, episodeId, back.id);
      await ending.approveReinstatement(f.actors.laApprover, person.id, episodeId, back.id);
      await inStepAfter('a reinstatement');
      // A merge: Southvale registers the same NHS number with a detention; Northbridge's lead merges the two.
      const nhsNumber = testNhsNumber(9001); // beyond the generator's first 150 and the import's 7001-7009
      const first = await people.create(f.actors.laPractitioner, { nhsNumber, givenName: 'Alex', familyName: 'Registered', dateOfBirth: '1975-02-03', residence: { localAuthority: 'E09000099', since: '2010-01-01' }, gp: { icb: 'QZZ', since: '2010-01-01' } });
      const second = await people.create(f.actors.otherLaPractitioner, { nhsNumber, givenName: 'Zed', familyName: 'Laterecord', dateOfBirth: '1975-02-03', residence: { localAuthority: 'E09000098', since: '2020-01-01' }, gp: { icb: 'QZY', since: '2020-01-01' } });
      assert.notEqual(first.id, second.id);
      const other = await legalHistory.addAdmission(f.actors.otherLaPractitioner, second.id, { hospital: 'Southvale Hospital', admittedOn: addDays(start, -30), dischargedOn: addDays(start, 15) });
      await legalHistory.addLegalStatus(f.actors.otherLaPractitioner, second.id, { section: '3', startDate: addDays(start, -30), endDate: addDays(start, 15), admissionId: other.id });
      await inStepAfter('a second registration of the same NHS number');
      const pair = await f.database.db.selectFrom('duplicate_registrations').select('id').where('person_id', '=', second.id).executeTakeFirstOrThrow();
      await duplicates.merge(f.actors.laApprover, pair.id, { reason: 'Same NHS number, name and date of birth confirmed with the GP' });
      await inStepAfter('a merge of duplicates');
      const imported = await imports.run(f.actors.laApprover, { kind: 'register', mode: 'commit', fileName: 'northbridge.xlsx', content: await northbridgeWorkbook() });
      assert.ok(imported.created > 0, 'the import made people');
      await inStepAfter('an import');
    });
    test('issue 14: the server summarises in small rounds, each its own transaction, until no mark is left or its share for the run is taken', async () => {
      await f.services.reports.refreshSummaries();
      for (let i = 0; i < 3; i++) await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: `Round${i}` });
      const marked = await marks();
      assert.ok(marked >= 3, `each registration marked its person (${marked})`);
      const facts = [];
      for (const [who, query] of readers) facts.push(await f.services.reports.registerFromFacts(f.actors[who], query));
      assert.deepEqual(await f.services.reports.summariseInRounds({ roundMarks: 1, marks: 2 }), { rounds: 2, marks: 2, people: 2 }, 'two rounds of one mark, then the run stops');
      assert.equal(await marks(), marked - 2);
      await assertInStep('part way through', facts);
      const rest = await f.services.reports.summariseInRounds({ roundMarks: 1 });
      assert.deepEqual({ rounds: rest.rounds, marks: rest.marks }, { rounds: marked - 2, marks: marked - 2 }, 'one round a mark until none is left');
      assert.equal(await marks(), 0);
      await assertInStep('after every round', facts);
      assert.deepEqual(await f.services.reports.summariseInRounds(), { rounds: 0, marks: 0, people: 0 }, 'nothing to do');
    });

    // PostgreSQL only: PGlite is one connection, so nothing runs during a refresh there.
    if (engine === 'postgres') {
      test('a mark written while a refresh runs survives it (PostgreSQL: two connections)', async () => {
        let during: string | undefined;
        await f.services.reports.refreshSummaries(async () => {
          // After the refresh's view began (its first page is read): a write that commits before the refresh does.
          if (during) return;
          during = (await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'During' })).id;
        });
        const left = await f.database.db.selectFrom('report_dirty_people').select('person_id').execute();
        assert.ok(left.some((m) => m.person_id === during), 'the mark the refresh did not read is still there');
        const facts = [];
        for (const [who, query] of readers) facts.push(await f.services.reports.registerFromFacts(f.actors[who], query));
        await assertInStep('a person registered during the refresh, before the summariser', facts);
        await f.services.reports.summarise();
        await assertInStep('a person registered during the refresh, after the summariser', facts);
      });

      test('concurrent writers, summarisers and a refresh lose nothing (PostgreSQL)', async () => {
        await f.services.reports.refreshSummaries();
        const p = f.actors.practitioner;
        const ids = [];
        for (let i = 0; i < 4; i++) ids.push((await f.services.people.create(p, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: `Busy${i}` })).id);
        let writing = true;
        const writer = async (id: string, i: number) => {
          const stay = await f.services.legalHistory.addAdmission(p, id, { hospital: 'Northbridge Hospital', admittedOn: addDays(monthStart(addMonths(today, -6)), i), dischargedOn: addDays(monthStart(addMonths(today, -4)), i) });
          await f.services.legalHistory.addLegalStatus(p, id, { section: '3', startDate: stay.admittedOn, endDate: addDays(monthStart(addMonths(today, -4)), i), admissionId: stay.id });
          for (let k = 0; k < 3; k++) await f.services.complaints.create(f.actors.laApprover, id, { against: 'both', route: 'formal', receivedOn: addDays(monthStart(addMonths(today, -3)), k + i), awareOn: addDays(monthStart(addMonths(today, -3)), k), subject: 'Late review' });
          await f.services.reviews.record(p, id, { heldOn: addDays(monthStart(addMonths(today, -2)), i), attendees: ['the person'], outcome: 'continue', notes: '' });
        };
        const summariser = async () => {
          while (writing) {
            await f.services.reports.summarise({ limit: 3 });
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        };
        const loops = [summariser(), summariser()];
        await Promise.all([...ids.map(writer), f.services.reports.refreshSummaries()]);
        writing = false;
        await Promise.all(loops);
        const facts = [];
        for (const [who, query] of readers) facts.push(await f.services.reports.registerFromFacts(f.actors[who], query));
        await assertInStep('after concurrent writes, before the last summariser', facts);
        while ((await f.services.reports.summarise()).marks > 0);
        assert.equal(await marks(), 0);
        await assertInStep('after concurrent writes and every mark summarised', facts);
      });
    }
  });
}
