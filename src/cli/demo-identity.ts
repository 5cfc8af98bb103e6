// The demonstration's own identity provider (npm start): NHS login and staff single sign-on can be
// tried on this machine without real identity services. It is clearly a DEMONSTRATION IDENTITY
// PROVIDER (anyone may type a demonstration login, with any password) and is never started in
// production. The demonstration person is one of the synthetic people with running aftercare and a
// final plan, looked up in the register when the server starts.
import { randomBytes } from 'node:crypto';
import { testNhsNumber } from '../domain/nhs-number.ts';
import type { IdentitySettings } from '../identity-config.ts';
import type { Services } from '../services/index.ts';
import { PERSON_CALLBACK_PATH, STAFF_CALLBACK_PATH } from '../services/sign-in/sign-in-service.ts';
import { clientKeyPair, startIdentityProvider, type RunningIdentityProvider } from './identity-provider.ts';

export interface DemoLogin { login: string; who: string }

export async function startDemoIdentityProvider(services: Services, options: { production: boolean; port: number; identity: IdentitySettings }): Promise<{ provider: RunningIdentityProvider; logins: DemoLogin[] }> {
  if (options.production) throw new Error('The demonstration identity provider is never started in production (NODE_ENV=production)');
  const admin = await services.accounts.actorForEmail('admin@demo.s117.test', null);
  if (!admin) throw new Error('The demonstration data is not loaded');
  const accounts: Record<string, Record<string, unknown>> = {};
  const logins: DemoLogin[] = [];
  const person = async (status: 'active' | 'ended', login: string, what: string) => {
    const { items } = await services.people.search(admin, { status, limit: 200 });
    for (const item of items) {
      if (!item.nhsNumber) continue;
      if (status === 'active' && (await services.plans.versions(admin, item.id)).items.length === 0) continue;
      accounts[login] = { nhs_number: item.nhsNumber, birthdate: item.dateOfBirth, identity_proofing_level: 'P9', given_name: item.givenName, family_name: item.familyName };
      logins.push({ login, who: `${item.givenName} ${item.familyName}, ${what} (NHS login, P9)` });
      return;
    }
  };
  await person('active', 'demo-person', 'who has aftercare and a care plan');
  await person('ended', 'demo-person-ended', 'whose aftercare has ended');
  accounts['demo-not-registered'] = { nhs_number: testNhsNumber(999_990), birthdate: '1990-01-01', identity_proofing_level: 'P9' };
  logins.push({ login: 'demo-not-registered', who: 'someone with no record on the register (NHS login, P9)' });
  for (const [email, who] of [['keyworker@demo.s117.test', 'staff: Northbridge Borough Council (as Microsoft Entra ID)'], ['icb-approver@demo.s117.test', 'staff: NHS Northbridge ICB (as NHS CIS2)']] as const) {
    accounts[email] = { email, email_verified: true };
    logins.push({ login: email, who });
  }
  // NHS login as the real one works: the register signs its token requests with its own key.
  const nhsKey = clientKeyPair();
  const nhs = { clientId: 'register-nhs-login' };
  const staff = { clientId: 'register-staff', clientSecret: randomBytes(24).toString('hex') };
  const publicUrl = options.identity.publicUrl;
  const provider = await startIdentityProvider({
    port: options.port,
    accounts,
    clients: [
      { ...nhs, publicKey: nhsKey.publicKey, redirectUris: [`${publicUrl}${PERSON_CALLBACK_PATH}`] },
      { ...staff, redirectUris: [`${publicUrl}${STAFF_CALLBACK_PATH}`] },
    ],
  });
  services.signIn.configure({
    ...options.identity,
    allowHttpIssuers: true,
    nhsLogin: { issuer: provider.issuer, ...nhs, privateKey: { pem: nhsKey.privateKeyPem, keyId: null } },
    staff: [
      { organisationCode: 'E09000099', kind: 'entra-id', issuer: provider.issuer, ...staff },
      { organisationCode: 'QZZ', kind: 'cis2', issuer: provider.issuer, ...staff },
    ],
  });
  return { provider, logins };
}
