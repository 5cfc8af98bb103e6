// OpenID Connect sign-in through openid-client: the authorisation code flow with PKCE (S256), state
// and nonce. One client per identity provider; its discovery document is fetched on first use and
// kept. The library checks the ID token (signature, issuer, audience, expiry, nonce) and the state;
// a failure of any check is an OidcError, which the pages show as "sign-in did not work".
import { createPrivateKey } from 'node:crypto';
import * as client from 'openid-client';
import type { OidcClientSettings } from '../../identity-config.ts';

/** What must survive the round trip to the identity provider (kept in a signed, short-lived cookie). */
export interface OidcTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcIdentity {
  issuer: string;
  subject: string;
  /** The ID token's claims and the UserInfo claims, UserInfo winning (NHS login gives nhs_number there). */
  claims: Record<string, unknown>;
}

export class OidcError extends Error {}

export interface OidcClient {
  start(extra?: Record<string, string>): Promise<{ url: URL; transaction: OidcTransaction }>;
  finish(callbackUrl: URL, transaction: OidcTransaction): Promise<OidcIdentity>;
}

export interface OidcClientOptions {
  redirectUri: string;
  scope: string;
  allowHttp: boolean;
  /** Tests only: how the client reaches the provider (a real provider, with a response altered in flight). */
  fetch?: client.CustomFetch;
}

/**
 * A shared secret (Entra ID, CIS2), or private_key_jwt with RS512 as NHS login requires: the register
 * signs a short-lived assertion with its private key, and no secret crosses the network.
 */
function clientAuthentication(settings: OidcClientSettings): client.ClientAuth {
  if (!settings.privateKey) return client.ClientSecretPost(settings.clientSecret);
  const key = createPrivateKey(settings.privateKey.pem).toCryptoKey({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }, false, ['sign']);
  return client.PrivateKeyJwt({ key, ...(settings.privateKey.keyId && { kid: settings.privateKey.keyId }) });
}

export function createOidcClient(settings: OidcClientSettings, options: OidcClientOptions): OidcClient {
  let configuration: Promise<client.Configuration> | null = null;
  const configure = () => {
    configuration ??= client
      .discovery(new URL(settings.issuer), settings.clientId, { redirect_uris: [options.redirectUri], response_types: ['code'] }, clientAuthentication(settings), {
        execute: options.allowHttp ? [client.allowInsecureRequests] : [],
        ...(options.fetch && { [client.customFetch]: options.fetch }),
      })
      .then((config) => {
        if (options.fetch) config[client.customFetch] = options.fetch;
        return config;
      })
      .catch((error: unknown) => {
        configuration = null;
        throw new OidcError(`The identity provider could not be reached (${(error as Error).message})`);
      });
    return configuration;
  };

  return {
    async start(extra = {}) {
      const config = await configure();
      const transaction = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
      const url = client.buildAuthorizationUrl(config, {
        ...extra,
        redirect_uri: options.redirectUri,
        scope: options.scope,
        state: transaction.state,
        nonce: transaction.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(transaction.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url, transaction };
    },

    async finish(callbackUrl, transaction) {
      const config = await configure();
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: transaction.codeVerifier,
          expectedState: transaction.state,
          expectedNonce: transaction.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims();
        if (!idClaims) throw new OidcError('The identity provider sent no ID token');
        const userInfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        return { issuer: idClaims.iss, subject: idClaims.sub, claims: { ...idClaims, ...userInfo } };
      } catch (error) {
        if (error instanceof OidcError) throw error;
        throw new OidcError(describe(error));
      }
    },
  };
}

/** A reason for the log and the audit trail that names no person (codes and library messages only). */
function describe(error: unknown): string {
  type Cause = { claim?: unknown; cause?: Cause };
  const e = error as { code?: string; error?: string; message?: string; cause?: Cause };
  let cause = e.cause;
  while (cause && typeof cause.claim !== 'string' && cause.cause) cause = cause.cause;
  const claim = typeof cause?.claim === 'string' ? `claim ${cause.claim}` : null;
  return [e.code, e.error, e.message, claim].filter(Boolean).join(': ').slice(0, 300) || 'sign-in failed';
}
