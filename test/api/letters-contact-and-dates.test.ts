// Issue 9 items 1 and 10 on the demonstration data, on both engines: every kind of letter to the
// person names a contact with a telephone number and carries a reference (LTR-1, LTR-2), and names
// every organisation with its code beside (never a code alone); the next review date is one date
// (REV-1, nextReviewShown) on the person page, the reviews page, the plan page, the plan PDF and the
// API; an admin records an organisation's telephone on the Organisations page and letters give it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD, loadDemoData } from '../../src/cli/demo.ts';
import { addDays, formatDate, todayInLondon } from '../../src/domain/dates.ts';
import { buildApp } from '../../src/http/app.ts';
import { SESSION_COOKIE } from '../../src/http/auth/index.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/databases.ts';
import { pdfText } from '../support/pdf.ts';
import { codesWithoutNames, visibleText } from '../support/organisation-names.ts';

const UUID = '[0-9a-f-]{36}';
const DATE = '(\\d{1,2} [A-Z][a-z]+ \\d{4})';

/** Which kind of letter a URL gives. */
function kindOf(url: string): string {
  if (url.endsWith('/plan.pdf')) return 'plan';
  if (url.includes('/ending-proposals/')) return 'ending';
  if (url.includes('/refunds/')) return 'refund';
  if (url.includes('/invitations/')) return 'invitation';
  if (url.includes('/top-ups/')) return 'top-up';
  return 'outcome';
}

for (const { engine, skip } of await testEngines()) {
  describe(`letters name a contact and dates agree, on ${engine}`, { skip }, () => {
    let database: TestDatabase;
    let services: Services;
    let app: FastifyInstance;
    let admin: string;
    let practitioner: string;
    let token: string;
    let ids: string[];

    before(async () => {
      database = await createTestDatabase(engine);
      services = createServices(database.db);
      await loadDemoData(services, () => {});
      app = await buildApp({ services, sessionSecret: 'test-secret-that-is-long-enough-for-cookies', production: false, logLevel: 'silent', rateLimit: false });
      ({ sessionToken: admin } = await services.accounts.signIn('admin@demo.s117.test', DEMO_PASSWORD, null));
      ({ sessionToken: practitioner } = await services.accounts.signIn('practitioner@demo.s117.test', DEMO_PASSWORD, null));
      token = await services.accounts.createToken('admin@demo.s117.test');
      const register = await get('/register?limit=500');
      ids = [...new Set([...register.matchAll(new RegExp(`href="/people/(${UUID})"`, 'g'))].map((m) => m[1]!))];
      assert.ok(ids.length >= 10, 'the register lists the demonstration people');
      // The demonstration data has no review invitation: arrange one (REV-2) for a person whose aftercare runs.
      const active = /href="\/people\/([0-9a-f-]{36})"/.exec(await get('/register?status=active&limit=500'))![1]!;
      const invited = await app.inject({ method: 'POST', url: `/api/v1/people/${active}/reviews/invitations`, headers: { authorization: `Bearer ${token}` }, payload: { plannedOn: addDays(todayInLondon(), 14), place: 'Northbridge Community Centre', invited: ['You', 'Your keyworker'] } });
      assert.equal(invited.statusCode, 201, invited.body);
    });

    after(async () => {
      await app?.close();
      await database?.dispose();
    });

    async function get(url: string, session = admin): Promise<string> {
      const res = await app.inject({ method: 'GET', url, cookies: { [SESSION_COOKIE]: session } });
      assert.equal(res.statusCode, 200, `${url} answered ${res.statusCode}`);
      return res.body;
    }
    async function pdf(url: string): Promise<string> {
      const res = await app.inject({ method: 'GET', url, cookies: { [SESSION_COOKIE]: admin } });
      assert.equal(res.statusCode, 200, `${url} answered ${res.statusCode}`);
      assert.match(String(res.headers['content-type']), /^application\/pdf/);
      return pdfText(res.rawPayload);
    }

    /** Every letter the person's pages offer (standard print). */
    async function lettersOf(id: string): Promise<string[]> {
      const found = new Set<string>();
      for (const page of [`/people/${id}/plan`, `/people/${id}/reviews`, `/people/${id}/money`, `/people/${id}/ending`]) {
        const res = await app.inject({ method: 'GET', url: page, cookies: { [SESSION_COOKIE]: admin } });
        if (res.statusCode !== 200) continue;
        for (const m of res.body.matchAll(/href="([^"?]+(?:\/letter|\/letter\.pdf|\/plan\.pdf))"/g)) found.add(m[1]!);
        for (const m of res.body.matchAll(new RegExp(`href="(/people/${id}/money/top-ups/${UUID})"`, 'g'))) found.add(`${m[1]!}/agreement.pdf`);
      }
      return [...found];
    }

    test('LTR-1, LTR-2, issue 9 item 1: every kind of letter names a contact with a telephone, carries the reference, and names each organisation with its code', async () => {
      const kinds = new Map<string, number>();
      const problems: string[] = [];
      for (const id of ids) {
        for (const url of await lettersOf(id)) {
          const text = await pdf(url);
          const kind = kindOf(url);
          kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
          if (!/Who to contact about this letter/.test(text)) problems.push(`${url}: no contact`);
          if (!/Telephone: 01632 960 ?\d{3}/.test(text)) problems.push(`${url}: no telephone`);
          if (!/Our reference: S117-[0-9A-F]{8}\/[A-Z]+-\d+/.test(text)) problems.push(`${url}: no reference`);
          if (/Your aftercare team/.test(text)) problems.push(`${url}: signed by no one`);
          for (const p of codesWithoutNames(text.replace(/\s+/g, ' '), DEMO_ORGANISATIONS)) problems.push(`${url}: ${p}`);
        }
      }
      assert.deepEqual(problems, []);
      // The top-up agreement's contact and reference: test/unit/domain/letters.test.ts (the demonstration data has none).
      for (const kind of ['plan', 'ending', 'refund', 'invitation', 'outcome']) assert.ok(kinds.get(kind), `the demonstration data has a letter of kind ${kind} (found ${[...kinds.keys()].join(', ')})`);
    });

    test('LTR-1: the keyworker named on the letter is the one allocated on the keyworker page (PLAN-3)', async () => {
      let checked = 0;
      for (const id of ids) {
        const letters = (await lettersOf(id)).filter((u) => u.endsWith('/plan.pdf'));
        if (letters.length === 0) continue;
        const keyworkerPage = visibleText(await get(`/people/${id}/keyworker`));
        const text = await pdf(letters[0]!);
        const named = /Name: (.+)/.exec(text.slice(text.indexOf('Who to contact about this letter')))?.[1]?.trim();
        assert.ok(named, `${id}: the plan letter names someone`);
        if (named !== 'Section 117 aftercare team' && !/No keyworker/i.test(keyworkerPage)) {
          assert.ok(keyworkerPage.includes(named), `${id}: ${named} is the keyworker allocated`);
          checked++;
        }
      }
      assert.ok(checked > 0, 'some plan letter names an allocated keyworker');
    });

    test('REV-1, one date for one fact: the person page, the reviews page, the plan page, the plan PDF and the API give the same next review date', async () => {
      let compared = 0;
      for (const id of ids) {
        const person = visibleText(await get(`/people/${id}`));
        const onPerson = new RegExp(`Next review due ${DATE}`).exec(person)?.[1] ?? null;
        const reviews = visibleText(await get(`/people/${id}/reviews`));
        const onReviews = new RegExp(`Next review due by ${DATE}`).exec(reviews)?.[1] ?? null;
        const api = await app.inject({ method: 'GET', url: `/api/v1/people/${id}`, headers: { authorization: `Bearer ${token}` } });
        assert.equal(api.statusCode, 200);
        const apiDate = (api.json() as { nextReviewDue: string | null }).nextReviewDue;
        const apiReviews = (await app.inject({ method: 'GET', url: `/api/v1/people/${id}/reviews`, headers: { authorization: `Bearer ${token}` } })).json() as { nextDueOn: string | null };
        const plan = await app.inject({ method: 'GET', url: `/people/${id}/plan`, cookies: { [SESSION_COOKIE]: admin } });
        const onPlan = plan.statusCode === 200 ? (new RegExp(`Next review ${DATE}`).exec(visibleText(plan.body))?.[1] ?? null) : null;
        const apiPlan = await app.inject({ method: 'GET', url: `/api/v1/people/${id}/plan`, headers: { authorization: `Bearer ${token}` } });
        const expected = apiDate ? formatDate(apiDate) : null;
        assert.equal(onPerson, expected, `${id}: person page`);
        assert.equal(onReviews, expected, `${id}: reviews page`);
        assert.equal(apiReviews.nextDueOn, apiDate, `${id}: reviews API`);
        if (apiPlan.statusCode === 200) assert.equal((apiPlan.json() as { nextReviewOn: string | null }).nextReviewOn, apiDate, `${id}: plan API`);
        if (plan.statusCode === 200) assert.equal(onPlan, expected, `${id}: plan page`);
        if (plan.statusCode === 200 && plan.body.includes(`/people/${id}/plan.pdf`)) {
          const letter = await pdf(`/people/${id}/plan.pdf`);
          const onLetter = new RegExp(`reviewed with you by ${DATE}`).exec(letter.replace(/\s+/g, ' '))?.[1] ?? null;
          assert.equal(onLetter, expected, `${id}: plan PDF`);
        }
        if (expected) compared++;
      }
      assert.ok(compared >= 3, `people with a review date compared: ${compared}`);
    });

    test('LTR-1: an admin records an organisation’s telephone on the Organisations page, audited; letters give it; others may not; a bad number is refused', async () => {
      const list = visibleText(await get('/organisations'));
      assert.match(list, /Northbridge Borough Council E09000099/);
      assert.match(list, /01632 960001/);
      // A browser without JavaScript: the session and the CSRF cookie in a jar, the form's token posted.
      const jar = new Map<string, string>([[SESSION_COOKIE, admin]]);
      const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const keep = <R extends { cookies: { name: string; value: string }[] }>(res: R): R => {
        for (const c of res.cookies) if (c.value !== '') jar.set(c.name, c.value);
        return res;
      };
      const form = keep(await app.inject({ method: 'GET', url: '/organisations/E09000099/contact', headers: { cookie: cookie() } }));
      assert.equal(form.statusCode, 200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
      assert.ok(csrf, 'the form has a CSRF token');
      const post = (payload: Record<string, string>) => app.inject({ method: 'POST', url: '/organisations/E09000099/contact', headers: { cookie: cookie() }, payload: { _csrf: csrf!, ...payload } });
      assert.equal((await app.inject({ method: 'POST', url: '/organisations/E09000099/contact', headers: { cookie: cookie() }, payload: { telephone: '01632 960999' } })).statusCode, 403, 'no CSRF token, no change');
      const refused = await post({ telephone: 'call us', email: '' });
      assert.equal(refused.statusCode, 422);
      assert.match(visibleText(refused.body), /There is a problem.*Enter a telephone number, like 01632 960117/);
      assert.equal((await app.inject({ method: 'GET', url: '/organisations', cookies: { [SESSION_COOKIE]: practitioner } })).statusCode, 403);
      assert.equal((await app.inject({ method: 'GET', url: '/organisations/NOPE1/contact', headers: { cookie: cookie() } })).statusCode, 404);
      const saved = await post({ telephone: '01632 960555', email: 'team@council.example' });
      assert.equal(saved.statusCode, 303, saved.body);
      assert.equal(saved.headers.location, '/organisations');
      const events = await database.db.selectFrom('audit_events').select(['action', 'user_id']).where('action', '=', 'organisation.contact.update').execute();
      assert.equal(events.length, 1);
      assert.ok(events[0]!.user_id, 'the admin who changed it');
      assert.match(visibleText(await get('/organisations')), /01632 960555/);
      // Letters whose contact is the council itself (no keyworker: the admin sending it) give the new number.
      let council = 0;
      for (const id of ids) {
        for (const url of await lettersOf(id)) {
          const text = await pdf(url);
          const block = text.slice(text.indexOf('Who to contact about this letter'));
          if (!/^Name: (Alex Admin|Section 117 aftercare team)$/m.test(block) || !/Organisation: Northbridge Borough Council \(E09000099\)/.test(block)) continue;
          council++;
          assert.match(block, /Telephone: 01632 960555/, url);
          assert.doesNotMatch(block, /01632 960001/, url);
        }
      }
      assert.ok(council > 0, 'some letter names the council as its contact');
    });
  });
}
