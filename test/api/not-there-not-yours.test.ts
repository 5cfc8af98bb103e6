// Issue 15, probe 9: whether someone is on the register is itself protected. Every path that looks a
// person up by an identifier answers the same for "not there" and "not yours".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, ORGS, type TestApp } from '../support/app.ts';
import { call, createPerson, nextNhsNumber, personBody } from './helpers.ts';

describe('not there and not yours answer the same', () => {
  let t: TestApp;
  let strangerNhs: string;
  before(async () => {
    t = await createTestApp('pglite');
    // Registered and living in another council's area, with another ICB's GP: the council's finance
    // officer may not see them.
    strangerNhs = (await createPerson(t, personBody({ nhsNumber: nextNhsNumber(), residence: { localAuthority: ORGS.otherLa.code, since: '2010-01-01' }, gp: { practiceCode: 'F84003', icb: ORGS.otherIcb.code, since: '2010-01-01' } }), 'admin')).nhsNumber!;
  });
  after(async () => t?.close());

  test('importing a charge for a registered stranger and for someone never registered gives the same refusal', async () => {
    const csv = (nhs: string) => `nhsNumber,periodFrom,periodTo,amountPence,paidOn,description\n${nhs},2024-01-01,2024-01-31,1000,2024-02-01,Care\n`;
    const answers = [];
    for (const nhs of [strangerNhs, nextNhsNumber()]) {
      const res = await call(t, 'POST', '/api/v1/finance/charges/import', { csv: csv(nhs) }, 'finance');
      answers.push({ status: res.statusCode, body: res.json() as unknown });
    }
    assert.equal(answers[0]!.status, 200);
    assert.deepEqual(answers[0], answers[1]);
  });

  test('registering a stranger’s NHS number answers as for a new person: 201, the record as typed, and nothing of the stranger', async () => {
    const shape = (body: Record<string, unknown>) => JSON.stringify(Object.keys(body).sort());
    const answers = [];
    for (const nhsNumber of [strangerNhs, nextNhsNumber()]) {
      const res = await call(t, 'POST', '/api/v1/people', personBody({ nhsNumber, givenName: 'Typed', familyName: 'Byhand' }), 'practitioner');
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json() as Record<string, unknown>;
      assert.equal(body.nhsNumber, nhsNumber);
      assert.equal(body.givenName, 'Typed');
      const read = await call(t, 'GET', `/api/v1/people/${body.id}`, undefined, 'practitioner');
      assert.equal(read.statusCode, 200);
      const found = (await call(t, 'GET', `/api/v1/people?q=${nhsNumber}`, undefined, 'practitioner')).json() as { items: { id: string }[] };
      answers.push({ shape: shape(body), read: shape(read.json()), status: body.status, found: found.items.map((x) => x.id === body.id) });
    }
    assert.deepEqual(answers[0], answers[1]);
    // A second registration by the same organisation, which now sees its record, is 409 as before.
    assert.equal((await call(t, 'POST', '/api/v1/people', personBody({ nhsNumber: strangerNhs }), 'practitioner')).statusCode, 409);
    // The register keeps one person per NHS number for everyone else: the admin's search by NHS number
    // shows both records (the later one for reconciliation) and the stranger's council still its own.
    const stranger = (await call(t, 'GET', `/api/v1/people?q=${strangerNhs}`, undefined, 'admin')).json() as { items: unknown[] };
    assert.equal(stranger.items.length, 2);
  });

  test('changing a record’s NHS number to a stranger’s answers as for a free number', async () => {
    const other = (await createPerson(t, personBody({ nhsNumber: nextNhsNumber(), residence: { localAuthority: ORGS.otherLa.code, since: '2010-01-01' }, gp: { practiceCode: 'F84003', icb: ORGS.otherIcb.code, since: '2010-01-01' } }), 'admin')).nhsNumber!;
    const mine = await createPerson(t, personBody({ nhsNumber: nextNhsNumber() }), 'practitioner');
    const res = await call(t, 'PATCH', `/api/v1/people/${mine.id}`, { nhsNumber: other }, 'practitioner');
    assert.equal(res.statusCode, 200, res.body);
    const free = await createPerson(t, personBody({ nhsNumber: nextNhsNumber() }), 'practitioner');
    assert.equal((await call(t, 'PATCH', `/api/v1/people/${free.id}`, { nhsNumber: nextNhsNumber() }, 'practitioner')).statusCode, 200);
  });

  test('importing a register row with a stranger’s NHS number reports the same as for someone new', async () => {
    const { findUserByEmail } = await import('../../src/data/accounts-repository.ts');
    const { actorFromUser } = await import('../../src/services/kernel/actor.ts');
    const lead = actorFromUser((await findUserByEmail(t.database.db, 'la-approver@s117.test'))!, 'test');
    const stranger = (await createPerson(t, personBody({ nhsNumber: nextNhsNumber(), residence: { localAuthority: ORGS.otherLa.code, since: '2010-01-01' }, gp: { practiceCode: 'F84003', icb: ORGS.otherIcb.code, since: '2010-01-01' } }), 'otherLaPractitioner')).nhsNumber!;
    const file = (nhs: string) => Buffer.from(`Client Name,DOB,NHS Number,Section,Admission date,Date discharged,Council,CCG,Entitled\r\n"Kilo, Kim",1 Mar 1980,${nhs},3,1 Jan 2024,1 Mar 2024,${ORGS.la.code},${ORGS.icb.code},yes\r\n`);
    const reports = [];
    for (const nhs of [stranger, nextNhsNumber()]) {
      const report = await t.services.imports.run(lead, { kind: 'register', mode: 'dry-run', fileName: 'register.csv', content: file(nhs) });
      reports.push({ created: report.created, updated: report.updated, skipped: report.skipped, findings: report.findings.map((x) => [x.row, x.column, x.problem]) });
    }
    assert.equal(reports[1]!.created, 1);
    assert.deepEqual(reports[0], reports[1]);
  });
});
