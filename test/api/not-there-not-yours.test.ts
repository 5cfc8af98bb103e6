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
});
