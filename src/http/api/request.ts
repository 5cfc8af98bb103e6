// What every API route reads from a request: who is calling, and the version an If-Match names.
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../services/kernel/actor.ts';
import { UnauthenticatedError } from '../../services/kernel/errors.ts';
import { BadRequestError } from '../../services/kernel/validation.ts';

export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new UnauthenticatedError();
  return request.actor;
}

/** The largest version a record's `version integer` column holds. */
const MAX_VERSION = 2_147_483_647;

/** If-Match carries the version being changed; without it the change applies to the latest version. */
export function ifMatch(request: FastifyRequest): number | null {
  const header = request.headers['if-match'];
  if (header === undefined) return null;
  const version = Number(String(header).replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(version) || version < 1 || version > MAX_VERSION) throw new BadRequestError([{ field: 'If-Match', message: 'If-Match must be the record’s version, a whole number' }]);
  return version;
}
