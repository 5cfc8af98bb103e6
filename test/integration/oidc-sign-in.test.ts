// Issue 11: sign-in with OpenID Connect against a real OpenID provider (oidc-provider, started in
// this process on 127.0.0.1), on PGlite and PostgreSQL: the person through NHS login (P9, NHS number
// and date of birth) and staff through their organisation's provider. Success, wrong audience, bad
// state, replayed code, no NHS number claim, no matching person, staff with no account.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ORGS, USERS, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { appWithProvider, callBack, identityFor, NHS_CLIENT, PERSON, signInAsPerson, throughProvider } from '../support/your-aftercare.ts';
import { clientKeyPair } from '../../src/cli/identity-provider.ts';
import type { RunningIdentityProvider } from '../../src/cli/identity-provider.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`sign-in with OpenID Connect on ${engine}`, { skip }, () => {
    let t: TestApp;
    let idp: RunningIdentityProvider;
    let personId: string;
    const auditOf = (action: string) => t.database.db.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('seq').execute();

    before(async () => {
      ({ t, idp, personId } = await appWithProvider(engine));
    });
    after(async () => {
      await t?.close();
      await idp?.close();
    });

    test('the person signs in with NHS login at P9 and sees their own aftercare; the sign-in is audited as the person', async () => {
      const jar = await signInAsPerson(t);
      assert.ok(jar.cookies.has('s117_person'));
      const page = await t.app.inject({ method: 'GET', url: '/your-aftercare', headers: { cookie: jar.header() } });
      assert.equal(page.statusCode, 200, page.body);
      assert.match(page.body, /Hello Sam/);
      assert.match(page.body, new RegExp(ORGS.la.name));
      const events = await auditOf('your-aftercare.sign-in');
      assert.equal(events.at(-1)?.person_id, personId);
      assert.equal(events.at(-1)?.user_id, null);
      assert.equal((events.at(-1)?.details as { by: string }).by, 'person');
      // The identity is linked to the person: signing in again finds the same record.
      const again = await signInAsPerson(t);
      assert.ok(again.cookies.has('s117_person'));
    });

    test('bad state: a changed state, or no transaction cookie, is refused and opens no session', async () => {
      const journey = await throughProvider(t, '/your-aftercare/sign-in/start', 'person-p9');
      const tampered = { ...journey, callback: journey.callback.replace(/state=[^&]+/, 'state=forged') };
      const res = await callBack(t, tampered);
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Sign in did not work/);
      assert.ok(!journey.register.cookies.has('s117_person'));
      const noCookie = await throughProvider(t, '/your-aftercare/sign-in/start', 'person-p9');
      const bare = await callBack(t, noCookie, '');
      assert.equal(bare.statusCode, 400);
    });

    test('a replayed code is refused by the provider, so no second session opens', async () => {
      const journey = await throughProvider(t, '/your-aftercare/sign-in/start', 'person-p9');
      const transactionCookie = journey.register.header();
      const first = await callBack(t, journey, transactionCookie);
      assert.equal(first.statusCode, 302);
      const replay = await callBack(t, journey, transactionCookie);
      assert.equal(replay.statusCode, 400, replay.body);
      const refused = (await auditOf('your-aftercare.sign-in.refused')).at(-1)?.details as { reason: string; failure: string };
      assert.equal(refused.reason, 'failed');
      assert.match(refused.failure, /invalid_grant/, refused.failure);
    });

    test('wrong audience: an ID token the provider issued to another client is refused', async () => {
      // A real token for the staff client, captured in flight, then put in place of NHS login's.
      let stolen: string | null = null;
      let swap = false;
      t.services.signIn.configure(identityFor(idp.issuer), {
        fetch: async (url, options) => {
          const res = await fetch(url, options as RequestInit);
          if (!String(url).endsWith('/token')) return res;
          const body = (await res.json()) as { id_token?: string };
          if (!swap) stolen = body.id_token ?? null;
          else body.id_token = stolen!;
          return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
        },
      });
      try {
        const staff = await throughProvider(t, `/sign-in/sso/${ORGS.la.code}`, 'staff-known');
        assert.equal((await callBack(t, staff)).statusCode, 302);
        assert.ok(stolen);
        swap = true;
        const journey = await throughProvider(t, '/your-aftercare/sign-in/start', 'person-p9');
        const res = await callBack(t, journey);
        assert.equal(res.statusCode, 400, res.body);
        assert.ok(!journey.register.cookies.has('s117_person'));
        const refused = (await auditOf('your-aftercare.sign-in.refused')).at(-1)?.details as { failure: string };
        assert.match(refused.failure, /claim aud/, refused.failure);
      } finally {
        t.services.signIn.configure(identityFor(idp.issuer));
      }
    });

    test('NHS login authenticates the register by its signed key (private_key_jwt): an assertion signed with another key is refused', async () => {
      const other = clientKeyPair();
      t.services.signIn.configure(identityFor(idp.issuer, { nhsLogin: { issuer: idp.issuer, ...NHS_CLIENT, privateKey: { pem: other.privateKeyPem, keyId: null } } }));
      try {
        const journey = await throughProvider(t, '/your-aftercare/sign-in/start', 'person-p9');
        const res = await callBack(t, journey);
        assert.equal(res.statusCode, 400, res.body);
        assert.match(res.body, /Sign in did not work/);
        assert.ok(!journey.register.cookies.has('s117_person'));
        const refused = (await auditOf('your-aftercare.sign-in.refused')).at(-1)?.details as { failure: string };
        assert.match(refused.failure, /invalid_client/, refused.failure);
      } finally {
        t.services.signIn.configure(identityFor(idp.issuer));
      }
    });

    test('no NHS number claim, identity proofing below P9, no matching person or a different date of birth: a kind page and no session', async () => {
      for (const [login, status, words] of [
        ['no-nhs-number', 403, /We need your NHS number/],
        ['person-p5', 403, /You need to prove who you are/],
        ['stranger', 403, /We could not find you/],
        ['person-wrong-birthdate', 403, /We could not find you/],
      ] as const) {
        const journey = await throughProvider(t, '/your-aftercare/sign-in/start', login);
        const res = await callBack(t, journey);
        assert.equal(res.statusCode, status, `${login}: ${res.body.slice(0, 200)}`);
        assert.match(res.body, words);
        assert.ok(!journey.register.cookies.has('s117_person'), login);
      }
      // The trail says why, never who: no NHS number in any refusal.
      for (const event of await auditOf('your-aftercare.sign-in.refused')) assert.doesNotMatch(JSON.stringify(event), new RegExp(PERSON.stranger));
    });

    test('staff sign in through their organisation’s provider, matched by verified email, then by subject', async () => {
      const journey = await throughProvider(t, `/sign-in/sso/${ORGS.la.code}`, 'staff-known');
      const res = await callBack(t, journey);
      assert.equal(res.statusCode, 302, res.body);
      assert.equal(res.headers.location, '/register');
      const register = await t.app.inject({ method: 'GET', url: '/register', headers: { cookie: journey.register.header() } });
      assert.equal(register.statusCode, 200);
      const links = await t.database.db.selectFrom('user_identities').selectAll().execute();
      assert.equal(links.length, 1);
    });

    test('staff with no account are refused and no user is created; a user of another organisation is refused', async () => {
      const before = (await t.database.db.selectFrom('users').select('id').execute()).length;
      const journey = await throughProvider(t, `/sign-in/sso/${ORGS.la.code}`, 'staff-unknown');
      const res = await callBack(t, journey);
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /do not have an account/);
      assert.ok(!journey.register.cookies.has('s117_session'));
      assert.equal((await t.database.db.selectFrom('users').select('id').execute()).length, before);
      const other = await callBack(t, await throughProvider(t, `/sign-in/sso/${ORGS.la.code}`, 'staff-other-org'));
      assert.equal(other.statusCode, 403);
      assert.match(other.body, /another organisation/);
    });

    test('a person’s session opens nothing else, and a staff session never opens /your-aftercare', async () => {
      const person = await signInAsPerson(t);
      const staffPage = await t.app.inject({ method: 'GET', url: '/register', headers: { cookie: person.header() } });
      assert.equal(staffPage.statusCode, 302);
      assert.match(String(staffPage.headers.location), /^\/sign-in/);
      const api = await t.app.inject({ method: 'GET', url: `/api/v1/people/${personId}`, headers: { cookie: person.header() } });
      assert.equal(api.statusCode, 401);
      const signIn = await t.app.inject({ method: 'POST', url: '/sign-in', payload: { email: USERS.laPractitioner.email, password: 'test-password-117' } });
      const staffCookie = [signIn.headers['set-cookie']].flat().find((c) => String(c).startsWith('s117_session='));
      const staffOnly = await t.app.inject({ method: 'GET', url: '/your-aftercare', headers: { cookie: String(staffCookie).split(';')[0] } });
      assert.equal(staffOnly.statusCode, 302);
      assert.equal(staffOnly.headers.location, '/your-aftercare/sign-in');
    });

    test('with local passwords switched off, the password form is gone and POST /sign-in is refused', async () => {
      t.services.signIn.configure(identityFor(idp.issuer, { localPasswords: false }));
      try {
        const page = await t.app.inject({ method: 'GET', url: '/sign-in' });
        assert.doesNotMatch(page.body, /name="password"/);
        assert.match(page.body, /\/sign-in\/sso\/E09000099/);
        const res = await t.app.inject({ method: 'POST', url: '/sign-in', payload: { email: USERS.laPractitioner.email, password: 'test-password-117' } });
        assert.equal(res.statusCode, 403);
      } finally {
        t.services.signIn.configure(identityFor(idp.issuer));
      }
    });
  });
}
