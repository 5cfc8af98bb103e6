// The person's own pages (/your-aftercare, issue 11), signed in with NHS login. A person's session
// is its own cookie, sent only under /your-aftercare, and opens nothing else; a staff session never
// opens these pages. The person's record is the one their session names: no page takes a person's id.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problemFor } from '../problem.ts';
import type { Services } from '../../services/index.ts';
import { NotFoundError, ValidationError, type FieldError } from '../../services/kernel/errors.ts';
import { OidcError, PERSON_CALLBACK_PATH, PersonSignInRefused } from '../../services/sign-in/sign-in-service.ts';
import type { PersonActor } from '../../services/your-aftercare/your-aftercare-service.ts';
import { formBody, text, type FormBody } from './forms.ts';
import { readTransaction } from '../auth/oidc-cookie.ts';

export const PERSON_SESSION_COOKIE = 's117_person';
const PERSON_TRANSACTION_COOKIE = 's117_person_oidc';
const BASE = '/your-aftercare';
const SIGN_IN = `${BASE}/sign-in`;

declare module 'fastify' {
  interface FastifyRequest {
    person: PersonActor | null;
  }
}

/** Sends of forms a person may make in a window: enough for any real use, not for a flood. */
const WRITES_PER_WINDOW = 20;
const SIGN_INS_PER_WINDOW = 20;
const WINDOW_MS = 10 * 60_000;

/**
 * Allows `max` a window for each key. On PostgreSQL the count is in the database, so that it holds
 * across several server processes (issue 14); a failure to count lets the request through, as the
 * server's other rate limits do. Otherwise (PGlite: one process) in memory.
 */
function createLimiter(max: number, services: Services, name: string) {
  const inMemory = createMemoryLimiter(max);
  return async (key: string): Promise<boolean> => {
    if (!services.housekeeping.sharedRateLimits) return inMemory(key);
    try {
      return (await services.housekeeping.rateLimitHit(`your-aftercare-${name}:${key}`, WINDOW_MS)).hits <= max;
    } catch {
      return true;
    }
  };
}

function createMemoryLimiter(max: number) {
  const hits = new Map<string, number[]>();
  return (key: string, now = Date.now()): boolean => {
    const recent = (hits.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
    if (recent.length >= max) {
      hits.set(key, recent);
      return false;
    }
    recent.push(now);
    hits.set(key, recent);
    if (hits.size > 10_000) hits.clear();
    return true;
  };
}

export async function registerYourAftercarePages(web: FastifyInstance, services: Services): Promise<void> {
  await web.register(async (mine) => routes(mine, services));
}

async function routes(web: FastifyInstance, services: Services): Promise<void> {
  const writes = createLimiter(WRITES_PER_WINDOW, services, 'writes');
  const signIns = createLimiter(SIGN_INS_PER_WINDOW, services, 'sign-ins');
  const cookieOptions = (request: FastifyRequest, path: string) => ({ path, httpOnly: true, sameSite: 'lax' as const, secure: request.secureSession });

  web.decorateRequest('person', null);
  web.addHook('onRequest', async (request) => {
    const token = request.cookies[PERSON_SESSION_COOKIE];
    const person = token ? await services.signIn.personForSession(token) : null;
    request.person = person ? { personId: person.id, requestId: request.id } : null;
  });

  // Errors on these pages are shown in the person's own layout, never the staff one.
  web.setErrorHandler((error, request, reply) => {
    const problem = problemFor(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.status(problem.status).render('pages/your-aftercare/problem.njk', { title: problem.title, problem, signedIn: Boolean(request.person) });
  });

  const render = (reply: FastifyReply, template: string, context: Record<string, unknown>) => reply.render(`pages/your-aftercare/${template}.njk`, { ...context, signedIn: true });

  /** Only the person's own session opens these pages; anyone else goes to the person's sign-in. */
  const requirePerson = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.person) await reply.redirect(SIGN_IN);
  };
  const mustBeLimited = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!(await writes(`person:${request.person?.personId ?? request.ip}`))) {
      await reply.status(429).header('retry-after', String(WINDOW_MS / 1000)).render('pages/your-aftercare/problem.njk', {
        title: 'Please wait', signedIn: true,
        problem: { status: 429, title: 'Please wait', detail: 'You have sent a lot of forms in a short time. Wait 10 minutes, then try again.' },
      });
    }
  };
  const page = { schema: { hide: true }, preHandler: requirePerson };
  const form = { schema: { hide: true }, preHandler: [requirePerson, mustBeLimited], preValidation: web.csrfProtection };
  const me = (request: FastifyRequest): PersonActor => request.person!;

  // ---- Sign-in with NHS login ------------------------------------------------------------------
  web.get(SIGN_IN, { schema: { hide: true } }, async (request, reply) => {
    if (request.person) return reply.redirect(BASE);
    return reply.render('pages/your-aftercare/sign-in.njk', { title: 'Sign in to see your aftercare', available: services.signIn.nhsLoginAvailable(), signedIn: false });
  });

  web.get(`${SIGN_IN}/start`, { schema: { hide: true } }, async (request, reply) => {
    if (!(await signIns(`nhs-login:${request.ip}`))) return refusedPage(reply.status(429), 'busy');
    const { url, transaction } = await services.signIn.startPerson().catch((error: unknown) => {
      if (error instanceof OidcError || error instanceof PersonSignInRefused) return { url: null, transaction: null };
      throw error;
    });
    if (!url) return refusedPage(reply.status(503), 'unavailable');
    reply.setCookie(PERSON_TRANSACTION_COOKIE, JSON.stringify(transaction), { ...cookieOptions(request, SIGN_IN), signed: true, maxAge: 600 });
    return reply.redirect(url.href);
  });

  web.get(PERSON_CALLBACK_PATH, { schema: { hide: true } }, async (request, reply) => {
    const transaction = readTransaction(request, PERSON_TRANSACTION_COOKIE);
    reply.clearCookie(PERSON_TRANSACTION_COOKIE, { path: SIGN_IN });
    if (!transaction) return refusedPage(reply.status(400), 'failed');
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    try {
      const { sessionToken, expiresAt } = await services.signIn.finishPerson(new URL(`${PERSON_CALLBACK_PATH}${query}`, services.signIn.publicUrl()), transaction, request.id);
      reply.setCookie(PERSON_SESSION_COOKIE, sessionToken, { ...cookieOptions(request, BASE), expires: expiresAt });
      return reply.redirect(BASE);
    } catch (error) {
      if (!(error instanceof PersonSignInRefused)) throw error;
      return refusedPage(reply.status(error.reason === 'failed' ? 400 : 403), error.reason);
    }
  });

  web.post(`${BASE}/sign-out`, { schema: { hide: true }, preValidation: web.csrfProtection }, async (request, reply) => {
    const token = request.cookies[PERSON_SESSION_COOKIE];
    if (token) await services.signIn.signOutPerson(token, request.person?.personId ?? null, request.id);
    reply.clearCookie(PERSON_SESSION_COOKIE, { path: BASE });
    return reply.render('pages/your-aftercare/signed-out.njk', { title: 'You have signed out', signedIn: false });
  });

  // ---- Their aftercare ---------------------------------------------------------------------------
  web.get(BASE, page, async (request, reply) => {
    const overview = await services.yourAftercare.overview(me(request));
    const sent = (request.query as { sent?: string }).sent;
    return render(reply, 'overview', { title: 'Your aftercare', overview, sent: ['review', 'wrong', 'advocate'].includes(sent ?? '') ? sent : null });
  });

  web.get(`${BASE}/plan`, page, async (request, reply) => render(reply, 'plan', { title: 'Your care and support plan', ...(await services.yourAftercare.plan(me(request))) }));
  web.get(`${BASE}/plan/easy-read`, page, async (request, reply) => render(reply, 'plan-easy-read', { title: 'Your plan in easy read', ...(await services.yourAftercare.plan(me(request))) }));

  web.get(`${BASE}/letters`, page, async (request, reply) => render(reply, 'letters', { title: 'Your letters', ...(await services.yourAftercare.letters(me(request))) }));
  web.get(`${BASE}/letters/:kind/:id`, page, async (request, reply) => {
    const { kind, id } = request.params as { kind: string; id: string };
    const largePrint = (request.query as { largePrint?: string }).largePrint === 'true';
    const pdf = await services.yourAftercare.letter(me(request), kind, id, largePrint);
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${kind}${largePrint ? '-large-print' : ''}.pdf"`).header('cache-control', 'no-store').send(pdf);
  });

  // ---- What they can ask for -------------------------------------------------------------------
  const asking = (path: string, template: string, title: string, call: (actor: PersonActor, body: FormBody) => Promise<unknown>, sent: string, context: (actor: PersonActor) => Promise<Record<string, unknown>> = async () => ({})) => {
    web.get(`${BASE}/${path}`, page, async (request, reply) => render(reply, template, { title, values: {}, ...(await context(me(request))) }));
    web.post(`${BASE}/${path}`, form, async (request, reply) => {
      const body = formBody(request);
      try {
        await call(me(request), body);
        return reply.redirect(`${BASE}?sent=${sent}`, 303);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return render(reply.status(422), template, { title, values: body, errors: error.errors, ...(await context(me(request))) });
      }
    });
  };
  const overviewOf = async (actor: PersonActor) => ({ overview: await services.yourAftercare.overview(actor) });
  asking('review', 'review', 'Ask for a review', (actor, body) => services.yourAftercare.askForReview(actor, { reason: text(body, 'reason') }), 'review', overviewOf);
  asking('something-wrong', 'something-wrong', 'Tell us something is wrong', (actor, body) => services.yourAftercare.tellUsSomethingIsWrong(actor, { subject: body.subject ?? '', about: text(body, 'about') }), 'wrong', overviewOf);
  asking('advocate', 'advocate', 'Ask for an advocate', (actor, body) => services.yourAftercare.askForAdvocate(actor, { kind: text(body, 'kind') }), 'advocate', (actor) => services.yourAftercare.advocacy(actor));

  // Any other address under /your-aftercare: not found, in the person's own layout.
  web.get(`${BASE}/*`, page, async () => {
    throw new NotFoundError('page');
  });

  // ---- Who they share their plan with (PLAN-5, PLAN-6) --------------------------------------------
  const sharingPage = async (request: FastifyRequest, reply: FastifyReply, extra: { values?: FormBody; errors?: FieldError[]; done?: string } = {}) =>
    render(reply, 'sharing', { title: 'Who can see your plan', values: {}, ...extra, ...(await services.yourAftercare.sharing(me(request))) });
  web.get(`${BASE}/sharing`, page, async (request, reply) => {
    const done = (request.query as { done?: string }).done;
    return sharingPage(request, reply, { done: done === 'added' || done === 'stopped' ? done : undefined });
  });
  for (const [path, call, done] of [
    ['sharing', (actor: PersonActor, body: FormBody) => services.yourAftercare.share(actor, { name: body.name ?? '', relationship: text(body, 'relationship') }), 'added'],
    ['sharing/stop', (actor: PersonActor, body: FormBody) => services.yourAftercare.withdraw(actor, { name: body.name ?? '' }), 'stopped'],
  ] as const) {
    web.post(`${BASE}/${path}`, form, async (request, reply) => {
      const body = formBody(request);
      try {
        await call(me(request), body);
        return reply.redirect(`${BASE}/sharing?done=${done}`, 303);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return sharingPage(request, reply.status(422), { values: path === 'sharing' ? body : {}, errors: error.errors });
      }
    });
  }
}


function refusedPage(reply: FastifyReply, reason: string) {
  return reply.render('pages/your-aftercare/refused.njk', { title: 'We could not show your aftercare', reason, signedIn: false });
}
