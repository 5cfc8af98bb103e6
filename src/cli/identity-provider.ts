// A local OpenID provider (the oidc-provider package) for the demonstration and the tests, so that
// NHS login and staff single sign-on can be tried on this machine. It is a DEMONSTRATION IDENTITY
// PROVIDER: anyone may type any of its demonstration logins, with any password. Never in production
// (serve refuses to start it when NODE_ENV=production).
import { generateKeyPairSync, randomBytes, randomUUID, type JsonWebKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** A client with a shared secret, or one that signs its token requests with a key (private_key_jwt, RS512, as NHS login). */
export type IdentityProviderClient = { clientId: string; redirectUris: string[] } & ({ clientSecret: string; publicKey?: undefined } | { publicKey: JsonWebKey; clientSecret?: undefined });

/** A key pair for a private_key_jwt client: the PEM for the register, the public JWK for the provider. */
export function clientKeyPair(): { privateKeyPem: string; publicKey: JsonWebKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), publicKey: publicKey.export({ format: 'jwk' }) };
}

export interface RunningIdentityProvider {
  issuer: string;
  close(): Promise<void>;
}

const SCOPES = ['openid', 'profile', 'email', 'nhs_number'];
const CLAIMS = ['sub', 'birthdate', 'family_name', 'given_name', 'identity_proofing_level', 'vot', 'nhs_number', 'email', 'email_verified'];

/**
 * Starts a provider on `host:port` (port 0: any free port). `accounts` maps what is typed at its
 * login form to that account's claims (`sub` defaults to the login itself).
 */
export async function startIdentityProvider(options: {
  host?: string;
  port?: number;
  accounts: Record<string, Record<string, unknown>>;
  clients: IdentityProviderClient[];
}): Promise<RunningIdentityProvider> {
  const host = options.host ?? '127.0.0.1';
  const { createServer } = await import('node:http');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      redirect_uris: c.redirectUris,
      response_types: ['code'],
      grant_types: ['authorization_code'],
      ...(c.publicKey
        ? { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'RS512', jwks: { keys: [{ ...c.publicKey, use: 'sig', alg: 'RS512' }] } }
        : { client_secret: c.clientSecret, token_endpoint_auth_method: 'client_secret_post' }),
    })),
    // The defaults, and RS512: NHS login's clients sign their assertions with it.
    enabledJWA: { clientAuthSigningAlgValues: ['HS256', 'RS256', 'RS512', 'PS256', 'ES256', 'Ed25519', 'EdDSA'] },
    jwks: { keys: [{ ...key, kid: randomUUID(), use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes: SCOPES,
    claims: {
      openid: ['sub'],
      profile: ['birthdate', 'family_name', 'given_name', 'identity_proofing_level', 'vot'],
      email: ['email', 'email_verified'],
      nhs_number: ['nhs_number'],
    },
    extraParams: ['vtr'],
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Grant: 3600, Session: 3600 },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      const claims = options.accounts[id];
      if (!claims) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
    // The person has agreed already: no consent screen in the demonstration.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope(SCOPES.join(' '));
      grant.addOIDCClaims(CLAIMS);
      await grant.save();
      return grant;
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
