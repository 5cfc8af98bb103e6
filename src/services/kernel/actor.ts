// The signed-in user a use case acts for, and the checks every use case starts with.
import { can, type Action, type OrganisationType, type Role } from '../../domain/access.ts';
import { scopesAllow } from '../../domain/system-accounts.ts';
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
  /** A system account's scopes (system-accounts.ts), which alone decide what it may do; absent for people. */
  scopes?: readonly string[];
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
    ...(user.scopes && { scopes: user.scopes }),
  };
}

/** Whether the actor may do this: a system account by its scopes, a person by their role. */
export function allows(actor: Actor, action: Action): boolean {
  return actor.scopes ? scopesAllow(actor.scopes, action) : can(actor.role, action);
}

export function requirePermission(actor: Actor, action: Action): void {
  if (!allows(actor, action)) throw new ForbiddenError(`Your role (${actor.role}) cannot do this`);
}

export function auditActor(actor: Actor) {
  return { userId: actor.userId, organisationId: actor.organisationId, requestId: actor.requestId };
}
