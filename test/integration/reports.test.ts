// Issue 13: the register report agrees with counting the same people one by one (each loaded as the
// person page loads them and derived by computeAftercare), and its batch reading of the facts is the
// same as the person page's, on PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AFTERCARE_STATUSES, computeAftercare } from '../../src/domain/aftercare.ts';
import { monthlyPeriods } from '../../src/domain/reports.ts';
import { findPerson, loadFacts, personIdsAfter } from '../../src/data/people-repository.ts';
import { loadReportFacts, visiblePeoplePage } from '../../src/data/reports-repository.ts';
import { todayInLondon } from '../../src/domain/dates.ts';
import { testEngines } from '../support/databases.ts';
import { completePlanInput } from '../support/plans.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

const SOUTHVALE = { residence: { localAuthority: 'E09000098', since: '2015-01-01' }, gp: { icb: 'QZY', since: '2015-01-01' } };

for (const { engine, skip } of await testEngines()) {
  describe(`reports agree with counting one by one on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    let southvaleId: string;
    before(async () => {
      f = await createServiceFixture(engine);
      const { people, legalHistory, reviews } = f.services;
      const p = f.actors.practitioner;
      const make = async (givenName: string, extra: Record<string, unknown> = {}) => (await people.create(p, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName, ...extra })).id;
      const detain = async (id: string, section: string, from: string, to: string | null, left: string | null) => {
        const stay = await legalHistory.addAdmission(p, id, { hospital: 'Northbridge Hospital', admittedOn: from, dischargedOn: left });
        await legalHistory.addLegalStatus(p, id, { section, startDate: from, endDate: to, admissionId: stay.id });
      };
      await make('Never-detained');
      const planning = await make('Planning');
      await detain(planning, '3', '2025-11-03', null, null);
      const active = await make('Active');
      await detain(active, '3', '2025-01-06', '2025-03-10', '2025-03-10');
      await reviews.record(p, active, { heldOn: '2025-04-15', attendees: ['the person'], outcome: 'continue', notes: '' });
      const moved = await make('Moved');
      await detain(moved, '37', '2025-02-03', '2025-06-16', '2025-06-16');
      await people.update(p, moved, null, { residence: { localAuthority: 'E09000098', since: '2025-09-15' } });
      const twice = await make('Twice');
      await detain(twice, '3', '2025-01-06', '2025-02-10', '2025-02-10');
      await detain(twice, '3', '2025-08-04', '2025-10-01', '2025-10-01');
      const died = await make('Died');
      await detain(died, '3', '2025-01-06', '2025-03-03', '2025-03-03');
      await people.update(p, died, null, { dateOfDeath: '2025-07-20' });
      const confirmed = await make('Confirmed');
      await detain(confirmed, '3', '2025-01-13', '2025-04-01', '2025-04-01');
      const episodeId = (await legalHistory.aftercare(p, confirmed)).episodes[0]!.id;
      const episodes = await legalHistory.confirmResponsibility(f.actors.laApprover, confirmed, episodeId, {
        localAuthority: { code: 'E09000099', basis: 'Ordinarily resident here' }, icb: { code: 'QZZ', basis: 'GP here' },
      });
      assert.equal(episodes.episodes[0]?.localAuthority.confirmed, true);
      const southvale = await make('Southvale', SOUTHVALE);
      southvaleId = southvale;
      await detain(southvale, '3', '2025-01-06', '2025-05-05', '2025-05-05');
    });
    after(async () => {
      await f?.close();
    });

    test('RPT-1, RPT-2, RPT-3: each month’s figures equal counting each person one by one as the person page derives them', async () => {
      const asOf = '2025-11-30';
      for (const [actor, filter] of [['admin', {}], ['laApprover', {}], ['admin', { localAuthority: 'E09000098' }], ['icbApprover', { icb: 'QZZ' }]] as const) {
        const report = await f.services.reports.register(f.actors[actor], { asOf, ...filter });
        const scope = actor === 'admin' ? null : f.actors[actor].organisationCode;
        const ids: string[] = [];
        for (let after: string | null = null; ;) {
          const page = await personIdsAfter(f.database.db, after, 100);
          if (page.length === 0) break;
          ids.push(...page);
          after = page.at(-1)!;
        }
        const loaded = [];
        for (const id of ids) {
          const person = (await findPerson(f.database.db, id))!;
          const sight = await f.database.db.selectFrom('person_organisations').select('organisation_code').where('person_id', '=', id).execute();
          if (scope === null || sight.some((s) => s.organisation_code === scope)) loaded.push(await loadFacts(f.database.db, person));
        }
        for (const [i, period] of monthlyPeriods(asOf, 12).entries()) {
          const byStatus = Object.fromEntries(AFTERCARE_STATUSES.map((s) => [s, 0]));
          let newEntitlements = 0;
          let endings = 0;
          for (const facts of loaded) {
            const aftercare = computeAftercare(facts, period.asOf);
            const matches = (la: string | null, icb: string | null) => (!('localAuthority' in filter) || la === filter.localAuthority) && (!('icb' in filter) || icb === filter.icb);
            const latest = aftercare.episodes.at(-1);
            // No episode: where they lived and their GP's ICB at the date.
            const lastBefore = <T extends { since: string }>(rows: T[]) => rows.filter((r) => r.since <= period.asOf).sort((a, b) => a.since.localeCompare(b.since)).at(-1);
            const where = latest ? [latest.localAuthority.code, latest.icb.code] : [lastBefore(facts.residences)?.localAuthority ?? null, lastBefore(facts.gpRegistrations)?.icb ?? null];
            if (matches(where[0]!, where[1]!)) byStatus[aftercare.status]!++;
            for (const e of aftercare.episodes.filter((x) => matches(x.localAuthority.code, x.icb.code))) {
              if (e.leftHospitalOn && e.leftHospitalOn >= period.from && e.leftHospitalOn <= period.asOf) newEntitlements++;
              if (e.endedOn && e.endReason !== 'new-qualifying-detention' && e.endedOn >= period.from && e.endedOn <= period.asOf) endings++;
            }
          }
          const month = report.months[i]!;
          assert.deepEqual(month.byStatus, byStatus, `${actor} ${JSON.stringify(filter)} ${period.asOf}`);
          assert.equal(month.newEntitlements, newEntitlements, `${actor} ${period.asOf} new`);
          assert.equal(month.endings, endings, `${actor} ${period.asOf} endings`);
        }
      }
    });

    test('RPT-1: the counts are what the facts say: superseded, deceased, moved out of area', async () => {
      const report = await f.services.reports.register(f.actors.admin, { asOf: '2025-11-30' });
      assert.equal(report.peopleRead, 8);
      assert.deepEqual(
        { notEntitled: report.byStatus['not-entitled'], planning: report.byStatus.planning, active: report.byStatus.active, deceased: report.byStatus.deceased },
        { notEntitled: 1, planning: 1, active: 5, deceased: 1 },
      );
      const august = report.months.find((m) => m.asOf === '2025-08-31')!;
      assert.equal(august.superseded, 1, 'Twice: the second detention superseded the first');
      assert.equal(report.months.find((m) => m.asOf === '2025-07-31')!.endingsByReason.death, 1);
      assert.equal(report.outOfArea, 1, 'Moved lives in Southvale, Northbridge stays responsible');
      assert.equal(report.months.find((m) => m.asOf === '2025-08-31')!.outOfArea, 0, 'before the move');
    });

    test('the batch read of the facts is the person page’s read (loadFacts), person by person', async () => {
      const rows = await visiblePeoplePage(f.database.db, null, null, 100);
      const loaded = await loadReportFacts(f.database.db, rows);
      for (const row of rows) {
        const one = await loadFacts(f.database.db, (await findPerson(f.database.db, row.id))!);
        assert.deepEqual(computeAftercare(loaded.facts.get(row.id)!, '2025-11-30'), computeAftercare(one, '2025-11-30'));
      }
      // Paging: the scope is applied in the query.
      const la = await visiblePeoplePage(f.database.db, 'E09000098', null, 100);
      assert.deepEqual(la.map((r) => r.id), [southvaleId], 'Southvale has sight of its own person only (Moved stays Northbridge’s, RESP-2)');
    });

    test('RPT-13, RPT-14: complaints, charges for s117 services and refunds are read from the records (who may see money: the unit tests)', async () => {
      const active = (await f.services.people.search(f.actors.admin, { q: 'Active' })).items[0]!.id;
      await f.services.complaints.create(f.actors.laApprover, active, { against: 'both', route: 'formal', receivedOn: '2025-05-02', awareOn: '2025-04-20', subject: 'Charged for care' });
      const service = await f.services.careServices.create(f.actors.laPractitioner, active, {
        description: 'Care home placement', category: 'accommodation', s117: true,
        scope: { arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true, rationale: 'Staff support prevents relapse' },
        provider: 'Northbridge Care Homes', weeklyCostPence: 70000, funding: { localAuthorityPercent: 50, icbPercent: 50 }, startDate: '2025-03-10',
        accommodation: { type: 'care-home', enhancedFeatures: ['24-hour-staff'] },
      });
      await f.services.money.recordCharge(f.actors.finance, active, { periodFrom: '2025-04-01', periodTo: '2025-04-30', amountPence: 31000, paidOn: '2025-05-05', description: 'Care home contribution', serviceId: service.id });
      const may = await f.services.reports.register(f.actors.finance, { asOf: '2025-05-31' });
      assert.deepEqual([may.complaintsReceived, may.complaintsOpen, may.complaintsOpenWithinOmbudsmanWindow], [1, 1, 1]);
      assert.deepEqual([may.s117ChargesPaid, may.s117ChargesPence], [1, 31000]);
      // RPT-15: May's cost of the placement, 31 days at £700 a week, half each, for Northbridge and its ICB.
      assert.deepEqual(may.spend.map((x) => [x.body, x.code, x.category, x.agreedPence, x.paidPence]), [['icb', 'QZZ', 'accommodation', 155000, 0], ['local-authority', 'E09000099', 'accommodation', 155000, 0]]);
      await f.services.money.calculateRefund(f.actors.finance, active, {});
      const now = await f.services.reports.register(f.actors.finance, {});
      assert.ok(now.refundsOwedPence >= 31000, 'the refund with interest');
      assert.equal(now.refundsOutstandingPence, now.refundsOwedPence);
      assert.equal(now.refundsPaidPence, 0);
      assert.equal((await f.services.reports.register(f.actors.admin, { asOf: '2025-05-31' })).s117ChargesPence, 31000);
    });

    test('RPT-11, RPT-12: a plan finalised before leaving hospital is read from the stored versions (PLAN-7)', async () => {
      const p = f.actors.practitioner;
      const today = todayInLondon();
      const before = await f.services.reports.register(f.actors.admin, {});
      const person = await f.services.people.create(p, { ...NORTHBRIDGE_PERSON, nhsNumber: null, givenName: 'Planned' });
      const stay = await f.services.legalHistory.addAdmission(p, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2026-01-05', dischargedOn: null });
      const section = await f.services.legalHistory.addLegalStatus(p, person.id, { section: '3', startDate: '2026-01-05', endDate: null, admissionId: stay.id });
      const draft = await f.services.plans.get(p, person.id);
      const saved = await f.services.plans.update(p, person.id, draft.version, completePlanInput({ signature: { signedOn: null, notSignedReason: 'Too unwell to sign today' }, copyGivenOn: null }));
      await f.services.plans.finalise(p, person.id, saved.version);
      await f.services.legalHistory.endLegalStatus(p, person.id, section.id, null, { endDate: today });
      await f.services.legalHistory.recordDischarge(p, person.id, stay.id, null, { dischargedOn: today });
      const legal = await f.services.legalHistory.aftercare(p, person.id);
      assert.equal(legal.status, 'active');
      const after = await f.services.reports.register(f.actors.admin, {});
      assert.equal(after.plansFinalBeforeLeaving - before.plansFinalBeforeLeaving, 1);
      assert.deepEqual([after.plansFinal, after.plansWithContingency, after.plansSignedOrReason].map((n, i) => n - [before.plansFinal, before.plansWithContingency, before.plansSignedOrReason][i]!), [1, 1, 1]);
    });
  });
}
