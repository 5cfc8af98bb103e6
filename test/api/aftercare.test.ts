// api-contract "Aftercare status and episodes": the status and episodes derived from the legal
// history (ELIG-1 to ELIG-9, END-5), and confirming the responsible bodies (RESP-2 to RESP-5).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, ORGS, USERS, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertInvalid, assertProblem, call, created, createPerson } from './helpers.ts';

interface Body { code: string | null; basis: string; confirmed: boolean; confirmedBy?: { name: string; organisation: string }; confirmedAt?: string }
interface Episode {
  id: string; status: string; qualifyingSection: string; qualifyingFrom: string; leftHospitalOn: string | null;
  endedOn: string | null; endReason: string | null; localAuthority: Body; icb: Body;
}
interface Aftercare { status: string; episodes: Episode[]; explanation: { rule: string; text: string }[] }

const EPISODE_FIELDS = ['id', 'status', 'qualifyingSection', 'qualifyingFrom', 'leftHospitalOn', 'endedOn', 'endReason', 'localAuthority', 'icb'];

const rulesOf = (a: { explanation: { rule: string }[] }) => a.explanation.map((e) => e.rule);

for (const { engine, skip } of await testEngines()) {
  describe(`aftercare API on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => {
      await t?.close();
    });

    const aftercareOf = async (personId: string, as: Parameters<typeof call>[4] = 'practitioner'): Promise<Aftercare> => {
      const res = await call(t, 'GET', `/api/v1/people/${personId}/aftercare`, undefined, as);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as Aftercare;
    };

    /** A person with a hospital stay and one legal status in it. */
    const detained = async (section: string, stay: { admittedOn: string; dischargedOn?: string }, status: { startDate: string; endDate?: string }) => {
      const person = await createPerson(t);
      const base = `/api/v1/people/${person.id}`;
      const admission = await created(t, `${base}/admissions`, { hospital: 'Northbridge Hospital', ...stay });
      const legal = await created(t, `${base}/legal-statuses`, { section, ...status, admissionId: admission.id });
      return { person, base, admission, legal };
    };

    describe('GET aftercare', () => {
      test('section 3, section ended, then left hospital: active, with the contract’s episode fields and ELIG explanations', async () => {
        const { person, base, admission, legal } = await detained('3', { admittedOn: '2024-01-01' }, { startDate: '2024-01-01' });
        assert.equal((await aftercareOf(person.id)).status, 'planning');
        assert.equal((await call(t, 'PATCH', `${base}/legal-statuses/${legal.id}`, { endDate: '2024-03-01' })).statusCode, 200);
        assert.equal((await aftercareOf(person.id)).status, 'entitled-pending-discharge');
        assert.equal((await call(t, 'PATCH', `${base}/admissions/${admission.id}`, { dischargedOn: '2024-03-10' })).statusCode, 200);

        const aftercare = await aftercareOf(person.id);
        assert.equal(aftercare.status, 'active');
        assert.equal(aftercare.episodes.length, 1);
        const episode = aftercare.episodes[0]!;
        for (const field of EPISODE_FIELDS) assert.ok(field in episode, `episode has ${field}`);
        assert.equal(episode.id, legal.id);
        assert.equal(episode.status, 'active');
        assert.equal(episode.qualifyingSection, '3');
        assert.equal(episode.qualifyingFrom, '2024-01-01');
        assert.equal(episode.leftHospitalOn, '2024-03-10');
        assert.equal(episode.endedOn, null);
        assert.equal(episode.endReason, null);
        assert.deepEqual(Object.keys(episode.localAuthority).sort(), ['basis', 'code', 'confirmed']);
        assert.deepEqual(Object.keys(episode.icb).sort(), ['basis', 'code', 'confirmed']);
        assert.deepEqual({ code: episode.localAuthority.code, confirmed: episode.localAuthority.confirmed }, { code: ORGS.la.code, confirmed: false });
        assert.deepEqual({ code: episode.icb.code, confirmed: episode.icb.confirmed }, { code: ORGS.icb.code, confirmed: false });
        assert.ok(aftercare.explanation.length > 0);
        for (const line of aftercare.explanation) {
          assert.equal(typeof line.rule, 'string');
          assert.ok(line.text.length > 0);
        }
        const rules = rulesOf(aftercare);
        assert.ok(rules.includes('ELIG-1'), rules.join());
        assert.ok(rules.includes('ELIG-3'), rules.join());
        assert.ok(rules.includes('ELIG-7'), 'they stayed on after the section ended');
        // The register and the person record show the same status.
        assert.equal((await call(t, 'GET', base)).json().status, 'active');
      });

      test('a person with no legal history, or section 2 only, is not-entitled (ELIG-2)', async () => {
        const nobody = await createPerson(t);
        const none = await aftercareOf(nobody.id);
        assert.deepEqual({ status: none.status, episodes: none.episodes }, { status: 'not-entitled', episodes: [] });
        assert.ok(rulesOf(none).includes('ELIG-1'));

        const { person } = await detained('2', { admittedOn: '2024-01-01', dischargedOn: '2024-01-25' }, { startDate: '2024-01-01', endDate: '2024-01-25' });
        const aftercare = await aftercareOf(person.id);
        assert.equal(aftercare.status, 'not-entitled');
        assert.deepEqual(aftercare.episodes, []);
        assert.ok(rulesOf(aftercare).includes('ELIG-2'), rulesOf(aftercare).join());
      });

      test('a section 3 still in force is planning', async () => {
        const { person } = await detained('3', { admittedOn: '2024-06-01' }, { startDate: '2024-06-01' });
        const aftercare = await aftercareOf(person.id);
        assert.equal(aftercare.status, 'planning');
        assert.equal(aftercare.episodes[0]?.status, 'planning');
        assert.equal(aftercare.episodes[0]?.leftHospitalOn, null);
      });

      test('a section that ended while they are still in hospital is entitled-pending-discharge (ELIG-7)', async () => {
        const { person } = await detained('37', { admittedOn: '2024-01-01' }, { startDate: '2024-01-01', endDate: '2024-05-01' });
        const aftercare = await aftercareOf(person.id);
        assert.equal(aftercare.status, 'entitled-pending-discharge');
        assert.equal(aftercare.episodes[0]?.qualifyingSection, '37');
        assert.equal(aftercare.episodes[0]?.leftHospitalOn, null);
        assert.ok(rulesOf(aftercare).includes('ELIG-7'), rulesOf(aftercare).join());
      });

      test('discharge onto a community treatment order is active (ELIG-5)', async () => {
        const { person, base } = await detained('3', { admittedOn: '2024-01-01', dischargedOn: '2024-02-01' }, { startDate: '2024-01-01', endDate: '2024-02-01' });
        await created(t, `${base}/legal-statuses`, { section: '17A', startDate: '2024-02-01' });
        const aftercare = await aftercareOf(person.id);
        assert.equal(aftercare.status, 'active');
        assert.equal(aftercare.episodes[0]?.leftHospitalOn, '2024-02-01');
        assert.ok(rulesOf(aftercare).includes('ELIG-5'), rulesOf(aftercare).join());
      });

      test('a conditional discharge of a restricted patient is active (ELIG-6)', async () => {
        const { person, base } = await detained('37/41', { admittedOn: '2023-01-01', dischargedOn: '2024-02-01' }, { startDate: '2023-01-01', endDate: '2024-02-01' });
        await created(t, `${base}/legal-statuses`, { section: 'CD', startDate: '2024-02-01' });
        const aftercare = await aftercareOf(person.id);
        assert.equal(aftercare.status, 'active');
        assert.equal(aftercare.episodes[0]?.qualifyingSection, '37/41');
        assert.ok(rulesOf(aftercare).includes('ELIG-6'), rulesOf(aftercare).join());
      });

      test('a second section 3 supersedes the first episode (END-5)', async () => {
        const { person, base, legal } = await detained('3', { admittedOn: '2023-01-01', dischargedOn: '2023-03-01' }, { startDate: '2023-01-01', endDate: '2023-03-01' });
        const stay = await created(t, `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01' });
        const second = await created(t, `${base}/legal-statuses`, { section: '3', startDate: '2024-01-01', admissionId: stay.id });
        const aftercare = await aftercareOf(person.id);
        assert.equal(aftercare.episodes.length, 2);
        const [first, latest] = aftercare.episodes;
        assert.equal(first?.id, legal.id);
        assert.equal(first?.status, 'superseded');
        assert.equal(first?.endReason, 'new-qualifying-detention');
        assert.equal(first?.endedOn, '2024-01-01');
        assert.equal(latest?.id, second.id);
        assert.equal(latest?.status, 'planning');
        assert.equal(aftercare.status, 'planning', 'the person’s status is their latest episode’s');
        // RESP-5: the originating ICB stays responsible for the new episode.
        assert.equal(latest?.icb.code, ORGS.icb.code);
      });

      test('a readmission under section 2 does not end aftercare (ELIG-8a)', async () => {
        const { person, base } = await detained('3', { admittedOn: '2023-01-01', dischargedOn: '2023-03-01' }, { startDate: '2023-01-01', endDate: '2023-03-01' });
        const stay = await created(t, `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: '2024-01-20' });
        await created(t, `${base}/legal-statuses`, { section: '2', startDate: '2024-01-01', endDate: '2024-01-20', admissionId: stay.id });
        const aftercare = await aftercareOf(person.id);
        assert.equal(aftercare.status, 'active');
        assert.equal(aftercare.episodes.length, 1);
        assert.ok(rulesOf(aftercare).includes('ELIG-8a'), rulesOf(aftercare).join());
      });

      test('a date of death makes the episode deceased, ended by death', async () => {
        const { person, base } = await detained('3', { admittedOn: '2023-01-01', dischargedOn: '2023-03-01' }, { startDate: '2023-01-01', endDate: '2023-03-01' });
        assert.equal((await call(t, 'PATCH', base, { dateOfDeath: '2024-06-30' })).statusCode, 200);
        const aftercare = await aftercareOf(person.id);
        assert.equal(aftercare.status, 'deceased');
        assert.equal(aftercare.episodes[0]?.status, 'deceased');
        assert.equal(aftercare.episodes[0]?.endReason, 'death');
        assert.equal(aftercare.episodes[0]?.endedOn, '2024-06-30');
        assert.equal((await call(t, 'GET', `/api/v1/people?q=Testperson&status=deceased`)).json().items.some((i: { id: string }) => i.id === person.id), true);
      });

      test('a transferred prisoner returned to prison is in-custody (ELIG-9)', async () => {
        const { person, base } = await detained('47', { admittedOn: '2023-06-01', dischargedOn: '2024-03-01' }, { startDate: '2023-06-01', endDate: '2024-03-01' });
        await created(t, `${base}/legal-statuses`, { section: 'custody', startDate: '2024-03-01' });
        const aftercare = await aftercareOf(person.id);
        assert.equal(aftercare.status, 'in-custody');
        assert.equal(aftercare.episodes[0]?.status, 'in-custody');
        assert.equal(aftercare.episodes[0]?.endReason, null);
        assert.ok(rulesOf(aftercare).includes('ELIG-9'), rulesOf(aftercare).join());
      });

      test('an unknown person is 404', async () => {
        assertProblem(await call(t, 'GET', '/api/v1/people/00000000-0000-4000-8000-000000000000/aftercare'), 404);
      });
    });

    describe('PUT responsibility', () => {
      const body = {
        localAuthority: { code: ORGS.la.code, basis: 'Tenancy in Northbridge since 2010; agreed at the s117 panel' },
        icb: { code: ORGS.icb.code, basis: 'Registered with practice F84003 before detention' },
      };

      test('the proposal is unconfirmed until an approver confirms it with a basis', async () => {
        const { person, base, legal } = await detained('3', { admittedOn: '2024-01-01', dischargedOn: '2024-03-01' }, { startDate: '2024-01-01', endDate: '2024-03-01' });
        const before = (await aftercareOf(person.id)).episodes[0]!;
        assert.equal(before.localAuthority.confirmed, false);
        assert.equal(before.icb.confirmed, false);
        assert.equal(before.localAuthority.code, ORGS.la.code);
        assert.match(before.localAuthority.basis, /RESP-2/);
        assert.match(before.icb.basis, /RESP-5/);

        const res = await call(t, 'PUT', `${base}/episodes/${legal.id}/responsibility`, body, 'laApprover');
        assert.equal(res.statusCode, 200, res.body);
        const answered = res.json() as Aftercare;
        const confirmed = answered.episodes[0]!;
        // Each body confirms its own part (issue 9 item 2): the council's lead confirms the local
        // authority, recorded with who and when; the ICB's part stays proposed until the ICB confirms it.
        const { confirmedBy, confirmedAt, ...la } = confirmed.localAuthority;
        assert.deepEqual(la, { code: ORGS.la.code, basis: body.localAuthority.basis, confirmed: true });
        assert.deepEqual(confirmedBy, { name: USERS.laApprover.name, organisation: ORGS.la.name });
        assert.ok(confirmedAt && !Number.isNaN(Date.parse(confirmedAt)), 'when it was confirmed');
        assert.equal(confirmed.icb.confirmed, false, 'the council’s lead does not confirm the ICB');
        assert.match(confirmed.icb.basis, /RESP-5/);
        assert.deepEqual((await aftercareOf(person.id)).episodes[0], confirmed);

        // The ICB's lead confirms the ICB's part; the council's confirmation stays.
        const byIcb = await call(t, 'PUT', `${base}/episodes/${legal.id}/responsibility`, { ...body, icb: { code: ORGS.icb.code, basis: 'Confirmed by the ICB lead' } }, 'icbApprover');
        assert.equal(byIcb.statusCode, 200, byIcb.body);
        const both = (await aftercareOf(person.id)).episodes[0]!;
        assert.equal(both.icb.basis, 'Confirmed by the ICB lead');
        assert.equal(both.icb.confirmed, true);
        assert.equal(both.icb.confirmedBy?.organisation, ORGS.icb.name);
        assert.equal(both.localAuthority.basis, body.localAuthority.basis);
        assert.equal(both.localAuthority.confirmedBy?.name, USERS.laApprover.name);
      });

      test('an unknown episode is 404; a missing basis or code is 422', async () => {
        const { person, base, legal } = await detained('3', { admittedOn: '2024-01-01' }, { startDate: '2024-01-01' });
        assertProblem(await call(t, 'PUT', `${base}/episodes/00000000-0000-4000-8000-000000000000/responsibility`, body, 'laApprover'), 404);
        assertProblem(await call(t, 'PUT', `${base}/episodes/not-an-episode/responsibility`, body, 'laApprover'), 404);
        assertInvalid(await call(t, 'PUT', `${base}/episodes/${legal.id}/responsibility`, { ...body, localAuthority: { code: ORGS.la.code } }, 'laApprover'), 'localAuthority.basis');
        assertInvalid(await call(t, 'PUT', `${base}/episodes/${legal.id}/responsibility`, { ...body, icb: { code: ORGS.icb.code, basis: '  ' } }, 'laApprover'), 'icb.basis');
        assertInvalid(await call(t, 'PUT', `${base}/episodes/${legal.id}/responsibility`, { localAuthority: body.localAuthority }, 'laApprover'), 'icb');
        assertInvalid(await call(t, 'PUT', `${base}/episodes/${legal.id}/responsibility`, { ...body, localAuthority: { code: 'Northbridge', basis: 'x' } }, 'laApprover'), 'localAuthority.code');
        assertProblem(await call(t, 'PUT', `${base}/episodes/${legal.id}/responsibility`, { ...body, localAuthority: 'E09000099' }, 'laApprover'), 400);
        const episode = (await aftercareOf(person.id)).episodes[0]!;
        assert.equal(episode.localAuthority.confirmed, false);
      });

      test('the id of a non-qualifying status is not an episode (404)', async () => {
        const { base, legal } = await detained('2', { admittedOn: '2024-01-01' }, { startDate: '2024-01-01' });
        assertProblem(await call(t, 'PUT', `${base}/episodes/${legal.id}/responsibility`, body, 'laApprover'), 404);
      });
    });

    test('the audit trail is whole after everything above', async () => {
      const result = await t.services.audit.verify();
      assert.equal(result.ok, true, result.problems.join('; '));
    });
  });
}
