// The person's own pages in tests: a real OpenID provider (oidc-provider, started in the test
// process on 127.0.0.1) standing in for NHS login and for staff identity providers, a person with
// running aftercare, a keyworker and a final plan, and the browser's part of the sign-in journey
// (following the provider's redirects and filling in its login form).
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { clientKeyPair, startIdentityProvider, type RunningIdentityProvider } from '../../src/cli/identity-provider.ts';
import type { IdentitySettings } from '../../src/identity-config.ts';
import type { Engine } from '../../src/data/database.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { actorFromUser, type Actor } from '../../src/services/kernel/actor.ts';
import type { Services } from '../../src/services/index.ts';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { createTestApp, ORGS, USERS, type TestApp } from './app.ts';
import { completePlanInput } from './plans.ts';

export const PUBLIC_URL = 'http://localhost:3117';
/** NHS login's client signs its token requests with its own key (private_key_jwt, RS512), as the real NHS login requires. */
export const NHS_CLIENT = { clientId: 'register-nhs-login' };
export const NHS_CLIENT_KEY = clientKeyPair();
export const STAFF_CLIENT = { clientId: 'register-staff', clientSecret: 'staff-secret-for-tests-only-000001' };

let seed = 7000;
export const freshNhsNumber = () => testNhsNumber(seed++);

export const PERSON = { nhsNumber: freshNhsNumber(), other: freshNhsNumber(), stranger: freshNhsNumber(), ended: freshNhsNumber(), inHospital: freshNhsNumber(), none: freshNhsNumber(), dateOfBirth: '1984-02-29' };

/** Logins typed at the provider's form, and the claims each gives. */
export const LOGINS: Record<string, Record<string, unknown>> = {
  'person-p9': { nhs_number: PERSON.nhsNumber, birthdate: PERSON.dateOfBirth, identity_proofing_level: 'P9', given_name: 'Sam', family_name: 'Own' },
  'other-p9': { nhs_number: PERSON.other, birthdate: PERSON.dateOfBirth, identity_proofing_level: 'P9' },
  'ended-p9': { nhs_number: PERSON.ended, birthdate: PERSON.dateOfBirth, identity_proofing_level: 'P9' },
  'in-hospital-p9': { nhs_number: PERSON.inHospital, birthdate: PERSON.dateOfBirth, identity_proofing_level: 'P9' },
  'none-p9': { nhs_number: PERSON.none, birthdate: PERSON.dateOfBirth, identity_proofing_level: 'P9' },
  'person-p5': { nhs_number: PERSON.nhsNumber, birthdate: PERSON.dateOfBirth, identity_proofing_level: 'P5' },
  'person-wrong-birthdate': { nhs_number: PERSON.nhsNumber, birthdate: '1984-03-01', identity_proofing_level: 'P9' },
  'no-nhs-number': { birthdate: PERSON.dateOfBirth, identity_proofing_level: 'P9' },
  stranger: { nhs_number: PERSON.stranger, birthdate: PERSON.dateOfBirth, identity_proofing_level: 'P9' },
  'staff-known': { email: USERS.laPractitioner.email, email_verified: true },
  'staff-other-org': { email: USERS.icbApprover.email, email_verified: true },
  'staff-unknown': { email: 'nobody@council.example', email_verified: true },
};

export async function startTestProvider(publicUrl = PUBLIC_URL): Promise<RunningIdentityProvider> {
  return startIdentityProvider({
    accounts: LOGINS,
    clients: [
      { ...NHS_CLIENT, publicKey: NHS_CLIENT_KEY.publicKey, redirectUris: [`${publicUrl}/your-aftercare/sign-in/callback`] },
      { ...STAFF_CLIENT, redirectUris: [`${publicUrl}/sign-in/sso/callback`] },
    ],
  });
}

export function identityFor(issuer: string, overrides: Partial<IdentitySettings> = {}): IdentitySettings {
  return {
    localPasswords: true,
    publicUrl: PUBLIC_URL,
    nhsLogin: { issuer, ...NHS_CLIENT, privateKey: { pem: NHS_CLIENT_KEY.privateKeyPem, keyId: null } },
    staff: [{ organisationCode: ORGS.la.code, kind: 'entra-id', issuer, ...STAFF_CLIENT }],
    allowHttpIssuers: true,
    ...overrides,
  };
}

export async function actorOf(t: TestApp, key: keyof typeof USERS): Promise<Actor> {
  return actorFromUser((await findUserByEmail(t.database.db, USERS[key].email))!);
}

/** A person registered with no qualifying detention (`detained`: detained under section 3 now, not yet discharged). */
export async function personWithout(services: Services, practitioner: Actor, options: { nhsNumber: string; detained: boolean }) {
  const person = await services.people.create(practitioner, {
    nhsNumber: options.nhsNumber, givenName: 'Kim', familyName: 'Own', dateOfBirth: PERSON.dateOfBirth,
    residence: { localAuthority: ORGS.la.code, since: '2015-01-01' }, gp: { icb: ORGS.icb.code, since: '2015-01-01' },
  });
  if (options.detained) {
    const admission = await services.legalHistory.addAdmission(practitioner, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2025-01-02', dischargedOn: null });
    await services.legalHistory.addLegalStatus(practitioner, person.id, { section: '3', startDate: '2025-01-02', endDate: null, admissionId: admission.id });
  }
  return person;
}

/** A person who left hospital after section 3, with a keyworker and a final plan (what the pages show). */
export async function personWithAftercare(services: Services, practitioner: Actor, keyworkerUserId: string, options: { nhsNumber: string; givenName?: string; subject?: string }) {
  const person = await services.people.create(practitioner, {
    nhsNumber: options.nhsNumber, givenName: options.givenName ?? 'Sam', familyName: 'Own', dateOfBirth: PERSON.dateOfBirth,
    residence: { localAuthority: ORGS.la.code, since: '2015-01-01' }, gp: { icb: ORGS.icb.code, since: '2015-01-01' },
  });
  const admission = await services.legalHistory.addAdmission(practitioner, person.id, { hospital: 'Northbridge Hospital', admittedOn: '2025-01-02', dischargedOn: '2025-03-01' });
  await services.legalHistory.addLegalStatus(practitioner, person.id, { section: '3', startDate: '2025-01-02', endDate: '2025-03-01', admissionId: admission.id });
  await services.keyworkers.allocate(practitioner, person.id, { userId: keyworkerUserId, jobTitle: 'Social worker', team: 'North team', phone: '0300 555 0123', email: null });
  await services.plans.update(practitioner, person.id, 1, completePlanInput(options.subject ? { needs: [{ ...completePlanInput().needs[0]!, description: options.subject }] } : {}));
  await services.plans.finalise(practitioner, person.id, 2);
  return person;
}

/** Cookies as a browser keeps them, by name (enough for one host). */
class Jar {
  readonly cookies = new Map<string, string>();
  take(setCookie: string | string[] | undefined | null) {
    for (const line of [setCookie ?? []].flat()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface Journey {
  /** The register's cookies (its sign-in transaction and, at the end, the session). */
  register: Jar;
  /** The callback address the provider sent the browser back to (path and query). */
  callback: string;
}

/**
 * The browser's part: start at the register (`startPath`), follow the provider's redirects, type
 * `login` at its form, and stop when it sends the browser back to the register. Returns the
 * callback without calling it, so a test can call it once, twice, or with other cookies.
 */
export async function throughProvider(t: TestApp, startPath: string, login: string, register = new Jar()): Promise<Journey> {
  const start = await t.app.inject({ method: 'GET', url: startPath, headers: { cookie: register.header() } });
  assert.equal(start.statusCode, 302, start.body);
  register.take(start.headers['set-cookie'] as string[] | string | undefined);
  const provider = new Jar();
  let location = String(start.headers.location);
  for (let hops = 0; hops < 10; hops++) {
    if (location.startsWith(PUBLIC_URL)) return { register, callback: location.slice(PUBLIC_URL.length) };
    const res = await fetch(location, { redirect: 'manual', headers: { cookie: provider.header() } });
    provider.take(res.headers.getSetCookie());
    if (res.status >= 300 && res.status < 400) {
      location = new URL(res.headers.get('location')!, location).href;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    assert.ok(action, `the provider's login form: ${res.status} ${html.slice(0, 300)}`);
    const posted = await fetch(new URL(action, location), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: provider.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ prompt: 'login', login, password: 'any' }),
    });
    provider.take(posted.headers.getSetCookie());
    assert.ok(posted.status >= 300 && posted.status < 400, `login posted: ${posted.status}`);
    location = new URL(posted.headers.get('location')!, location).href;
  }
  throw new Error('the provider never sent the browser back');
}

export async function callBack(t: TestApp, journey: Journey, cookie = journey.register.header()): Promise<LightMyRequestResponse> {
  const res = await t.app.inject({ method: 'GET', url: journey.callback, headers: { cookie } });
  journey.register.take(res.headers['set-cookie'] as string[] | string | undefined);
  return res;
}

/** Signs the person in through NHS login and returns the register's cookies (with the person's session). */
export async function signInAsPerson(t: TestApp, login = 'person-p9'): Promise<Jar> {
  const journey = await throughProvider(t, '/your-aftercare/sign-in/start', login);
  const res = await callBack(t, journey);
  assert.equal(res.statusCode, 302, res.body);
  assert.equal(res.headers.location, '/your-aftercare');
  return journey.register;
}

export type { Jar };

/** The CSRF token of a page's form (the CSRF cookie is kept in the jar). */
export async function formToken(t: TestApp, jar: Jar, path: string): Promise<string> {
  const page = await t.app.inject({ method: 'GET', url: path, headers: { cookie: jar.header() } });
  assert.equal(page.statusCode, 200, page.body);
  jar.take(page.headers['set-cookie'] as string[] | string | undefined);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  assert.ok(token, `a form on ${path}`);
  return token;
}

/** Posts a form from one of the person's pages as a browser would. */
export async function postForm(t: TestApp, jar: Jar, path: string, fields: Record<string, string>, options: { from?: string; csrf?: boolean } = {}) {
  const token = options.csrf === false ? '' : await formToken(t, jar, options.from ?? path);
  const res = await t.app.inject({
    method: 'POST', url: path,
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...fields, ...(token && { _csrf: token }) }).toString(),
  });
  jar.take(res.headers['set-cookie'] as string[] | string | undefined);
  return res;
}

/** Ends the person's aftercare by a joint decision (END-1 to END-4): proposed, approved by both leads. */
export async function endAftercare(t: TestApp, personId: string) {
  const practitioner = await actorOf(t, 'laPractitioner');
  // An episode's id is the id of the legal status that opened it.
  const episodeId = (await t.database.db.selectFrom('legal_statuses').select('id').where('person_id', '=', personId).executeTakeFirstOrThrow()).id;
  const proposal = await t.services.ending.propose(practitioner, personId, episodeId, {
    reasonCode: 'no-longer-needed', reasons: 'Reassessed with them: no need from their mental disorder remains.', reassessedOn: '2025-06-01', personInvolved: true, involved: ['Care co-ordinator'],
  });
  await t.services.ending.approve(await actorOf(t, 'laApprover'), personId, episodeId, proposal.id);
  await t.services.ending.approve(await actorOf(t, 'icbApprover'), personId, episodeId, proposal.id);
  return { episodeId, proposalId: proposal.id };
}

/**
 * A test app whose sign-in goes to a real local OpenID provider, with the person (`PERSON.nhsNumber`)
 * on running aftercare: what the sign-in and page tests start from. `close` stops both.
 */
export async function appWithProvider(engine: Engine): Promise<{ t: TestApp; idp: RunningIdentityProvider; personId: string; close(): Promise<void> }> {
  const t = await createTestApp(engine);
  const idp = await startTestProvider();
  t.services.signIn.configure(identityFor(idp.issuer));
  const practitioner = await actorOf(t, 'laPractitioner');
  const personId = (await personWithAftercare(t.services, practitioner, practitioner.userId, { nhsNumber: PERSON.nhsNumber })).id;
  return { t, idp, personId, close: async () => { await t.close(); await idp.close(); } };
}

/** CHG-2: a charge the person paid inside their entitlement, refunded with interest and approved. */
export async function approvedRefund(t: TestApp, personId: string) {
  const finance = await actorOf(t, 'finance');
  await t.services.money.recordCharge(finance, personId, { periodFrom: '2025-04-01', periodTo: '2025-04-30', amountPence: 31000, paidOn: '2025-05-01', description: 'Home care' });
  const refund = await t.services.money.calculateRefund(finance, personId, { calculatedOn: '2025-06-05' });
  return t.services.money.approveRefund(await actorOf(t, 'laApprover'), personId, refund.id, refund.version, {});
}
