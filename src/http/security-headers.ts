// The security headers of every answer (ADR 3), set by helmet: a Content Security Policy that lets a
// page run only the register's own scripts and those tagged with the answer's nonce, and helmet's
// other headers. Helmet's middleware is built once, when the server starts, with the nonces read from
// each answer (issue 14: @fastify/helmet built it again for every request, 2.9 % of the server's CPU
// samples in the mixed workload). API and FHIR answers are JSON, never run as a page: they carry the
// same policy without nonces, and cost no random bytes.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import { isApiRequest } from './auth/index.ts';

/** A page's nonces: the script one tags the page's scripts (views.ts); the style one is in the policy for any inline style to come. */
export interface CspNonces { script: string; style: string }

declare module 'fastify' {
  interface FastifyReply {
    /** This answer's nonces; null for an API or FHIR answer. */
    cspNonce: CspNonces | null;
  }
}

const DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
};

const NONCES = Symbol('cspNonces');
type Nonced = ServerResponse & { [NONCES]?: CspNonces };

const nonce = (kind: keyof CspNonces) => (_request: unknown, response: unknown) => `'nonce-${(response as Nonced)[NONCES]![kind]}'`;

export function registerSecurityHeaders(app: FastifyInstance, { production }: { production: boolean }): void {
  const common = { strictTransportSecurity: production };
  const pages = helmet({ ...common, contentSecurityPolicy: { directives: { ...DIRECTIVES, scriptSrc: [...DIRECTIVES.scriptSrc, nonce('script')], styleSrc: [...DIRECTIVES.styleSrc, nonce('style')] } } });
  const answers = helmet({ ...common, contentSecurityPolicy: { directives: DIRECTIVES } });
  app.decorateReply('cspNonce', null);
  app.addHook('onRequest', (request, reply, done) => {
    const next = (error?: unknown) => done(error as Error | undefined);
    if (isApiRequest(request)) return answers(request.raw, reply.raw, next);
    const nonces = { script: randomBytes(16).toString('hex'), style: randomBytes(16).toString('hex') };
    reply.cspNonce = nonces;
    (reply.raw as Nonced)[NONCES] = nonces;
    pages(request.raw, reply.raw, next);
  });
}
