// Who is calling: a bearer token for the API, a session cookie for the pages. Sign-in and sign-out.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../services/kernel/actor.ts';
import { ThrottledError, UnauthenticatedError } from '../../services/kernel/errors.ts';
import type { Services } from '../../services/index.ts';
import { registerSingleSignOn, renderSignIn } from './sso.ts';

/** The session cookie over plain HTTP (development on http://127.0.0.1). */
export const SESSION_COOKIE = 's117_session';
/** The session cookie over HTTPS: Secure, Path=/, no Domain, so no other host or plain-HTTP page can set it. */
export const SECURE_SESSION_COOKIE = '__Host-s117_session';

export interface AuthOptions {
  /** Always Secure (production, or TLS ended before a proxy that does not say so). */
  secureCookies: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    /** This request's session cookie is the Secure __Host- one (HTTPS, or the configuration says so). */
    secureSession: boolean;
  }
}

export async function registerAuth(app: FastifyInstance, services: Services, options: AuthOptions = { secureCookies: false }): Promise<void> {
  app.decorateRequest('actor', null);
  app.decorateRequest('secureSession', false);

  app.addHook('onRequest', async (request) => {
    request.secureSession = options.secureCookies || request.protocol === 'https';
    // Decide by the matched route, not the raw URL: an encoded path (/api/v%31/...) reaches the
    // same route, and must not be let in on a session cookie.
    // The FHIR CapabilityStatement is public, as FHIR servers' are.
    if (isApiRequest(request) && request.routeOptions.url !== '/fhir/R4/metadata') {
      const header = request.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw new UnauthenticatedError('Send an API token: Authorization: Bearer <token>');
      request.actor = await services.accounts.actorForToken(match[1], request.id);
      return;
    }
    const token = sessionToken(request);
    if (token) request.actor = await services.accounts.actorForSession(token, request.id);
  });

  app.get('/sign-in', { schema: { hide: true } }, async (request, reply) => {
    if (request.actor) return reply.redirect('/register');
    return renderSignIn(services, request, reply, { next: safeNext(request.query) });
  });

  app.post('/sign-in', { schema: { hide: true }, preValidation: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    const email = (body.email ?? '').trim();
    const password = body.password ?? '';
    const next = safeNext(body);
    if (!services.signIn.localPasswordsAllowed()) return renderSignIn(services, request, reply.status(403), { errors: [{ field: 'sso', message: 'Passwords are switched off here: sign in with your organisation’s single sign-on' }] });
    const errors = [];
    if (!email) errors.push({ field: 'email', message: 'Enter your email address' });
    if (!password) errors.push({ field: 'password', message: 'Enter your password' });
    if (errors.length === 0) {
      try {
        const { sessionToken, expiresAt } = await services.accounts.signIn(email, password, request.id, request.ip);
        setSessionCookie(request, reply, sessionToken, expiresAt);
        return reply.redirect(next ?? '/register');
      } catch (error) {
        if (!(error instanceof UnauthenticatedError || error instanceof ThrottledError)) throw error;
        errors.push({ field: 'email', message: error.message });
        reply.status(error instanceof ThrottledError ? 429 : 401);
      }
    } else {
      reply.status(422);
    }
    return renderSignIn(services, request, reply, { errors, values: { email }, next });
  });

  registerSingleSignOn(app, services, SESSION_COOKIE);

  app.post('/sign-out', { schema: { hide: true }, preValidation: app.csrfProtection }, async (request, reply) => {
    const token = sessionToken(request);
    if (token) await services.accounts.signOut(token, request.actor);
    reply.clearCookie(sessionCookieName(request), { path: '/', secure: request.secureSession });
    return reply.redirect('/sign-in');
  });
}

/** The session cookie's name for this request: only the __Host- one counts where cookies are secure. */
export function sessionCookieName(request: FastifyRequest): string {
  return request.secureSession ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** The session token the browser sent, under this request's cookie name. */
export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies[sessionCookieName(request)];
}

/** Opens a browser session: HttpOnly, SameSite=Lax, Path=/, and Secure with the __Host- name over HTTPS. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expires: Date): void {
  reply.setCookie(sessionCookieName(request), token, { path: '/', httpOnly: true, sameSite: 'lax', secure: request.secureSession, expires });
}

export function isApiRequest(request: FastifyRequest): boolean {
  let path = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  try {
    path = decodeURIComponent(path);
  } catch {
    // a malformed escape: judge the path as written
  }
  // The FHIR interface takes the API's bearer tokens too, never the pages' session cookie.
  return path === '/api/v1' || path.startsWith('/api/v1/') || path === '/fhir/R4' || path.startsWith('/fhir/R4/');
}

/** A page must be signed in; otherwise go to sign-in and come back. */
export async function requireSignIn(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!request.actor) {
    const next = encodeURIComponent(request.url);
    await reply.redirect(`/sign-in?next=${next}`);
  }
}

/** Only a local path may follow sign-in, so the form cannot send anyone to another site. */
function safeNext(source: unknown): string | undefined {
  const next = (source as { next?: unknown } | undefined)?.next;
  return typeof next === 'string' && /^\/(?!\/)[\w\-/.?=&%]*$/.test(next) ? next : undefined;
}
