// Issue 9 item 9: the lists of complaints (CMP-1) and of disputes (RESP-6) across people. Only for the
// roles the domain grants them (complaints:list, disputes:list), only people the organisation may see,
// filtered (status, person, dates), numbered pages, each person by name with the NHS number formatted
// and a link to their record, and each person shown audited as a read of their records.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatNhsNumber } from '../../src/domain/nhs-number.ts';
import { SESSION_COOKIE } from '../../src/http/auth/index.ts';
import { createTestApp, ORGS, PASSWORD, USERS, type TestApp, type UserKey } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { created, createPerson, nextNhsNumber, personBody } from './helpers.ts';

const complaint = (overrides: Record<string, unknown> = {}) => ({ against: 'both', route: 'formal', receivedOn: '2026-01-10', subject: 'Services late after discharge', ...overrides });

for (const { engine, skip } of await testEngines()) {
  describe(`complaints and disputes across people on ${engine}`, { skip }, () => {
    let t: TestApp;
    const sessions: Partial<Record<UserKey, string>> = {};
    let ours: { id: string; nhsNumber: string | null };
    let theirs: { id: string; nhsNumber: string | null };
    let openComplaint: { id: string };
    let ourDispute: { id: string };

    async function page(url: string, as: UserKey) {
      sessions[as] ??= (await t.services.accounts.signIn(USERS[as].email, PASSWORD, null)).sessionToken;
      return t.app.inject({ method: 'GET', url, cookies: { [SESSION_COOKIE]: sessions[as]! } });
    }

    before(async () => {
      t = await createTestApp(engine);
      ours = await createPerson(t, { givenName: 'Morwenna', familyName: 'Listedours', nhsNumber: nextNhsNumber() }, 'laPractitioner');
      theirs = await createPerson(t, personBody({ givenName: 'Peregrine', familyName: 'Listedtheirs', nhsNumber: nextNhsNumber(), residence: { localAuthority: ORGS.otherLa.code, since: '2010-01-01' }, gp: { icb: ORGS.otherIcb.code, since: '2010-01-01' } }), 'otherLaPractitioner');
      openComplaint = await created(t, `/api/v1/people/${ours.id}/complaints`, complaint(), 'laPractitioner');
      await created(t, `/api/v1/people/${ours.id}/complaints`, complaint({ receivedOn: '2025-06-01', subject: 'Asked to pay rent', outcome: 'Upheld; rent refunded', outcomeOn: '2025-08-01' }), 'laPractitioner');
      await created(t, `/api/v1/people/${theirs.id}/complaints`, complaint({ subject: 'Southvale complaint' }), 'otherLaPractitioner');
      ourDispute = await created(t, `/api/v1/people/${ours.id}/disputes`, { partyA: { kind: 'local-authority', code: ORGS.la.code }, partyB: { kind: 'icb', code: ORGS.icb.code }, subject: 'funding-split', interimFunderCode: ORGS.la.code, raisedOn: '2026-01-05' }, 'laApprover');
      await created(t, `/api/v1/people/${theirs.id}/disputes`, { partyA: { kind: 'local-authority', code: ORGS.otherLa.code }, partyB: { kind: 'icb', code: ORGS.otherIcb.code }, subject: 'funding-split', interimFunderCode: ORGS.otherLa.code, raisedOn: '2026-01-05', details: 'Southvale-only' }, 'otherLaApprover');
    });
    after(async () => t?.close());

    test('an s117 lead sees the complaints of the people their organisation may see: by name, NHS number formatted, linked to the person', async () => {
      const res = await page('/complaints', 'laApprover');
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.body, /Morwenna Listedours/);
      assert.ok(res.body.includes(formatNhsNumber(ours.nhsNumber!)), 'the NHS number as people read it');
      assert.ok(res.body.includes(`href="/people/${ours.id}/complaints#complaint-${openComplaint.id}"`));
      assert.match(res.body, /2 complaints/);
      assert.doesNotMatch(res.body, /Listedtheirs|Southvale complaint/);
      // The link lands on the complaint on the person's page.
      assert.ok((await page(`/people/${ours.id}/complaints`, 'laApprover')).body.includes(`id="complaint-${openComplaint.id}"`));
      const admin = await page('/complaints', 'admin');
      assert.match(admin.body, /Listedtheirs/, 'an admin sees everyone’s');
    });

    test('filters: status, person by name or NHS number, dates received; a bad date is a message', async () => {
      const open = await page('/complaints?status=open', 'laApprover');
      assert.match(open.body, /Services late after discharge/);
      assert.doesNotMatch(open.body, /Asked to pay rent/);
      const closed = await page('/complaints?status=closed', 'auditor');
      assert.match(closed.body, /Asked to pay rent/);
      assert.doesNotMatch(closed.body, /Services late after discharge/);
      const byName = await page('/complaints?person=peregrine', 'admin');
      assert.match(byName.body, /Listedtheirs/);
      assert.doesNotMatch(byName.body, /Listedours/);
      const byNumber = await page(`/complaints?person=${encodeURIComponent(formatNhsNumber(ours.nhsNumber!))}`, 'admin');
      assert.match(byNumber.body, /Listedours/);
      assert.doesNotMatch(byNumber.body, /Listedtheirs/);
      const since = await page('/complaints?from-day=1&from-month=1&from-year=2026', 'laApprover');
      assert.match(since.body, /Services late after discharge/);
      assert.doesNotMatch(since.body, /Asked to pay rent/);
      const none = await page('/complaints?person=Nobody-by-that-name', 'laApprover');
      assert.match(none.body, /No complaints match these filters/);
      const bad = await page('/complaints?to-day=31&to-month=2&to-year=2026', 'laApprover');
      assert.equal(bad.statusCode, 422);
      assert.match(bad.body, /The end date must be a real date/);
      const badStatus = await page('/complaints?status=lost', 'laApprover');
      assert.equal(badStatus.statusCode, 422);
    });

    test('numbered pages of 25, with the total', async () => {
      for (let i = 0; i < 24; i++) await created(t, `/api/v1/people/${ours.id}/complaints`, complaint({ receivedOn: '2024-03-01', subject: `Old complaint ${i}` }), 'laPractitioner');
      const first = await page('/complaints', 'laApprover');
      assert.match(first.body, /26 complaints<\/strong>: showing 1 to 25/);
      assert.match(first.body, /href="\/complaints\?page=2"/);
      const second = await page('/complaints?page=2', 'laApprover');
      assert.match(second.body, /showing 26 to 26/);
      assert.match(second.body, /aria-current="page"[^>]*>\s*2|>2<\/a>/);
      const filtered = await page('/complaints?from-day=1&from-month=1&from-year=2024', 'laApprover');
      assert.ok(filtered.body.includes('href="/complaints?from-day=1&amp;from-month=1&amp;from-year=2024&amp;page=2"'), 'the filters travel with the page links');
      const onePage = await page('/complaints?status=open', 'laApprover');
      assert.ok(!onePage.body.includes('page=2'), '25 open complaints fit on one page');
    });

    test('each person shown is audited as a read of their complaints; the search holds no name', async () => {
      await page('/complaints?person=Morwenna', 'auditor');
      const events = await t.database.db.selectFrom('audit_events').selectAll().where('action', 'in', ['complaint.list', 'complaints.search']).execute();
      const reads = events.filter((e) => e.action === 'complaint.list' && e.person_id === ours.id && (e.details as { list?: string }).list === 'across-people');
      assert.ok(reads.length >= 1, 'a read of the person’s complaints');
      assert.ok(reads.every((e) => e.record_type === 'complaint'));
      const auditor = await t.database.db.selectFrom('users').select('id').where('email', '=', USERS.auditor.email).executeTakeFirstOrThrow();
      assert.ok(reads.some((e) => e.user_id === auditor.id), 'the auditor’s list is recorded as the auditor’s read');
      assert.ok(!events.some((e) => e.person_id === theirs.id && e.user_id === auditor.id), 'no read is recorded of a person not shown');
      const searches = events.filter((e) => e.action === 'complaints.search');
      assert.ok(searches.length >= 1);
      assert.ok(searches.every((e) => !JSON.stringify(e.details).includes('Morwenna')), 'the name searched for is not in the audit trail');
    });

    test('the disputes list: parties that see the person, finance too; filtered; linked to the person’s disputes', async () => {
      for (const as of ['finance', 'laApprover', 'auditor', 'icbApprover'] as const) {
        const res = await page('/disputes', as);
        assert.equal(res.statusCode, 200, `${as}: ${res.body}`);
        assert.match(res.body, /Morwenna Listedours/, as);
        assert.doesNotMatch(res.body, /Listedtheirs|Southvale-only/, as);
      }
      const res = await page('/disputes', 'finance');
      assert.ok(res.body.includes(`href="/people/${ours.id}/money#dispute-${ourDispute.id}"`));
      assert.ok(res.body.includes(ORGS.icb.name), 'the bodies by name');
      assert.ok((await page(`/people/${ours.id}/money`, 'finance')).body.includes(`id="dispute-${ourDispute.id}"`));
      assert.match((await page('/disputes?status=resolved', 'finance')).body, /No disputes match these filters/);
      assert.match((await page('/disputes?status=open', 'finance')).body, /Listedours/);
      assert.match((await page('/disputes', 'admin')).body, /Listedtheirs/);
      assert.match((await page('/disputes', 'otherLaApprover')).body, /Listedtheirs/);
      const events = await t.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'dispute.list').where('person_id', '=', ours.id).execute();
      assert.ok(events.some((e) => (e.details as { list?: string }).list === 'across-people' && e.record_type === 'dispute'));
    });

    test('only the roles that deal with them are offered the lists, and others are refused', async () => {
      assert.equal((await page('/complaints', 'practitioner')).statusCode, 403);
      assert.equal((await page('/complaints', 'finance')).statusCode, 403);
      assert.equal((await page('/disputes', 'practitioner')).statusCode, 403);
      // The header and its "More" page together (issue 9 item 5: the less-used lists sit under More).
      const offered = async (as: Parameters<typeof page>[1]) => (await page('/register', as)).body + (await page('/more', as)).body;
      const practitioner = await offered('laPractitioner');
      assert.doesNotMatch(practitioner, /href="\/complaints"|href="\/disputes"/);
      const finance = await offered('finance');
      assert.match(finance, /href="\/disputes"/);
      assert.doesNotMatch(finance, /href="\/complaints"/);
      for (const as of ['auditor', 'laApprover', 'admin'] as const) {
        const body = await offered(as);
        assert.match(body, /href="\/complaints"/, as);
        assert.match(body, /href="\/disputes"/, as);
      }
    });
  });
}
