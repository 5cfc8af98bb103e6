// What every page reads from a request: the signed-in user and the person in the path.
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../services/kernel/actor.ts';
import { UnauthenticatedError } from '../../services/kernel/errors.ts';

/** The signed-in user (requireSignIn has already sent anyone else to sign in). */
export function signedIn(request: FastifyRequest): Actor {
  if (!request.actor) throw new UnauthenticatedError();
  return request.actor;
}

export function personIdOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}
