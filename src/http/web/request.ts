// What every page reads from a request: the signed-in user and the person in the path.
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../services/kernel/actor.ts';
import { UnauthenticatedError } from '../../services/kernel/errors.ts';

/** The signed-in user (requireSignIn has already sent anyone else to sign in). */
export function signedIn(request: FastifyRequest): Actor {
  if (!request.actor) throw new UnauthenticatedError();
  return request.actor;
}

/** The query's non-empty values among these names (empty boxes of a GET form mean "no filter"). */
export function queryValues(request: FastifyRequest, names: readonly string[]): Record<string, string> {
  const raw = (request.query ?? {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = raw[name];
    if (typeof value === 'string' && value.trim() !== '') values[name] = value.trim();
  }
  return values;
}

export function personIdOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}
