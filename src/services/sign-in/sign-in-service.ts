// Sign-in with OpenID Connect (issue 11). Staff: their organisation's identity provider (Entra ID,
// CIS2), matched to an existing user by the identity's subject or, the first time, by a verified
// email; a user is never created here. The person: NHS login at identity proofing level P9, matched
// to the register's person by the verified NHS number and date of birth. Each success opens a
// session (staff and person sessions are separate tables); every outcome is audited without
// personal data (no NHS number, email or name in the trail).
import type { IdentitySettings, OidcClientSettings, StaffProviderKind, StaffProviderSettings } from '../../identity-config.ts';
import * as accounts from '../../data/accounts-repository.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as identities from '../../data/identities-repository.ts';
import { findPersonByNhsNumber } from '../../data/people-repository.ts';
import { isValidNhsNumber } from '../../domain/nhs-number.ts';
import { hashToken, newToken } from '../accounts/passwords.ts';
import { createOidcClient, OidcError, type OidcClient, type OidcClientOptions, type OidcTransaction } from './oidc.ts';

export { OidcError, type OidcTransaction };

export const PERSON_CALLBACK_PATH = '/your-aftercare/sign-in/callback';
export const STAFF_CALLBACK_PATH = '/sign-in/sso/callback';

/** Why a person's NHS login did not open their pages: each has its own kind page. */
export type PersonRefusal = 'not-p9' | 'no-nhs-number' | 'no-match' | 'failed';
/** Why a member of staff's single sign-on did not open a session. */
export type StaffRefusal = 'no-account' | 'wrong-organisation' | 'failed';

export class PersonSignInRefused extends Error {
  readonly reason: PersonRefusal;
  constructor(reason: PersonRefusal, detail: string = reason) {
    super(detail);
    this.reason = reason;
  }
}

export class StaffSignInRefused extends Error {
  readonly reason: StaffRefusal;
  constructor(reason: StaffRefusal, detail: string = reason) {
    super(detail);
    this.reason = reason;
  }
}

export interface SignInServiceOptions {
  clock: () => Date;
  sessionHours: number;
  identity?: IdentitySettings;
}

const NO_IDENTITY: IdentitySettings = { localPasswords: true, publicUrl: 'http://localhost:3117', nhsLogin: null, staff: [], allowHttpIssuers: false };

const PROVIDER_LABELS: Record<StaffProviderKind, string> = {
  'entra-id': 'Microsoft account (Entra ID)',
  cis2: 'NHS Care Identity Service 2 (smartcard or security key)',
  oidc: 'your organisation’s sign-in',
};

export function createSignInService(db: Db, { clock, sessionHours, identity }: SignInServiceOptions) {
  let settings = identity ?? NO_IDENTITY;
  let fetchForTests: OidcClientOptions['fetch'];
  const clients = new Map<string, OidcClient>();

  function clientFor(key: string, provider: OidcClientSettings | StaffProviderSettings, callbackPath: string, scope: string): OidcClient {
    let found = clients.get(key);
    if (!found) {
      found = createOidcClient(provider, { redirectUri: `${settings.publicUrl}${callbackPath}`, scope, allowHttp: settings.allowHttpIssuers, fetch: fetchForTests });
      clients.set(key, found);
    }
    return found;
  }

  const nhsLoginClient = () => {
    if (!settings.nhsLogin) throw new PersonSignInRefused('failed', 'NHS login is not set up here');
    return clientFor('nhs-login', settings.nhsLogin, PERSON_CALLBACK_PATH, 'openid profile nhs_number');
  };

  const staffProvider = (organisationCode: string): StaffProviderSettings => {
    const provider = settings.staff.find((p) => p.organisationCode === organisationCode.toUpperCase());
    if (!provider) throw new StaffSignInRefused('failed', 'No single sign-on is set up for that organisation');
    return provider;
  };

  const staffClient = (provider: StaffProviderSettings) => clientFor(`staff:${provider.organisationCode}`, provider, STAFF_CALLBACK_PATH, 'openid profile email');

  async function openPersonSession(trx: Db, personId: string, requestId: string | null, now: Date) {
    const sessionToken = newToken('psess');
    const expiresAt = new Date(now.getTime() + sessionHours * 3_600_000);
    await identities.deleteExpiredPersonSessions(trx, now);
    await identities.insertPersonSession(trx, { tokenHash: hashToken(sessionToken), personId, expiresAt });
    await appendAuditEvent(trx, { userId: null, organisationId: null, action: 'your-aftercare.sign-in', recordType: 'person', recordId: personId, personId, requestId, details: { by: 'person', method: 'nhs-login', proofing: 'P9' } }, now);
    return { sessionToken, expiresAt };
  }

  return {
    /**
     * Changes the identity providers: the demonstration's own provider once it is listening, and tests.
     * `fetch` (tests only) is how the clients reach the providers.
     */
    configure(next: IdentitySettings, options: { fetch?: OidcClientOptions['fetch'] } = {}) {
      settings = next;
      fetchForTests = options.fetch;
      clients.clear();
    },

    /** False when local passwords are switched off (S117_LOCAL_PASSWORDS=false). */
    localPasswordsAllowed: () => settings.localPasswords,
    /** The register's own address, where the identity providers send people back to. */
    publicUrl: () => settings.publicUrl,
    nhsLoginAvailable: () => settings.nhsLogin !== null,

    /** The single sign-on buttons of the staff sign-in page. */
    async staffProviders(): Promise<{ organisationCode: string; organisationName: string; label: string }[]> {
      const out = [];
      for (const p of settings.staff) {
        const org = await accounts.findOrganisationByCode(db, p.organisationCode);
        out.push({ organisationCode: p.organisationCode, organisationName: org?.name ?? p.organisationCode, label: PROVIDER_LABELS[p.kind] });
      }
      return out;
    },

    startPerson: () => nhsLoginClient().start({ vtr: '["P9.Cp.Cd","P9.Cp.Ck","P9.Cm"]' }),

    /** The person back from NHS login: a session for their own record, or the reason there is none. */
    async finishPerson(callbackUrl: URL, transaction: OidcTransaction, requestId: string | null) {
      const now = clock();
      // A protocol failure's detail is the library's code, message and the claim concerned: no personal data.
      const refuse = async (reason: PersonRefusal, detail: string = reason): Promise<never> => {
        await db.transaction().execute((trx) => appendAuditEvent(trx, { userId: null, organisationId: null, action: 'your-aftercare.sign-in.refused', requestId, details: { by: 'person', reason, ...(reason === 'failed' && { failure: detail }) } }, now));
        throw new PersonSignInRefused(reason, detail);
      };
      let identity;
      try {
        identity = await nhsLoginClient().finish(callbackUrl, transaction);
      } catch (error) {
        return refuse('failed', (error as Error).message);
      }
      const { claims } = identity;
      // NHS login: P9 is the high level of identity proofing (checked photo ID and face, or in person).
      const proofing = typeof claims.identity_proofing_level === 'string' ? claims.identity_proofing_level : typeof claims.vot === 'string' ? claims.vot.split('.')[0] : null;
      if (proofing !== 'P9') return refuse('not-p9');
      const nhsNumber = typeof claims.nhs_number === 'string' ? claims.nhs_number.replace(/\s/g, '') : '';
      if (!isValidNhsNumber(nhsNumber)) return refuse('no-nhs-number');
      const birthdate = typeof claims.birthdate === 'string' ? claims.birthdate : '';
      return db.transaction().execute(async (trx) => {
        const person = await findPersonByNhsNumber(trx, nhsNumber);
        const linked = await identities.findPersonIdForIdentity(trx, identity.issuer, identity.subject);
        // Both the NHS number and the date of birth must match, and an identity once linked stays with its person.
        if (!person || person.date_of_birth !== birthdate || (linked && linked !== person.id)) {
          await appendAuditEvent(trx, { userId: null, organisationId: null, action: 'your-aftercare.sign-in.refused', requestId, details: { by: 'person', reason: 'no-match' } }, now);
          return { refused: 'no-match' as const };
        }
        if (!linked) await identities.linkPersonIdentity(trx, { issuer: identity.issuer, subject: identity.subject, personId: person.id });
        return { refused: null, personId: person.id, ...(await openPersonSession(trx, person.id, requestId, now)) };
      }).then((result) => {
        if (result.refused) throw new PersonSignInRefused(result.refused);
        return { sessionToken: result.sessionToken, expiresAt: result.expiresAt, personId: result.personId };
      });
    },

    /** The person signed in by this session token, or null. */
    async personForSession(sessionToken: string) {
      return (await identities.findPersonBySessionHash(db, hashToken(sessionToken), clock())) ?? null;
    },

    async signOutPerson(sessionToken: string, personId: string | null, requestId: string | null): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await identities.deletePersonSession(trx, hashToken(sessionToken));
        if (personId) await appendAuditEvent(trx, { userId: null, organisationId: null, action: 'your-aftercare.sign-out', recordType: 'person', recordId: personId, personId, requestId, details: { by: 'person' } }, clock());
      });
    },

    startStaff: (organisationCode: string) => staffClient(staffProvider(organisationCode)).start(),

    /** A member of staff back from their organisation's identity provider: a staff session, or why not. */
    async finishStaff(organisationCode: string, callbackUrl: URL, transaction: OidcTransaction, requestId: string | null) {
      const now = clock();
      const provider = staffProvider(organisationCode);
      const refuse = async (reason: StaffRefusal, userId: string | null, detail: string = reason): Promise<never> => {
        await db.transaction().execute((trx) => appendAuditEvent(trx, { userId, organisationId: null, action: 'sign-in.failed', requestId, details: { method: 'oidc', provider: provider.kind, organisation: provider.organisationCode, reason, ...(reason === 'failed' && { failure: detail }) } }, now));
        throw new StaffSignInRefused(reason, detail);
      };
      let identity;
      try {
        identity = await staffClient(provider).finish(callbackUrl, transaction);
      } catch (error) {
        return refuse('failed', null, (error as Error).message);
      }
      const linkedId = await identities.findUserIdForIdentity(db, identity.issuer, identity.subject);
      let user = linkedId ? await accounts.findUserById(db, linkedId) : undefined;
      if (!user) {
        // First sign-in: an email the organisation's directory vouches for (Entra ID and CIS2 are
        // organisational directories; any other provider must say the email is verified).
        const email = typeof identity.claims.email === 'string' ? identity.claims.email.trim().toLowerCase() : '';
        const vouched = identity.claims.email_verified === true || (identity.claims.email_verified === undefined && provider.kind !== 'oidc');
        user = email && vouched ? await accounts.findUserByEmail(db, email) : undefined;
      }
      if (!user) return refuse('no-account', null);
      if (user.organisation_code !== provider.organisationCode) return refuse('wrong-organisation', user.id);
      const sessionToken = newToken('sess');
      const expiresAt = new Date(now.getTime() + sessionHours * 3_600_000);
      const signedIn = user;
      await db.transaction().execute(async (trx) => {
        if (!linkedId) await identities.linkUserIdentity(trx, { issuer: identity.issuer, subject: identity.subject, userId: signedIn.id });
        await accounts.deleteExpiredSessions(trx, now);
        await accounts.insertSession(trx, { tokenHash: hashToken(sessionToken), userId: signedIn.id, expiresAt });
        await appendAuditEvent(trx, { userId: signedIn.id, organisationId: signedIn.organisation_id, action: 'sign-in', requestId, details: { method: 'oidc', provider: provider.kind, linked: !linkedId } }, now);
      });
      return { sessionToken, expiresAt };
    },
  };
}

export type SignInService = ReturnType<typeof createSignInService>;
