// The web server: security headers, sign-in, the JSON API under /api/v1, the pages, and the
// OpenAPI document. Routes stay thin: they translate HTTP to a service call and back.
import { createHash, randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import pino from 'pino';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { Services } from '../services/index.ts';
import { registerApi } from './api/index.ts';
import { registerAuth } from './auth/index.ts';
import { loadNhsukStylesheet, NHSUK_DIST, NHSUK_PREFIX, NHSUK_STYLESHEET } from './design-system.ts';
import { guardPersonRoutes, hiddenPersonProblem } from './person-scope.ts';
import { problemFor, RateLimitedError } from './problem.ts';
import { sharedRateLimitStore } from './rate-limit-store.ts';
import { registerViews } from './views.ts';
import { registerWeb } from './web/index.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { FHIR_BASE, registerFhir } from './fhir/index.ts';
import { registerOAuth } from './auth/oauth.ts';

export interface AppOptions {
  services: Services;
  sessionSecret: string;
  production: boolean;
  logLevel?: string;
  /** Development only: read the page templates afresh on every page (S117_RELOAD_VIEWS). */
  reloadViews?: boolean;
  /**
   * Requests a minute before 429: sign-ins from one address, API calls with one token (or from one
   * address without one). Off (false) for tests, which send many requests from one address.
   */
  rateLimit?: RateLimits | false;
  /**
   * Believe X-Forwarded-For/-Proto from this proxy (Fastify's trustProxy: true, or the proxy's
   * addresses), so that a request that reached the proxy over HTTPS counts as HTTPS.
   */
  trustProxy?: boolean | string;
  /** The session cookie is always Secure (with the __Host- name), whatever the request says. */
  secureCookies?: boolean;
  /** Where the request log goes (tests); standard output, buffered, by default. */
  logStream?: { write(line: string): unknown };
}

export interface RateLimits { signInPerMinute: number; apiPerMinute: number }

export const DEFAULT_RATE_LIMITS: RateLimits = { signInPerMinute: 10, apiPerMinute: 600 };

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const logStream = options.logLevel === 'silent' ? null : (options.logStream ?? bufferedStandardOutput());
  const app = Fastify({
    logger: logStream ? { level: options.logLevel ?? 'info', serializers: { req: requestForLog, err: errorForLog }, stream: logStream } : false,
    // One line a request, when it is answered (logRequest below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    genReqId: () => randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: options.trustProxy ?? false,
  });
  if (logStream) app.addHook('onResponse', logRequest);
  // Services validate every input themselves (one schema for API, pages and command line), so the
  // route schemas only describe the API for the OpenAPI document.
  app.setValidatorCompiler(() => (data) => ({ value: data }));

  registerSecurityHeaders(app, { production: options.production });
  await app.register(cookie, { secret: options.sessionSecret });
  // After the cookies are read (a refused sign-in is a page, whose form needs its CSRF cookie), before
  // the caller is looked up.
  if (options.rateLimit !== false) await limitRates(app, options.rateLimit ?? DEFAULT_RATE_LIMITS, options.services);
  await app.register(formbody);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure: options.secureCookies ?? options.production },
    getToken: (request) => (request.body as Record<string, string> | undefined)?._csrf,
  });
  // Nothing but the static assets may be kept by a browser or a proxy: after "Sign out", Back on a
  // shared ward computer must not show a person's record from the cache (issue 15, probe 5).
  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/assets/')) reply.header('cache-control', 'no-store');
  });
  // The stylesheet is served rewritten (design-system.ts: nothing from another origin); the rest of
  // the package's files as they are.
  const stylesheet = loadNhsukStylesheet();
  app.get(NHSUK_STYLESHEET, { schema: { hide: true } }, async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(stylesheet));
  await app.register(fastifyStatic, { root: NHSUK_DIST, prefix: NHSUK_PREFIX, maxAge: '1d', index: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Section 117 Aftercare Register API', version: '1', description: 'The HTTP API of the Section 117 register (api-contract version 1). Rule IDs refer to docs/domain-rules.md.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // Issue 9 item 10: the documentation page passes axe and reflows at 320 px (a small stylesheet).
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    uiConfig: { docExpansion: 'list', deepLinking: false, syntaxHighlight: false },
    theme: { title: 'Section 117 Aftercare Register API', css: [{ filename: 'api-docs.css', content: readFileSync(new URL('./static/api-docs.css', import.meta.url), 'utf8') }] },
  });

  app.setErrorHandler(async (error, request, reply) => {
    const refusal = problemFor(error);
    if (refusal.status >= 500) request.log.error({ err: error }, 'request failed');
    // A route that left the person's visibility to its use case answers 404, not its refusal, for a person the caller may not see.
    const hidden = await hiddenPersonProblem(request, refusal.status, options.services).catch(() => null);
    const problem = hidden ? problemFor(hidden) : refusal;
    if ((problem.status === 403 || problem.status === 404) && request.actor) await auditRefusal(options.services, request, problem.status);
    if (request.url.startsWith('/api/')) return reply.status(problem.status).type('application/problem+json').send(problem);
    return reply.status(problem.status).renderError(problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const problem = problemFor(Object.assign(new Error('Not found'), { statusCode: 404 }));
    if (request.url.startsWith('/api/')) return reply.status(404).type('application/problem+json').send(problem);
    return reply.status(404).renderError(problem);
  });

  app.get(
    '/healthz',
    { schema: { tags: ['Service'], summary: 'Health: 200 {status: "ok"} when the database answers, 503 otherwise', security: [] } },
    async (_request, reply) => ((await options.services.health.check()) ? { status: 'ok' } : reply.status(503).send({ status: 'unavailable' })),
  );
  app.get('/api/openapi.json', { schema: { tags: ['Service'], summary: 'This OpenAPI 3.1 document', security: [] } }, async () => app.swagger());

  registerViews(app, { production: options.production, reload: options.reloadViews ?? false });
  await registerAuth(app, options.services, { secureCookies: options.secureCookies ?? options.production });
  registerOAuth(app, options.services);
  guardPersonRoutes(app, options.services);
  await app.register(async (api) => registerApi(api, options.services), { prefix: '/api/v1' });
  await app.register(async (web) => registerWeb(web, options.services));
  await app.register(async (fhir) => registerFhir(fhir, options.services), { prefix: FHIR_BASE });
  return app;
}

/**
 * Limits how fast one caller can try passwords (POST /sign-in, by address) and use the API (by token,
 * or by address without one). Checked on arrival, before the caller is looked up, so that a flood
 * costs no database work. Over the limit: 429 with Retry-After, as problem+json on the API and as a
 * page for sign-in (the error handler decides which).
 */
async function limitRates(app: FastifyInstance, limits: RateLimits, services: Services): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) => new RateLimitedError(context.after),
    // Several processes on PostgreSQL count in the database, so that a limit holds across them.
    // (rate-limit-store.ts: places taken from the shared count a block at a time; a failure to count
    // lets the request through rather than refusing everyone while the database is away).
    ...(services.housekeeping.sharedRateLimits && { store: sharedRateLimitStore((key, windowMs, count) => services.housekeeping.rateLimitHit(key, windowMs, count)), skipOnError: true }),
  });
  const signIn = app.rateLimit({ max: limits.signInPerMinute, keyGenerator: (request) => `sign-in:${request.ip}` });
  const api = app.rateLimit({ max: limits.apiPerMinute, keyGenerator: apiCaller });
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url ?? '';
    if (request.method === 'POST' && route === '/sign-in') await signIn.call(app, request, reply);
    else if (route === '/api/v1' || route.startsWith('/api/v1/') || route.startsWith('/fhir/R4') || route === '/oauth/token') await api.call(app, request, reply);
  });
}

/** The API caller's token (hashed: the limiter's memory never holds a token), or their address. */
function apiCaller(request: FastifyRequest): string {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  return token ? `api-token:${createHash('sha256').update(token).digest('base64url')}` : `api-address:${request.ip}`;
}

/** Refused reads and writes are audited (ids only); a failure to audit is logged, never answered. */
async function auditRefusal(services: Services, request: FastifyRequest, status: number): Promise<void> {
  const personId = (request.params as { id?: unknown } | undefined)?.id;
  try {
    await services.audit.recordRefusal(request.actor!, { status, method: request.method, route: request.routeOptions.url ?? 'unknown', personId: typeof personId === 'string' ? personId : undefined });
  } catch (error) {
    request.log.error({ err: error }, 'a refusal could not be audited');
  }
}

/**
 * The request log goes to standard output in blocks of about 4 KB, at least once a second, instead of a
 * write for every line: each write is a system call, which costs more here than the line (issue 14).
 * Whatever is held is written when the process exits (pino flushes its destinations on exit).
 */
function bufferedStandardOutput() {
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => {
    try {
      stream.flush();
    } catch {
      // closed as the process ends: nothing left to write
    }
  }, 1000).unref();
  return stream;
}

/** The request log: one structured line for each request answered, with its time taken in ms. */
async function logRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  request.log.info({ req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime }, 'request completed');
}

/** Logs the method and path only: a query string can hold a name or an NHS number. */
function requestForLog(request: { method: string; url: string; id: string }) {
  return { id: request.id, method: request.method, path: request.url.split('?')[0] };
}

/** Error type, code and message only: some drivers put the values of a failed row in `detail`. */
function errorForLog(error: Error & { code?: string }) {
  return { type: error.name, code: error.code, message: error.message, stack: error.stack ?? '' };
}
