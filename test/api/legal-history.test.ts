// api-contract "People and legal history": hospital stays, legal statuses (every section code),
// section 17 leave, and the 422s for dates out of order, overlaps and dates in the future.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SECTION_CODES } from '../../src/domain/sections.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertInvalid, assertProblem, call, created, createPerson, tomorrow } from './helpers.ts';

/** Every section code the contract lists, in its order. */
const CONTRACT_SECTIONS = ['informal', '2', '3', '4', '5(2)', '5(4)', '35', '36', '37', '37/41', '38', '45A', '47', '47/49', '48', '48/49', '135', '136', '7', '17A', 'CD', 'custody'];

type History = {
  admissions: { id: string; version: number; hospital: string; admittedOn: string; dischargedOn: string | null }[];
  legalStatuses: { id: string; version: number; section: string; startDate: string; endDate: string | null; admissionId: string | null }[];
  leave: { id: string; from: string; to: string | null; kind: string; triggersAftercare: boolean; reason: string }[];
};

for (const { engine, skip } of await testEngines()) {
  describe(`legal history API on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => {
      await t?.close();
    });

    const historyOf = async (personId: string): Promise<History> => {
      const res = await call(t, 'GET', `/api/v1/people/${personId}/legal-history`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as History;
    };

    describe('hospital stays', () => {
      test('POST admissions is 201 with the stay; PATCH records leaving hospital', async () => {
        const person = await createPerson(t);
        const res = await call(t, 'POST', `/api/v1/people/${person.id}/admissions`, { hospital: '  Northbridge Hospital ', admittedOn: '2024-01-01' });
        assert.equal(res.statusCode, 201, res.body);
        const stay = res.json();
        assert.deepEqual({ ...stay, id: undefined }, { id: undefined, version: 1, hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: null, provider: null });

        const discharged = await call(t, 'PATCH', `/api/v1/people/${person.id}/admissions/${stay.id}`, { dischargedOn: '2024-02-15' });
        assert.equal(discharged.statusCode, 200, discharged.body);
        assert.equal(discharged.json().dischargedOn, '2024-02-15');
        assert.equal(discharged.json().version, 2);
        assert.deepEqual((await historyOf(person.id)).admissions.map((a) => a.dischargedOn), ['2024-02-15']);
      });

      test('PATCH admissions honours If-Match', async () => {
        const person = await createPerson(t);
        const stay = await created(t, `/api/v1/people/${person.id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01' });
        assert.equal((await call(t, 'PATCH', `/api/v1/people/${person.id}/admissions/${stay.id}`, { dischargedOn: '2024-02-01' }, 'practitioner', { 'if-match': '1' })).statusCode, 200);
        assertProblem(await call(t, 'PATCH', `/api/v1/people/${person.id}/admissions/${stay.id}`, { dischargedOn: '2024-03-01' }, 'practitioner', { 'if-match': '1' }), 409);
        assertProblem(await call(t, 'PATCH', `/api/v1/people/${person.id}/admissions/${stay.id}`, { dischargedOn: '2024-03-01' }, 'practitioner', { 'if-match': 'v1' }), 400);
        assert.equal((await historyOf(person.id)).admissions[0]?.dischargedOn, '2024-02-01');
      });

      test('a discharge before the admission, a date in the future, a missing hospital or overlapping stays are 422', async () => {
        const person = await createPerson(t);
        const base = `/api/v1/people/${person.id}`;
        assertInvalid(await call(t, 'POST', `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-03-01', dischargedOn: '2024-02-01' }), 'dischargedOn');
        assertInvalid(await call(t, 'POST', `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: tomorrow() }), 'admittedOn');
        assertInvalid(await call(t, 'POST', `${base}/admissions`, { hospital: '', admittedOn: '2024-01-01' }), 'hospital');
        assertInvalid(await call(t, 'POST', `${base}/admissions`, { admittedOn: '2024-01-01' }), 'hospital');
        assertInvalid(await call(t, 'POST', `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-13-01' }), 'admittedOn');
        assertProblem(await call(t, 'POST', `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: 20240101 }), 400);

        const stay = await created(t, `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: '2024-03-01' });
        assertProblem(await call(t, 'POST', `${base}/admissions`, { hospital: 'Southvale Hospital', admittedOn: '2024-02-01' }), 422);
        assertInvalid(await call(t, 'PATCH', `${base}/admissions/${stay.id}`, { dischargedOn: '2023-12-01' }), 'dischargedOn');
        assertInvalid(await call(t, 'PATCH', `${base}/admissions/${stay.id}`, { dischargedOn: tomorrow() }), 'dischargedOn');
        const history = await historyOf(person.id);
        assert.equal(history.admissions.length, 1);
        assert.equal(history.admissions[0]?.dischargedOn, '2024-03-01');
        assert.equal(history.admissions[0]?.version, 1);
      });
    });

    describe('legal statuses', () => {
      test('the contract’s section codes are exactly the ones the server knows', () => {
        assert.deepEqual([...SECTION_CODES], CONTRACT_SECTIONS);
      });

      test('every section code of the contract is accepted', async () => {
        const person = await createPerson(t, { familyName: 'Everysection' });
        // One period per code, a year apart, so that no two detentions overlap.
        for (const [i, section] of CONTRACT_SECTIONS.entries()) {
          const year = 2000 + i;
          const res = await call(t, 'POST', `/api/v1/people/${person.id}/legal-statuses`, { section, startDate: `${year}-01-01`, endDate: `${year}-02-01` });
          assert.equal(res.statusCode, 201, `section ${section}: ${res.body}`);
          const status = res.json();
          assert.equal(status.section, section);
          assert.equal(status.startDate, `${year}-01-01`);
          assert.equal(status.endDate, `${year}-02-01`);
          assert.equal(status.admissionId, null);
          assert.equal(status.version, 1);
        }
        const history = await historyOf(person.id);
        assert.deepEqual(history.legalStatuses.map((s) => s.section), CONTRACT_SECTIONS);
        assert.equal((await call(t, 'GET', `/api/v1/people/${person.id}/aftercare`)).statusCode, 200);
      });

      test('an unknown section code is 422 naming section', async () => {
        const person = await createPerson(t);
        for (const section of ['99', 'S3', '3 ', 'section 3', '', '17a']) {
          assertInvalid(await call(t, 'POST', `/api/v1/people/${person.id}/legal-statuses`, { section, startDate: '2024-01-01' }), 'section');
        }
        const missing = await call(t, 'POST', `/api/v1/people/${person.id}/legal-statuses`, { startDate: '2024-01-01' });
        assertInvalid(missing, 'section');
        assert.equal((await historyOf(person.id)).legalStatuses.length, 0);
      });

      test('an end before the start, a date in the future and overlapping detentions are 422', async () => {
        const person = await createPerson(t);
        const url = `/api/v1/people/${person.id}/legal-statuses`;
        assertInvalid(await call(t, 'POST', url, { section: '3', startDate: '2024-03-01', endDate: '2024-02-01' }), 'endDate');
        assertInvalid(await call(t, 'POST', url, { section: '3', startDate: tomorrow() }), 'startDate');
        assertInvalid(await call(t, 'POST', url, { section: '2', startDate: '2024-01-01', endDate: tomorrow() }), 'endDate');
        assertInvalid(await call(t, 'POST', url, { section: '3', startDate: '2024-02-30' }), 'startDate');

        await created(t, url, { section: '2', startDate: '2024-01-01' });
        // The section 2 has no end date, so a section 3 starting later overlaps it.
        assertInvalid(await call(t, 'POST', url, { section: '3', startDate: '2024-01-20' }), 'startDate');
        // A detention overlapping an earlier closed one.
        const other = await createPerson(t);
        const otherUrl = `/api/v1/people/${other.id}/legal-statuses`;
        await created(t, otherUrl, { section: '3', startDate: '2023-01-01', endDate: '2023-06-01' });
        assertProblem(await call(t, 'POST', otherUrl, { section: '37', startDate: '2022-12-01', endDate: '2023-02-01' }), 422);
        assertProblem(await call(t, 'POST', otherUrl, { section: 'custody', startDate: '2023-03-01' }), 422);
        // A changeover day is not an overlap (section 2 becoming section 3).
        await created(t, otherUrl, { section: '3', startDate: '2023-06-01' });
        // Community statuses may run alongside.
        assert.equal((await historyOf(person.id)).legalStatuses.length, 1);
        assert.equal((await historyOf(other.id)).legalStatuses.length, 2);
      });

      test('overlapping detentions sent at once: only one is stored', async () => {
        const person = await createPerson(t);
        const url = `/api/v1/people/${person.id}/legal-statuses`;
        const answers = await Promise.all(['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01'].map((startDate) => call(t, 'POST', url, { section: '37', startDate })));
        assert.deepEqual(answers.map((r) => r.statusCode).sort(), [201, 422, 422, 422]);
        assert.equal((await historyOf(person.id)).legalStatuses.length, 1);
      });

      test('a status in a stay must start within it and the stay must be this person’s', async () => {
        const person = await createPerson(t);
        const stay = await created(t, `/api/v1/people/${person.id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: '2024-03-01' });
        assertInvalid(await call(t, 'POST', `/api/v1/people/${person.id}/legal-statuses`, { section: '3', startDate: '2024-04-01', admissionId: stay.id }), 'startDate');
        assertInvalid(await call(t, 'POST', `/api/v1/people/${person.id}/legal-statuses`, { section: '3', startDate: '2024-01-01', admissionId: 'not-a-uuid' }), 'admissionId');
        assertInvalid(await call(t, 'POST', `/api/v1/people/${person.id}/legal-statuses`, { section: '3', startDate: '2024-01-01', admissionId: '00000000-0000-4000-8000-000000000000' }), 'admissionId');
        const ok = await created(t, `/api/v1/people/${person.id}/legal-statuses`, { section: '3', startDate: '2024-01-01', endDate: '2024-03-01', admissionId: stay.id });
        assert.equal(ok.admissionId, stay.id);
        // The stay cannot then be shortened to leave the status outside it.
        assertInvalid(await call(t, 'PATCH', `/api/v1/people/${person.id}/admissions/${stay.id}`, { dischargedOn: '2023-12-31' }), 'dischargedOn');
      });

      test('PATCH legal-statuses records the end; out of order, future and stale versions are refused', async () => {
        const person = await createPerson(t);
        const base = `/api/v1/people/${person.id}/legal-statuses`;
        const s3 = await created(t, base, { section: '3', startDate: '2024-01-01' });
        assertInvalid(await call(t, 'PATCH', `${base}/${s3.id}`, { endDate: '2023-12-31' }), 'endDate');
        assertInvalid(await call(t, 'PATCH', `${base}/${s3.id}`, { endDate: tomorrow() }), 'endDate');
        assertInvalid(await call(t, 'PATCH', `${base}/${s3.id}`, {}), 'endDate');
        const res = await call(t, 'PATCH', `${base}/${s3.id}`, { endDate: '2024-04-01' }, 'practitioner', { 'if-match': '1' });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().endDate, '2024-04-01');
        assert.equal(res.json().version, 2);
        assertProblem(await call(t, 'PATCH', `${base}/${s3.id}`, { endDate: '2024-05-01' }, 'practitioner', { 'if-match': '1' }), 409);
        assertProblem(await call(t, 'PATCH', `${base}/00000000-0000-4000-8000-000000000000`, { endDate: '2024-05-01' }), 404);
        assertProblem(await call(t, 'PATCH', `${base}/nonsense`, { endDate: '2024-05-01' }), 404);
        const history = await historyOf(person.id);
        assert.equal(history.legalStatuses[0]?.endDate, '2024-04-01');
        assert.equal(history.legalStatuses[0]?.version, 2);
      });
    });

    describe('another person’s records', () => {
      test('ids of another person’s stay or status are refused (not 500) and change nothing', async () => {
        const mine = await createPerson(t, { familyName: 'Owner' });
        const theirs = await createPerson(t, { familyName: 'Intruder' });
        const stay = await created(t, `/api/v1/people/${theirs.id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01' });
        const status = await created(t, `/api/v1/people/${theirs.id}/legal-statuses`, { section: '3', startDate: '2024-01-01', admissionId: stay.id });

        const asMine = `/api/v1/people/${mine.id}`;
        const answers = [
          await call(t, 'PATCH', `${asMine}/admissions/${stay.id}`, { dischargedOn: '2024-02-01' }),
          await call(t, 'PATCH', `${asMine}/legal-statuses/${status.id}`, { endDate: '2024-02-01' }),
          await call(t, 'POST', `${asMine}/legal-statuses`, { section: '3', startDate: '2024-01-01', admissionId: stay.id }),
          await call(t, 'PUT', `${asMine}/episodes/${status.id}/responsibility`, { localAuthority: { code: 'E09000099', basis: 'x' }, icb: { code: 'QZZ', basis: 'x' } }, 'laApprover'),
        ];
        for (const res of answers) {
          assert.ok([404, 422].includes(res.statusCode), `${res.statusCode} ${res.body}`);
          assertProblem(res, res.statusCode);
        }
        assert.equal(answers[0]?.statusCode, 404);
        assert.equal(answers[1]?.statusCode, 404);
        assert.equal(answers[3]?.statusCode, 404);
        const their = await historyOf(theirs.id);
        assert.equal(their.admissions[0]?.dischargedOn, null);
        assert.equal(their.admissions[0]?.version, 1);
        assert.equal(their.legalStatuses[0]?.endDate, null);
        assert.equal(their.legalStatuses[0]?.version, 1);
        const my = await historyOf(mine.id);
        assert.deepEqual(my, { admissions: [], legalStatuses: [], leave: [] });
      });
    });

    describe('section 17 leave', () => {
      test('leave that does and does not start aftercare is recorded with its reason (ELIG-4)', async () => {
        const person = await createPerson(t);
        const base = `/api/v1/people/${person.id}`;
        await created(t, `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01' });
        await created(t, `${base}/legal-statuses`, { section: '3', startDate: '2024-01-01' });

        const escorted = await created(t, `${base}/leave`, { from: '2024-02-01', to: '2024-02-01', kind: 'escorted', triggersAftercare: false, reason: 'Escorted day trip under the ward’s control' });
        assert.deepEqual({ ...escorted, id: undefined }, { id: undefined, version: 1, from: '2024-02-01', to: '2024-02-01', kind: 'escorted', triggersAftercare: false, reason: 'Escorted day trip under the ward’s control' });
        assert.equal((await call(t, 'GET', `${base}/aftercare`)).json().status, 'planning');

        const trial = await created(t, `${base}/leave`, { from: '2024-03-01', kind: 'trial-placement', triggersAftercare: true, reason: 'Living in a care home on trial leave (Watson)' });
        assert.equal(trial.triggersAftercare, true);
        assert.equal(trial.to, null);
        const aftercare = (await call(t, 'GET', `${base}/aftercare`)).json();
        assert.equal(aftercare.status, 'active');
        assert.equal(aftercare.episodes[0].leftHospitalOn, '2024-03-01');
        assert.ok(aftercare.explanation.some((e: { rule: string }) => e.rule === 'ELIG-4'));
        assert.equal((await historyOf(person.id)).leave.length, 2);
      });

      test('leave without a reason or decision, of an unknown kind, outside a detention or in the future is 422', async () => {
        const person = await createPerson(t);
        const base = `/api/v1/people/${person.id}`;
        const leave = (body: Record<string, unknown>) => call(t, 'POST', `${base}/leave`, { from: '2024-02-01', kind: 'unescorted', triggersAftercare: false, reason: 'Unescorted ground leave', ...body });
        // No detention yet.
        assertInvalid(await leave({}), 'from', 'ELIG-4');
        await created(t, `${base}/legal-statuses`, { section: '3', startDate: '2024-01-01', endDate: '2024-04-01' });
        assertInvalid(await leave({ reason: undefined }), 'reason');
        assertInvalid(await leave({ reason: '   ' }), 'reason');
        assertInvalid(await leave({ triggersAftercare: undefined }), 'triggersAftercare');
        assertProblem(await leave({ triggersAftercare: 'yes' }), 400);
        assertInvalid(await leave({ kind: 'overnight' }), 'kind');
        assertInvalid(await leave({ from: '2023-12-01' }), 'from', 'ELIG-4');
        assertInvalid(await leave({ to: '2024-05-01' }), 'to', 'ELIG-4');
        assertInvalid(await leave({ to: '2024-01-15' }), 'to');
        assertInvalid(await leave({ from: tomorrow() }), 'from');
        assert.equal((await historyOf(person.id)).leave.length, 0);
        await created(t, `${base}/leave`, { from: '2024-02-01', to: '2024-02-03', kind: 'unescorted', triggersAftercare: false, reason: 'Weekend at home' });
      });
    });
  });
}
