// Issue 9, item 9: each role sees what it can do. The audit trail on a page for auditors and admins
// (who read or changed whose record, filtered, downloadable, itself audited and scoped to the
// organisation), and no form offered to a role that could not submit it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SESSION_COOKIE } from '../../src/http/auth/index.ts';
import { actionLabel } from '../../src/http/web/audit.ts';
import { createTestApp, PASSWORD, USERS, type TestApp, type UserKey } from '../support/app.ts';
import { createPerson, nextNhsNumber } from './helpers.ts';

describe('the audit trail page and what each role is offered', () => {
  let t: TestApp;
  const sessions: Partial<Record<UserKey, string>> = {};
  let ours: { id: string; nhsNumber: string | null };

  async function page(url: string, as: UserKey) {
    sessions[as] ??= (await t.services.accounts.signIn(USERS[as].email, PASSWORD, null)).sessionToken;
    return t.app.inject({ method: 'GET', url, cookies: { [SESSION_COOKIE]: sessions[as]! } });
  }

  before(async () => {
    t = await createTestApp('pglite');
    ours = await createPerson(t, { familyName: 'Auditedours', nhsNumber: nextNhsNumber() }, 'laPractitioner');
    await createPerson(t, { familyName: 'Auditedtheirs', residence: { localAuthority: 'E09000098', since: '2010-01-01' }, gp: { icb: 'QZY', since: '2010-01-01' } }, 'otherLaPractitioner');
  });
  after(async () => { await t?.close(); });

  test('actions read as words', () => {
    assert.equal(actionLabel('plan.finalise'), 'Plan: finalise');
    assert.equal(actionLabel('register.search'), 'Register: search');
    assert.equal(actionLabel('person-page.view'), 'Person page: view');
  });

  test('an auditor sees the events of the people their organisation works with, not another council’s', async () => {
    const res = await page('/audit', 'auditor');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Auditedours/);
    assert.doesNotMatch(res.body, /Auditedtheirs/);
    assert.match(res.body, /Person: create/);
    const admin = await page('/audit', 'admin');
    assert.match(admin.body, /Auditedtheirs/, 'an admin sees everyone’s');
  });

  test('filters by NHS number, by staff email and by date; a bad date is a message, not an error', async () => {
    const byPerson = await page(`/audit?nhsNumber=${ours.nhsNumber}`, 'admin');
    assert.match(byPerson.body, /Auditedours/);
    assert.doesNotMatch(byPerson.body, /Auditedtheirs/);
    const byUser = await page(`/audit?email=${encodeURIComponent(USERS.otherLaPractitioner.email)}`, 'admin');
    assert.match(byUser.body, /Auditedtheirs/);
    assert.doesNotMatch(byUser.body, /Auditedours/);
    const future = await page('/audit?from-day=1&from-month=1&from-year=2999', 'admin');
    assert.match(future.body, /No events match these filters/);
    const bad = await page('/audit?from-day=31&from-month=2&from-year=2026', 'admin');
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /The start date must be a real date/);
  });

  test('the download holds the same events, and each look at the trail is itself recorded without the NHS number', async () => {
    const csv = await page(`/audit.csv?nhsNumber=${ours.nhsNumber}`, 'auditor');
    assert.equal(csv.statusCode, 200);
    assert.equal(csv.headers['cache-control'], 'no-store');
    assert.match(csv.body, /^Sequence,When \(UTC\),User/);
    assert.match(csv.body, /person\.create/);
    assert.doesNotMatch(csv.body, /Auditedtheirs/);
    const events = await t.database.db.selectFrom('audit_events').selectAll().where('action', 'in', ['audit.search', 'audit.export']).execute();
    assert.ok(events.some((e) => e.action === 'audit.export'));
    assert.ok(events.every((e) => !JSON.stringify(e.details).includes(ours.nhsNumber!)), 'no NHS number in the audit details');
  });

  test('a practitioner has no audit page; roles that cannot add people are not offered the form', async () => {
    assert.equal((await page('/audit', 'practitioner')).statusCode, 403);
    assert.doesNotMatch((await page('/register', 'practitioner')).body, /href="\/audit"/);
    assert.match((await page('/register', 'auditor')).body, /href="\/audit"/);
    for (const role of ['auditor', 'finance', 'laApprover'] as const) {
      const register = await page('/register', role);
      assert.doesNotMatch(register.body, /href="\/people\/new"/, `${role} is not offered "Add a person"`);
      assert.equal((await page('/people/new', role)).statusCode, 403, `${role} gets no form to fill in`);
    }
    assert.match((await page('/register', 'laPractitioner')).body, /href="\/people\/new"/);
  });
});
