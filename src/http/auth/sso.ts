// Staff single sign-on (issue 11): each organisation's own identity provider (Entra ID for
// councils, CIS2 for NHS staff) through OpenID Connect. A user must already exist on the register:
// sign-on never creates one. Kept apart from the password sign-in (index.ts) so each can change alone.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../services/index.ts';
import { OidcError, STAFF_CALLBACK_PATH, StaffSignInRefused, type OidcTransaction } from '../../services/sign-in/sign-in-service.ts';
import { readTransaction } from './oidc-cookie.ts';

const TRANSACTION_COOKIE = 's117_sso';
const PREFIX = '/sign-in/sso';

const REFUSALS: Record<string, string> = {
  'no-account': 'You do not have an account on the register. Ask your organisation’s register administrator to add you, then sign in again.',
  'wrong-organisation': 'Your account belongs to another organisation. Sign in through your own organisation.',
  failed: 'Single sign-on did not work. Nothing was changed. Try again.',
};

export function registerSingleSignOn(app: FastifyInstance, services: Services, sessionCookie: string): void {
  const refuse = (request: FastifyRequest, reply: FastifyReply, status: number, reason: string) =>
    renderSignIn(services, request, reply.status(status), { errors: [{ field: 'sso', message: REFUSALS[reason] ?? REFUSALS.failed! }] });

  app.get(`${PREFIX}/:organisation`, { schema: { hide: true } }, async (request, reply) => {
    const organisation = (request.params as { organisation: string }).organisation;
    if (organisation === 'callback') return refuse(request, reply, 400, 'failed');
    let started: { url: URL; transaction: OidcTransaction };
    try {
      started = await services.signIn.startStaff(organisation);
    } catch (error) {
      if (error instanceof StaffSignInRefused || error instanceof OidcError) return refuse(request, reply, error instanceof OidcError ? 503 : 404, 'failed');
      throw error;
    }
    reply.setCookie(TRANSACTION_COOKIE, JSON.stringify({ ...started.transaction, organisation: organisation.toUpperCase() }), {
      path: PREFIX, httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', signed: true, maxAge: 600,
    });
    return reply.redirect(started.url.href);
  });

  app.get(STAFF_CALLBACK_PATH, { schema: { hide: true } }, async (request, reply) => {
    const transaction = readTransaction(request, TRANSACTION_COOKIE);
    const organisation = organisationOf(request);
    reply.clearCookie(TRANSACTION_COOKIE, { path: PREFIX });
    if (!transaction || !organisation) return refuse(request, reply, 400, 'failed');
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    try {
      const { sessionToken, expiresAt } = await services.signIn.finishStaff(organisation, new URL(`${STAFF_CALLBACK_PATH}${query}`, services.signIn.publicUrl()), transaction, request.id);
      reply.setCookie(sessionCookie, sessionToken, { path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', expires: expiresAt });
      return reply.redirect('/register');
    } catch (error) {
      if (!(error instanceof StaffSignInRefused)) throw error;
      return refuse(request, reply, error.reason === 'failed' ? 400 : 403, error.reason);
    }
  });
}

function organisationOf(request: FastifyRequest): string | null {
  const raw = request.cookies[TRANSACTION_COOKIE];
  const unsigned = raw ? request.unsignCookie(raw) : null;
  if (!unsigned?.valid || !unsigned.value) return null;
  try {
    const organisation = (JSON.parse(unsigned.value) as { organisation?: unknown }).organisation;
    return typeof organisation === 'string' ? organisation : null;
  } catch {
    return null;
  }
}

/** The staff sign-in page with its single sign-on buttons, and the password form unless switched off. */
export async function renderSignIn(services: Services, _request: FastifyRequest, reply: FastifyReply, context: Record<string, unknown>) {
  return reply.render('pages/sign-in.njk', {
    values: {},
    ...context,
    singleSignOn: await services.signIn.staffProviders(),
    localPasswords: services.signIn.localPasswordsAllowed(),
    nhsLogin: services.signIn.nhsLoginAvailable(),
  });
}
