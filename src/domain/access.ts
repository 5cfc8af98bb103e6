// Who may do what, and who may see whom (api-contract: "Organisations, users, tokens").
// Enforced in the services for every route and page; routes never decide this themselves.

export const ROLES = ['admin', 'practitioner', 'approver', 'finance', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const ORGANISATION_TYPES = ['local-authority', 'icb', 'provider'] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

export type Action =
  | 'person:read'
  | 'person:create'
  | 'person:update'
  | 'legal-history:record'
  | 'responsibility:confirm'
  | 'audit:read'
  | 'users:manage';

const PERMISSIONS: Record<Role, readonly Action[]> = {
  admin: ['person:read', 'person:create', 'person:update', 'legal-history:record', 'responsibility:confirm', 'audit:read', 'users:manage'],
  // Keyworkers, care co-ordinators and ward staff: people and their legal history.
  practitioner: ['person:read', 'person:create', 'person:update', 'legal-history:record'],
  // A local authority's or ICB's s117 lead decides responsibility for their organisation.
  approver: ['person:read', 'responsibility:confirm'],
  finance: ['person:read'],
  // Reads everything, including the audit trail, and changes nothing.
  auditor: ['person:read', 'audit:read'],
};

export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[role].includes(action);
}

export interface Viewer { role: Role; organisationCode: string }

/**
 * A user sees a person when their organisation is one of the organisations with sight of the person
 * (the responsible bodies, or one with staff allocated to the person); an admin sees everyone.
 */
export function canSeePerson(viewer: Viewer, organisationsWithSight: readonly string[]): boolean {
  return viewer.role === 'admin' || organisationsWithSight.includes(viewer.organisationCode);
}

export interface SightInput {
  /** Local authority and ICB codes of every episode, confirmed or proposed. */
  responsibleBodies: readonly (string | null)[];
  /** Before any episode exists: where the person lives now and their GP's ICB. */
  currentLocalAuthority: string | null;
  currentIcb: string | null;
  /** Organisations of staff allocated to the person (keyworker, the practitioner who registered them). */
  allocatedOrganisations: readonly string[];
}

/**
 * The organisations that may see a person. Every episode's bodies keep sight of it, because a body
 * that was once responsible still answers complaints and refunds for that time; where no episode
 * exists yet, the local authority and ICB the person lives in and is registered with are the
 * responsible bodies to be.
 */
export function organisationsWithSight(input: SightInput): string[] {
  const codes = new Set<string>();
  const add = (code: string | null) => {
    if (code) codes.add(code);
  };
  const bodies = input.responsibleBodies.filter((code): code is string => Boolean(code));
  bodies.forEach(add);
  if (bodies.length === 0) {
    add(input.currentLocalAuthority);
    add(input.currentIcb);
  }
  input.allocatedOrganisations.forEach(add);
  return [...codes].sort();
}

/**
 * RESP-2 to RESP-5: responsibility is confirmed by an s117 lead (approver) of a local authority or
 * ICB that is concerned: one proposed, confirmed or being named for the episode. An admin may too.
 */
export function canConfirmResponsibility(actor: Viewer & { organisationType: OrganisationType }, bodiesConcerned: readonly (string | null)[]): boolean {
  if (actor.role === 'admin') return true;
  return actor.role === 'approver' && actor.organisationType !== 'provider' && bodiesConcerned.includes(actor.organisationCode);
}
