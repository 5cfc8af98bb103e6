// Maps failures to RFC 9457 problem+json answers (API) and plain status codes (pages).
import type { FastifyError } from 'fastify';
import { ConflictError, ForbiddenError, NotFoundError, PreconditionRequiredError, ThrottledError, UnauthenticatedError, ValidationError, type FieldError } from '../services/kernel/errors.ts';
import { BadRequestError } from '../services/kernel/validation.ts';

export interface Problem { type: string; title: string; status: number; detail: string; errors?: FieldError[] }

/** Too many requests from one caller in a minute (the rate limits in app.ts). */
export class RateLimitedError extends Error {
  readonly statusCode = 429;
  constructor(retryAfter: string) {
    super(`Too many requests. Try again in ${retryAfter}.`);
    this.name = 'RateLimitedError';
  }
}

export function problemFor(error: unknown): Problem {
  if (error instanceof RateLimitedError) return problem(429, 'too-many-requests', 'Too many requests', error.message);
  if (error instanceof ValidationError) return problem(422, 'invalid-input', 'The input is not valid', error.message, error.errors);
  if (error instanceof BadRequestError) return problem(400, 'bad-request', 'The request is malformed', error.message, error.errors);
  if (error instanceof NotFoundError) return problem(404, 'not-found', 'Not found', error.message);
  if (error instanceof ForbiddenError) return problem(403, 'forbidden', 'Not allowed', error.message);
  if (error instanceof UnauthenticatedError) return problem(401, 'unauthenticated', 'Not signed in', error.message);
  if (error instanceof ConflictError) return problem(409, 'conflict', 'Conflict', error.message);
  if (error instanceof PreconditionRequiredError) return problem(428, 'precondition-required', 'Say which version you are replacing', error.message);
  if (error instanceof ThrottledError) return problem(429, 'too-many-attempts', 'Too many attempts', error.message);
  const databaseCode = (error as { code?: unknown } | null)?.code;
  // Two requests at once: a unique value saved by the other first (23505, e.g. the same NHS number),
  // or PostgreSQL stopping one of them (40001, 40P01). The transaction was rolled back.
  if (databaseCode === '23505' || databaseCode === '40001' || databaseCode === '40P01') {
    return problem(409, 'conflict', 'Conflict', 'The record was changed by another request at the same time, or duplicates one just saved (for example the same NHS number). Nothing was changed. Reload and try again.');
  }
  const fastifyError = error as Partial<FastifyError>;
  // The handler finished (a change is committed) but its answer did not match the API's response
  // schema: say so, rather than that nothing was changed.
  if (fastifyError.code === 'FST_ERR_RESPONSE_SERIALIZATION') {
    return problem(500, 'server-error', 'Something went wrong', 'The request was carried out, but its answer could not be sent. Reload the record to see it.');
  }
  if (fastifyError.code?.startsWith('FST_CSRF')) return problem(403, 'csrf', 'The form has expired', 'The form was out of date or not sent from this service. Go back, reload the page and try again.');
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    const title = status === 413 ? 'The request is too large' : status === 415 ? 'Unsupported media type' : status === 404 ? 'Not found' : 'The request is malformed';
    const type = status === 413 ? 'too-large' : status === 415 ? 'unsupported-media-type' : status === 404 ? 'not-found' : 'bad-request';
    return problem(status, type, title, safeDetail(fastifyError));
  }
  return problem(500, 'server-error', 'Something went wrong', 'The server could not complete the request. Nothing was changed. Try again later.');
}

function problem(status: number, type: string, title: string, detail: string, errors?: FieldError[]): Problem {
  return { type: `/problems/${type}`, title, status, detail, ...(errors && { errors }) };
}

/** Fastify's own messages about the request are safe to repeat; nothing else is. */
function safeDetail(error: Partial<FastifyError>): string {
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.name === 'SyntaxError') return 'The body is not valid JSON';
  return error.message ?? 'The request is malformed';
}
