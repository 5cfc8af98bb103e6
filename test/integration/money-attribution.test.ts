// Issue 15, money 1: recharges and spend attributed to the bodies responsible on each day. A person
// who moved council and was detained again has two episodes; the days of a service before the second
// detention count for the first council, the days after for the second. The recharge statement, the
// spend report and the no-charge export split the service the same way and agree to the penny, on
// PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { daysBetween } from '../../src/domain/dates.ts';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { costForDays } from '../../src/domain/recharges.ts';
import { actorFromUser, type Actor } from '../../src/services/kernel/actor.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

const NORTHBRIDGE = 'E09000099';
const SOUTHVALE = 'E09000098';
const PERIOD = { from: '2024-07-01', to: '2024-12-31' };
/** The test's CSV has no quoted commas. */
const parseCsv = (csv: string) => csv.trimEnd().split('\r\n').map((line) => line.split(','));

for (const { engine, skip } of await testEngines()) {
  describe(`money attributed to the bodies responsible on each day on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    let personId: string;
    let serviceId: string;
    let southvaleFinance: Actor;
    before(async () => {
      f = await createServiceFixture(engine, { clock: () => new Date('2025-06-30T12:00:00Z') });
      await f.services.accounts.addUser({ email: 'southvale-finance@s117.test', name: 'Southvale Finance', role: 'finance', organisationCode: SOUTHVALE, password: 'a long and unusual test password 117' });
      southvaleFinance = actorFromUser((await findUserByEmail(f.database.db, 'southvale-finance@s117.test'))!, 'test-southvale-finance');
      const person = await f.services.people.create(f.actors.practitioner, { ...NORTHBRIDGE_PERSON, nhsNumber: testNhsNumber(7301) });
      personId = person.id;
      // Detained from Northbridge, left hospital on 1 March 2024.
      const first = await f.services.legalHistory.addAdmission(f.actors.practitioner, personId, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-03-01' });
      await f.services.legalHistory.addLegalStatus(f.actors.practitioner, personId, { section: '3', startDate: '2024-01-10', endDate: '2024-03-01', admissionId: first.id });
      serviceId = (
        await f.services.careServices.create(f.actors.laPractitioner, personId, {
          description: 'Supported living',
          category: 'accommodation',
          s117: true,
          scope: { arisesFromMentalDisorder: true, reducesRiskOfDeterioration: true, rationale: 'Staff support prevents relapse' },
          provider: 'Southvale Supported Living',
          weeklyCostPence: 70001,
          funding: { localAuthorityPercent: 50, icbPercent: 50 },
          startDate: '2024-03-01',
          accommodation: { type: 'supported-living', enhancedFeatures: ['on-site-support'] },
        })
      ).id;
      // Moved to Southvale of their own accord, then detained again there: Southvale is responsible
      // for the new episode (RESP-3); the first is superseded.
      await f.services.people.update(f.actors.laPractitioner, personId, null, { residence: { localAuthority: SOUTHVALE, since: '2024-06-01' } });
      const second = await f.services.legalHistory.addAdmission(f.actors.practitioner, personId, { hospital: 'Northbridge Hospital', admittedOn: '2024-09-01', dischargedOn: '2024-10-15' });
      await f.services.legalHistory.addLegalStatus(f.actors.practitioner, personId, { section: '3', startDate: '2024-09-01', endDate: '2024-10-15', admissionId: second.id });
      await f.services.money.recordPayment(f.actors.finance, personId, serviceId, { body: 'local-authority', periodFrom: '2024-03-01', periodTo: '2024-08-31', amountPence: 1_000_000, paidOn: '2024-09-05' });
      await f.services.money.recordPayment(southvaleFinance, personId, serviceId, { body: 'local-authority', periodFrom: '2024-09-01', periodTo: '2024-12-31', amountPence: 700_000, paidOn: '2025-01-05' });
    });
    after(async () => {
      await f?.close();
    });

    test('the recharge statement splits the service between the councils responsible on each day', async () => {
      const all = await f.services.money.recharges(f.actors.admin, PERIOD);
      const lines = all.lines.filter((l) => l.serviceId === serviceId);
      assert.deepEqual(
        lines.map((l) => [l.localAuthorityCode, l.icbCode, l.responsibleFrom, l.responsibleTo, l.days]),
        [
          [NORTHBRIDGE, 'QZZ', '2024-07-01', '2024-08-31', 62],
          [SOUTHVALE, 'QZZ', '2024-09-01', '2024-12-31', 122],
        ],
      );
      // Split to the penny: the parts add up to the whole period's cost, each share to its cost.
      assert.equal(lines[0]!.costPence + lines[1]!.costPence, costForDays(70001, 184));
      for (const l of lines) assert.equal(l.localAuthorityShare + l.icbShare, l.costPence);
      // What Northbridge paid for March to August counts in July and August only, for Northbridge.
      assert.equal(lines[0]!.localAuthorityPaid, Math.floor((1_000_000 * 62) / 184));
      assert.equal(lines[1]!.localAuthorityPaid, 700_000);

      const northbridge = await f.services.money.recharges(f.actors.finance, PERIOD);
      const southvale = await f.services.money.recharges(southvaleFinance, PERIOD);
      assert.deepEqual(northbridge.lines.filter((l) => l.serviceId === serviceId).map((l) => l.localAuthorityCode), [NORTHBRIDGE]);
      assert.deepEqual(southvale.lines.filter((l) => l.serviceId === serviceId).map((l) => l.localAuthorityCode), [SOUTHVALE]);
      assert.equal(northbridge.totals.costPence + southvale.totals.costPence, all.totals.costPence);
    });

    test('the spend report and the statement agree to the penny for each body', async () => {
      for (const actor of [f.actors.finance, southvaleFinance, f.actors.admin]) {
        const statement = await f.services.money.recharges(actor, PERIOD);
        const spend = await f.services.money.spend(actor, PERIOD);
        const agreed = (body: string, code: string) => spend.items.filter((r) => r.body === body && r.organisationCode === code).reduce((n, r) => n + r.agreedPence, 0);
        const paid = (body: string, code: string) => spend.items.filter((r) => r.body === body && r.organisationCode === code).reduce((n, r) => n + r.paidPence, 0);
        for (const code of [NORTHBRIDGE, SOUTHVALE]) {
          const own = statement.lines.filter((l) => l.localAuthorityCode === code);
          assert.equal(agreed('local-authority', code), own.reduce((n, l) => n + l.localAuthorityShare, 0), `${actor.organisationCode} ${code}`);
          assert.equal(paid('local-authority', code), own.reduce((n, l) => n + l.localAuthorityPaid, 0));
        }
        assert.equal(spend.items.reduce((n, r) => n + r.agreedPence, 0), statement.totals.localAuthorityShare + statement.totals.icbShare);
        const csv = parseCsv(await f.services.money.spendCsv(actor, PERIOD));
        assert.deepEqual(csv[0]!.slice(-2), ['organisation_code', 'organisation_name']);
        // Issue 9 item 1: each body by name, its code beside.
        for (const row of csv.slice(1)) assert.ok(row.at(-1), `a name for ${row.at(-2)}`);
      }
      const spend = await f.services.money.spend(f.actors.finance, PERIOD);
      assert.ok(spend.items.every((r) => r.organisationCode === NORTHBRIDGE || r.organisationCode === 'QZZ'), 'Northbridge is not shown Southvale’s months');
    });

    test('the no-charge export splits the service the same way: its rows give the statement’s cost to the penny', async () => {
      const statement = await f.services.money.recharges(f.actors.admin, PERIOD);
      const lines = statement.lines.filter((l) => l.serviceId === serviceId);
      const { csv } = await f.services.careServices.noChargeCsv(f.actors.admin);
      const [header, ...rows] = parseCsv(csv);
      const col = (name: string) => header!.indexOf(name);
      const own = rows.filter((r) => r[col('service_id')] === serviceId);
      assert.deepEqual(
        own.map((r) => [r[col('service_start_date')], r[col('service_end_date')], r[col('entitlement_from')], r[col('entitlement_to')]]),
        [
          ['2024-03-01', '2024-08-31', '2024-03-01', '2024-09-01'],
          ['2024-09-01', '', '2024-10-15', ''],
        ],
      );
      // The export's rows, inside the period, give each line's days and cost.
      let cumulative = 0;
      own.forEach((r, i) => {
        const from = r[col('service_start_date')]! > PERIOD.from ? r[col('service_start_date')]! : PERIOD.from;
        const end = r[col('service_end_date')] || PERIOD.to;
        const to = end < PERIOD.to ? end : PERIOD.to;
        const days = daysBetween(from, to) + 1;
        assert.equal(days, lines[i]!.days);
        assert.equal(costForDays(70001, cumulative + days) - costForDays(70001, cumulative), lines[i]!.costPence);
        cumulative += days;
      });
    });
  });
}
