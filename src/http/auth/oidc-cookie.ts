// The OpenID Connect round trip's state, nonce and PKCE verifier, kept in a signed, short-lived,
// httpOnly cookie between leaving for the identity provider and coming back.
import type { FastifyRequest } from 'fastify';
import type { OidcTransaction } from '../../services/sign-in/sign-in-service.ts';

/** The transaction in the signed cookie, or null when it is missing, altered or malformed. */
export function readTransaction(request: FastifyRequest, name: string): OidcTransaction | null {
  const raw = request.cookies[name];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  try {
    const value = JSON.parse(unsigned.value) as Partial<OidcTransaction>;
    return typeof value.state === 'string' && typeof value.nonce === 'string' && typeof value.codeVerifier === 'string' ? { state: value.state, nonce: value.nonce, codeVerifier: value.codeVerifier } : null;
  } catch {
    return null;
  }
}
