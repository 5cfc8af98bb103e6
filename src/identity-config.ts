// Sign-in settings (issue 11), read with the rest of src/config.ts: staff single sign-on through each
// organisation's own identity provider (Microsoft Entra ID for councils, NHS Care Identity Service 2
// for NHS staff), NHS login for the person, and whether local passwords are allowed at all.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const flagDefaultTrue = optional(z.enum(['true', 'false'], { error: 'must be true or false' })).transform((value) => value !== 'false');
const url = (what: string) => optional(z.url({ error: `must be the ${what} as a URL (https://...)` }));

export const STAFF_PROVIDER_KINDS = ['entra-id', 'cis2', 'oidc'] as const;
export type StaffProviderKind = (typeof STAFF_PROVIDER_KINDS)[number];

export const identityEnvironment = {
  /** false: only single sign-on; the password form is gone and POST /sign-in refuses. */
  S117_LOCAL_PASSWORDS: flagDefaultTrue,
  S117_NHS_LOGIN_ISSUER: url('NHS login issuer'),
  S117_NHS_LOGIN_CLIENT_ID: optional(z.string()),
  S117_NHS_LOGIN_CLIENT_SECRET: optional(z.string()),
  /**
   * NHS login authenticates the register with a signed JWT (private_key_jwt, RS512), not a secret:
   * the PEM file of the private key whose public key NHS login holds, and its key id.
   */
  S117_NHS_LOGIN_PRIVATE_KEY_FILE: optional(z.string()),
  S117_NHS_LOGIN_KEY_ID: optional(z.string()),
  /** Organisation codes with their own identity provider, separated by commas: S117_SSO_<CODE>_ISSUER and so on for each. */
  S117_SSO_ORGANISATIONS: optional(z.string().regex(/^[A-Za-z0-9]{3,9}(\s*,\s*[A-Za-z0-9]{3,9})*$/, { error: 'must be organisation codes separated by commas' })),
};

/** How the register proves itself at the token endpoint: a shared secret, or a key (private_key_jwt). */
export type ClientAuthentication = { clientSecret: string; privateKey?: undefined } | { privateKey: { pem: string; keyId: string | null }; clientSecret?: undefined };

export type OidcClientSettings = { issuer: string; clientId: string } & ClientAuthentication;

export interface StaffProviderSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The organisation whose users sign in here: a user of any other organisation is refused. */
  organisationCode: string;
  kind: StaffProviderKind;
}

export interface IdentitySettings {
  localPasswords: boolean;
  /** The register's own address: the identity providers send people back to it. */
  publicUrl: string;
  nhsLogin: OidcClientSettings | null;
  staff: StaffProviderSettings[];
  /** Development and tests only: an issuer on http:// (never in production). */
  allowHttpIssuers: boolean;
}

class IdentityConfigError extends Error {}

const Provider = z.object({
  issuer: z.url({ error: 'must be the issuer as a URL (https://...)' }),
  clientId: z.string({ error: 'must be set' }).min(1, 'must be set'),
  clientSecret: z.string({ error: 'must be set' }).min(1, 'must be set'),
  kind: z.enum(STAFF_PROVIDER_KINDS, { error: `must be one of ${STAFF_PROVIDER_KINDS.join(', ')}` }),
});

export function identitySettings(
  e: { S117_LOCAL_PASSWORDS: boolean; S117_NHS_LOGIN_ISSUER?: string; S117_NHS_LOGIN_CLIENT_ID?: string; S117_NHS_LOGIN_CLIENT_SECRET?: string; S117_NHS_LOGIN_PRIVATE_KEY_FILE?: string; S117_NHS_LOGIN_KEY_ID?: string; S117_SSO_ORGANISATIONS?: string },
  env: NodeJS.ProcessEnv,
  options: { production: boolean; publicUrl: string },
): IdentitySettings {
  const nhs = [e.S117_NHS_LOGIN_ISSUER, e.S117_NHS_LOGIN_CLIENT_ID, e.S117_NHS_LOGIN_CLIENT_SECRET ?? e.S117_NHS_LOGIN_PRIVATE_KEY_FILE];
  if (nhs.some(Boolean) && !nhs.every(Boolean)) {
    throw new IdentityConfigError('S117_NHS_LOGIN_ISSUER, S117_NHS_LOGIN_CLIENT_ID and S117_NHS_LOGIN_PRIVATE_KEY_FILE (or S117_NHS_LOGIN_CLIENT_SECRET) must be set together');
  }
  if (e.S117_NHS_LOGIN_CLIENT_SECRET && e.S117_NHS_LOGIN_PRIVATE_KEY_FILE) {
    throw new IdentityConfigError('Set S117_NHS_LOGIN_PRIVATE_KEY_FILE or S117_NHS_LOGIN_CLIENT_SECRET, not both');
  }
  const staff = (e.S117_SSO_ORGANISATIONS ?? '')
    .split(',')
    .map((code) => code.trim().toUpperCase())
    .filter(Boolean)
    .map((code) => {
      const variable = (name: string) => `S117_SSO_${code}_${name}`;
      const value = (name: string) => (env[variable(name)] === '' ? undefined : env[variable(name)]);
      const parsed = Provider.safeParse({ issuer: value('ISSUER'), clientId: value('CLIENT_ID'), clientSecret: value('CLIENT_SECRET'), kind: value('KIND') ?? 'oidc' });
      if (!parsed.success) {
        const names: Record<string, string> = { issuer: 'ISSUER', clientId: 'CLIENT_ID', clientSecret: 'CLIENT_SECRET', kind: 'KIND' };
        throw new IdentityConfigError(parsed.error.issues.map((i) => `${variable(names[String(i.path[0])] ?? '')} ${i.message}`).join('; '));
      }
      return { organisationCode: code, ...parsed.data };
    });
  const settings: IdentitySettings = {
    localPasswords: e.S117_LOCAL_PASSWORDS,
    publicUrl: options.publicUrl.replace(/\/$/, ''),
    nhsLogin: e.S117_NHS_LOGIN_ISSUER ? { issuer: e.S117_NHS_LOGIN_ISSUER, clientId: e.S117_NHS_LOGIN_CLIENT_ID!, ...nhsLoginAuthentication(e) } : null,
    staff,
    allowHttpIssuers: !options.production,
  };
  if (options.production) {
    const insecure = [settings.nhsLogin, ...staff].find((p) => p && !p.issuer.startsWith('https://'));
    if (insecure) throw new IdentityConfigError(`An identity provider must be reached over https:// in production (${insecure.issuer})`);
  }
  if (!settings.localPasswords && staff.length === 0) {
    throw new IdentityConfigError('S117_LOCAL_PASSWORDS=false needs at least one single sign-on provider (S117_SSO_ORGANISATIONS): otherwise no member of staff could sign in');
  }
  return settings;
}

function nhsLoginAuthentication(e: { S117_NHS_LOGIN_CLIENT_SECRET?: string; S117_NHS_LOGIN_PRIVATE_KEY_FILE?: string; S117_NHS_LOGIN_KEY_ID?: string }): ClientAuthentication {
  if (!e.S117_NHS_LOGIN_PRIVATE_KEY_FILE) return { clientSecret: e.S117_NHS_LOGIN_CLIENT_SECRET! };
  let pem: string;
  try {
    pem = readFileSync(e.S117_NHS_LOGIN_PRIVATE_KEY_FILE, 'utf8');
  } catch {
    throw new IdentityConfigError(`S117_NHS_LOGIN_PRIVATE_KEY_FILE cannot be read (${e.S117_NHS_LOGIN_PRIVATE_KEY_FILE})`);
  }
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem)) throw new IdentityConfigError('S117_NHS_LOGIN_PRIVATE_KEY_FILE must be a PEM private key');
  return { privateKey: { pem, keyId: e.S117_NHS_LOGIN_KEY_ID ?? null } };
}

export { IdentityConfigError };
