// Issue 15, probe 4 (RESP-6): who may be named in a dispute, and who sees it. A party must be a body
// with a claim to responsibility for the person (a local authority or ICB of one of their episodes, or
// one they lived in or were registered with); a dispute is shown only to its parties that may see the
// person (and admins), so the disputes list and /finance never show a person an organisation gets 404 for.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, ORGS, PASSWORD, USERS, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertInvalid, call, created, createPerson, nextNhsNumber, personBody } from './helpers.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`disputes: parties and sight (RESP-6) on ${engine}`, { skip }, () => {
    let t: TestApp;
    let ownId: string;
    let strangerId: string;
    before(async () => {
      t = await createTestApp(engine);
      // Lives in the council's area now; lived in Southvale before.
      ownId = (await createPerson(t, { nhsNumber: nextNhsNumber() })).id;
      const res = await call(t, 'PATCH', `/api/v1/people/${ownId}`, { residence: { localAuthority: ORGS.otherLa.code, since: '2005-01-01' } }, 'laPractitioner');
      assert.equal(res.statusCode, 200, res.body);
      // Lives in Southvale with a Southvale GP, and lived in Northbridge long ago: Northbridge has a claim
      // to be named, but does not see this person.
      strangerId = (await createPerson(t, personBody({ nhsNumber: nextNhsNumber(), residence: { localAuthority: ORGS.otherLa.code, since: '2010-01-01' }, gp: { practiceCode: 'F84003', icb: ORGS.otherIcb.code, since: '2010-01-01' } }), 'otherLaPractitioner')).id;
      assert.equal((await call(t, 'PATCH', `/api/v1/people/${strangerId}`, { residence: { localAuthority: ORGS.la.code, since: '2001-01-01' } }, 'admin')).statusCode, 200);
    });
    after(async () => t?.close());

    const dispute = (partyB: { kind: string; code: string }) => ({ partyA: { kind: 'local-authority', code: ORGS.la.code }, partyB, subject: 'ordinary-residence', interimFunderCode: ORGS.la.code, raisedOn: '2024-01-10', details: 'Where did they live before?' });

    test('a body with no claim to responsibility cannot be named (422 RESP-6); one the person lived in can', async () => {
      const url = `/api/v1/people/${ownId}/disputes`;
      assertInvalid(await call(t, 'POST', url, dispute({ kind: 'local-authority', code: 'E09000042' }), 'laApprover'), 'partyB.code', 'RESP-6');
      assertInvalid(await call(t, 'POST', url, dispute({ kind: 'icb', code: ORGS.otherIcb.code }), 'laApprover'), 'partyB.code', 'RESP-6');
      assertInvalid(await call(t, 'POST', url, dispute({ kind: 'icb', code: ORGS.otherLa.code }), 'laApprover'), 'partyB.code', 'RESP-6');
      await created(t, url, dispute({ kind: 'local-authority', code: ORGS.otherLa.code }), 'laApprover');
      await created(t, url, { ...dispute({ kind: 'icb', code: ORGS.icb.code }), subject: 'funding-split' }, 'laApprover');
    });

    test('the disputes list and /finance show a dispute only to parties that may see the person', async () => {
      const d = await created(t, `/api/v1/people/${strangerId}/disputes`, { ...dispute({ kind: 'local-authority', code: ORGS.otherLa.code }), interimFunderCode: ORGS.otherLa.code, details: 'Secret-detail-about-stranger' }, 'admin');
      assert.equal((await call(t, 'GET', `/api/v1/people/${strangerId}`, undefined, 'finance')).statusCode, 404);
      const list = (await call(t, 'GET', '/api/v1/disputes', undefined, 'finance')).json() as { items: { id: string; personId: string }[] };
      assert.ok(list.items.length >= 1, 'the council’s own disputes are listed');
      assert.ok(!list.items.some((i) => i.id === d.id || i.personId === strangerId), 'a dispute about a person the council cannot see is not listed');
      const { sessionToken } = await t.services.accounts.signIn(USERS.finance.email, PASSWORD, null);
      const page = await t.app.inject({ method: 'GET', url: '/finance', cookies: { s117_session: sessionToken } });
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /Secret-detail-about-stranger/);
      assert.doesNotMatch(page.body, new RegExp(strangerId));
      // The Southvale council sees it: it is a party and sees the person.
      const theirs = (await call(t, 'GET', '/api/v1/disputes', undefined, 'otherLaApprover')).json() as { items: { id: string }[] };
      assert.ok(theirs.items.some((i) => i.id === d.id));
    });
  });
}
