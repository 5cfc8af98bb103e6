// The signed-in user a use case acts for, and the checks every use case starts with.
import { can, type Action, type OrganisationType, type Role } from '../../domain/access.ts';
import type { UserWithOrganisation } from '../../data/accounts-repository.ts';
import { ForbiddenError } from './errors.ts';

export interface Actor {
  userId: string;
  name: string;
  email: string;
  role: Role;
  organisationId: string;
  organisationCode: string;
  organisationName: string;
  organisationType: OrganisationType;
  /** Correlates the audit events of one request. */
  requestId: string | null;
}

export function actorFromUser(user: UserWithOrganisation, requestId: string | null = null): Actor {
  return {
    userId: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    organisationId: user.organisation_id,
    organisationCode: user.organisation_code,
    organisationName: user.organisation_name,
    organisationType: user.organisation_type,
    requestId,
  };
}

export function requirePermission(actor: Actor, action: Action): void {
  if (!can(actor.role, action)) throw new ForbiddenError(`Your role (${actor.role}) cannot do this`);
}

export function auditActor(actor: Actor) {
  return { userId: actor.userId, organisationId: actor.organisationId, requestId: actor.requestId };
}
