// Who may do what, and who may see whom (api-contract: "Organisations, users, tokens").
// Enforced in the services for every route and page; routes never decide this themselves.
import { createHash } from 'node:crypto';

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
  | 'users:manage'
  | 'review:record'
  | 'services:record'
  | 'money:read'
  | 'funding-policy:manage'
  | 'finance:export'
  | 'plan:read'
  | 'plan:edit'
  | 'keyworker:allocate'
  | 'planning:record'
  | 'advocacy:record'
  | 'tribunal:record'
  | 'ending:propose'
  | 'ending:approve'
  | 'complaint:record'
  | 'refunds:manage'
  | 'refunds:approve'
  | 'top-ups:record'
  | 'disputes:manage'
  | 'payments:record'
  // Issue 12: webhook subscriptions, and detentions fed in by a provider's system (system accounts only).
  | 'subscriptions:manage'
  | 'detentions:feed'
  // Issue 13: the reports for s117 leads, commissioners and boards.
  | 'reports:read'
  // Issue 15 (task B): registrations of an NHS number already on the register, merged or kept separate.
  | 'duplicates:manage'
  // Issue 9 item 9: the lists of complaints (CMP-1) and of disputes (RESP-6) across people, for the
  // roles that deal with them: s117 leads, admins and auditors; finance too for disputes (who pays).
  | 'complaints:list'
  | 'disputes:list';

const PERMISSIONS: Record<Role, readonly Action[]> = {
  admin: ['person:read', 'person:create', 'person:update', 'legal-history:record', 'responsibility:confirm', 'audit:read', 'users:manage', 'services:record', 'money:read', 'funding-policy:manage', 'finance:export', 'review:record', 'plan:read', 'plan:edit', 'keyworker:allocate', 'planning:record', 'advocacy:record', 'tribunal:record', 'ending:propose', 'complaint:record', 'refunds:manage', 'refunds:approve', 'top-ups:record', 'disputes:manage', 'payments:record', 'subscriptions:manage', 'reports:read', 'duplicates:manage', 'complaints:list', 'disputes:list'],
  // Keyworkers, care co-ordinators and ward staff: people and their legal history.
  practitioner: ['person:read', 'person:create', 'person:update', 'legal-history:record', 'services:record', 'money:read', 'review:record', 'plan:read', 'plan:edit', 'keyworker:allocate', 'planning:record', 'advocacy:record', 'tribunal:record', 'ending:propose', 'complaint:record', 'top-ups:record'],
  // A local authority's or ICB's s117 lead decides responsibility for their organisation.
  approver: ['person:read', 'responsibility:confirm', 'services:record', 'money:read', 'funding-policy:manage', 'review:record', 'plan:read', 'keyworker:allocate', 'tribunal:record', 'ending:propose', 'ending:approve', 'complaint:record', 'refunds:approve', 'top-ups:record', 'disputes:manage', 'reports:read', 'duplicates:manage', 'complaints:list', 'disputes:list'],
  finance: ['person:read', 'services:record', 'money:read', 'finance:export', 'plan:read', 'refunds:manage', 'refunds:approve', 'top-ups:record', 'disputes:manage', 'payments:record', 'reports:read', 'disputes:list'],
  // Reads everything, including the audit trail, and changes nothing.
  auditor: ['person:read', 'audit:read', 'money:read', 'finance:export', 'plan:read', 'reports:read', 'complaints:list', 'disputes:list'],
};

/** PLAN-3: who can be a person's named keyworker (care co-ordinator, named practitioner). */
export const KEYWORKER_ROLES: readonly Role[] = ['practitioner', 'approver', 'admin'];

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
  /** Provider organisations running a hospital stay that is open, or whose episode is (providerSight). */
  providers?: readonly string[];
}

/**
 * RESP, PLAN-1 (issue 15, probe 6): the provider organisation that runs a hospital stay sees the person
 * while the stay is open (not yet discharged), or while an episode of aftercare it belongs to is open
 * (the detention it is part of has not ended in a joint decision or otherwise): its ward staff plan the
 * discharge and may be the keyworker. A stay belongs to an episode when they overlap.
 */
export function providerSight(
  admissions: readonly { provider?: string | null; admittedOn: string; dischargedOn: string | null }[],
  episodes: readonly { detentionFrom: string; endedOn: string | null }[],
): string[] {
  const codes = new Set<string>();
  for (const stay of admissions) {
    if (!stay.provider) continue;
    const open = stay.dischargedOn === null;
    const inOpenEpisode = episodes.some((e) => e.endedOn === null && (stay.dischargedOn === null || stay.dischargedOn >= e.detentionFrom));
    if (open || inOpenEpisode) codes.add(stay.provider);
  }
  return [...codes].sort();
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
  (input.providers ?? []).forEach(add);
  return [...codes].sort();
}

/**
 * RESP-2 to RESP-5: responsibility is confirmed by an s117 lead (approver) of a local authority or
 * ICB that is concerned: one already proposed or confirmed for the episode (naming yourself does not
 * make you concerned). An admin may too.
 */
/**
 * PLAN-3: a keyworker's organisation gains sight of the person, so the keyworker must come from the
 * allocating user's own organisation or one that already sees the person (an admin may choose anyone).
 */
export function canAllocateKeyworker(actor: Viewer, keyworkerOrganisationCode: string, organisationsWithSightOfPerson: readonly string[]): boolean {
  if (actor.role === 'admin') return true;
  return keyworkerOrganisationCode === actor.organisationCode || organisationsWithSightOfPerson.includes(keyworkerOrganisationCode);
}

/**
 * RESP-2 to RESP-6 (issue 15, probe 7): each body changes only its own part. A local authority's s117
 * lead cannot change which ICB is responsible, nor an ICB's lead which local authority: that changes
 * another body's liability, which is for that body, or for a dispute between them (RESP-6). An admin
 * may record either. The parts are compared with the episode's current (proposed or confirmed) bodies.
 */
export function responsibilityPartViolations(
  actor: Viewer & { organisationType: OrganisationType },
  current: { localAuthority: string | null; icb: string | null },
  next: { localAuthority: string; icb: string },
): { field: string; message: string; rule: string }[] {
  if (actor.role === 'admin') return [];
  const out = [];
  if (actor.organisationType !== 'local-authority' && next.localAuthority !== current.localAuthority) {
    out.push({ field: 'localAuthority.code', message: 'Only the local authority, or a dispute between the bodies, changes which local authority is responsible: raise a dispute (RESP-6)', rule: 'RESP-6' });
  }
  if (actor.organisationType !== 'icb' && next.icb !== current.icb) {
    out.push({ field: 'icb.code', message: 'Only the ICB, or a dispute between the bodies, changes which ICB is responsible: raise a dispute (RESP-6)', rule: 'RESP-6' });
  }
  return out;
}

/**
 * RESP-6 (issue 15 probe 7): what an approver's confirmation that names a different body for the OTHER
 * body's part does. Changing another body's liability is not theirs to do, but neither is it refused:
 * their own part is recorded as usual and a dispute is opened between their body and the body now
 * named for the other part, which keeps meeting its part meanwhile (care never waits), with the body
 * they propose. `ownPartToConfirm` is false when their own part is already confirmed as sent (nothing
 * of their own to record: the dispute alone is accepted). Every other RESP-6 violation (an account that
 * is not an approver of one of the episode's bodies, no body yet named for the other part) stays a
 * refusal.
 */
export interface ResponsibilityDisputeToOpen {
  partyA: { kind: 'local-authority' | 'icb'; code: string };
  partyB: { kind: 'local-authority' | 'icb'; code: string };
  proposed: { kind: 'local-authority' | 'icb'; code: string };
  subject: 'ordinary-residence' | 'responsible-icb';
  interimFunderCode: string;
}
export function responsibilityChangeOutcome(
  actor: Viewer & { organisationType: OrganisationType; system?: boolean },
  current: { localAuthority: { code: string | null; confirmed: boolean }; icb: { code: string | null; confirmed: boolean } },
  next: { localAuthority: string; icb: string },
): { violations: { field: string; message: string; rule: string }[]; dispute: ResponsibilityDisputeToOpen | null; ownPartToConfirm: boolean } {
  const violations = responsibilityPartViolations(actor, { localAuthority: current.localAuthority.code, icb: current.icb.code }, next);
  if (violations.length === 0 || actor.role !== 'approver' || actor.system || actor.organisationType === 'provider') return { violations, dispute: null, ownPartToConfirm: true };
  const own = actor.organisationType === 'local-authority' ? 'localAuthority' : 'icb';
  const other = own === 'localAuthority' ? 'icb' : 'localAuthority';
  const otherCode = current[other].code;
  const kindOf = (part: 'localAuthority' | 'icb') => (part === 'localAuthority' ? ('local-authority' as const) : ('icb' as const));
  const onlyTheOtherPart = violations.every((v) => v.field === `${other}.code`);
  if (!onlyTheOtherPart || current[own].code !== actor.organisationCode || otherCode === null || otherCode === next[other]) return { violations, dispute: null, ownPartToConfirm: true };
  return {
    violations: [],
    dispute: {
      partyA: { kind: kindOf(own), code: actor.organisationCode },
      partyB: { kind: kindOf(other), code: otherCode },
      proposed: { kind: kindOf(other), code: next[other] },
      subject: other === 'icb' ? 'responsible-icb' : 'ordinary-residence',
      interimFunderCode: otherCode,
    },
    ownPartToConfirm: !(current[own].confirmed && next[own] === current[own].code),
  };
}

/**
 * RESP-6 (issue 15 probe 7, a stale form): the version of an episode's responsibility as a form showed
 * it: each part's body, whether it is confirmed, by which decision (when) and on what basis, and
 * whether the episode has ended. A confirmation drawn from another version was drawn from a record that
 * has since changed: it is refused (409), never read as a proposal to change the other body's part
 * (which would open a dispute nobody meant). Opaque: compare it, do not read it.
 */
export function responsibilityVersion(episode: {
  endedOn: string | null;
  localAuthority: { code: string | null; basis: string; confirmed: boolean; confirmedAt?: string };
  icb: { code: string | null; basis: string; confirmed: boolean; confirmedAt?: string };
}): string {
  const part = (p: typeof episode.localAuthority) => [p.code, p.confirmed, p.confirmedAt ?? null, p.basis];
  const canonical = JSON.stringify([part(episode.localAuthority), part(episode.icb), episode.endedOn]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

/**
 * RESP-2 to RESP-6 (issue 9 item 2): the parts of an episode's responsibility a confirmation records as
 * confirmed by the actor. Each body confirms its own part: a local authority's s117 lead the local
 * authority, an ICB's lead the ICB; the other part stays as it was (proposed, or confirmed by its own
 * body) until that body confirms it. An admin or a system account records both (the contract's PUT).
 */
export function responsibilityPartsConfirmedBy(actor: { role: Role; organisationType: OrganisationType; system?: boolean }): { localAuthority: boolean; icb: boolean } {
  if (actor.role === 'admin' || actor.system) return { localAuthority: true, icb: true };
  if (actor.role !== 'approver') return { localAuthority: false, icb: false };
  return { localAuthority: actor.organisationType === 'local-authority', icb: actor.organisationType === 'icb' };
}

export function canConfirmResponsibility(actor: Viewer & { organisationType: OrganisationType }, bodiesConcerned: readonly (string | null)[]): boolean {
  if (actor.role === 'admin') return true;
  return actor.role === 'approver' && actor.organisationType !== 'provider' && bodiesConcerned.includes(actor.organisationCode);
}

/**
 * Who sees money (costs, charges, refunds, payments): admins and auditors always; finance users, approvers and practitioners
 * when their organisation is one of the person's responsible bodies (the local authority or ICB of
 * any episode, or, before any episode, where they live and their GP's ICB). A provider's staff record
 * services but see no costs, because a trust is never a responsible body.
 */
export function canSeeMoney(viewer: Viewer, responsibleBodies: readonly (string | null)[]): boolean {
  if (!can(viewer.role, 'money:read')) return false;
  if (viewer.role === 'admin' || viewer.role === 'auditor') return true;
  return responsibleBodies.includes(viewer.organisationCode);
}

/**
 * Whose people a list across people covers (the disputes list, the recharge statement): an admin's
 * covers every organisation (null); anyone else's only their own organisation's.
 */
export function organisationScope(viewer: Viewer): string | null {
  return viewer.role === 'admin' ? null : viewer.organisationCode;
}

/**
 * RESP-6: the bodies with a claim to responsibility for a person, who alone may be named as parties to
 * a dispute about them: the local authorities and ICBs of any episode (proposed or confirmed), every
 * local authority the person has lived in (ordinary residence) and every ICB of their GP registrations
 * (the originating ICB, RESP-5). Naming anyone else would only show them a stranger's dispute.
 */
export interface ResponsibilityClaims { localAuthorities: readonly string[]; icbs: readonly string[] }

export function responsibilityClaims(facts: {
  episodes: readonly { localAuthority: { code: string | null }; icb: { code: string | null } }[];
  residences: readonly { localAuthority: string }[];
  gpRegistrations: readonly { icb: string }[];
}): ResponsibilityClaims {
  const codes = (list: (string | null)[]) => [...new Set(list.filter((c): c is string => Boolean(c)))].sort();
  return {
    localAuthorities: codes([...facts.episodes.map((e) => e.localAuthority.code), ...facts.residences.map((r) => r.localAuthority)]),
    icbs: codes([...facts.episodes.map((e) => e.icb.code), ...facts.gpRegistrations.map((g) => g.icb)]),
  };
}

/** RESP-6: a party named in a dispute is a body of that kind with a claim to responsibility for the person. */
export function canBeNamedInDispute(party: { kind: 'local-authority' | 'icb'; code: string }, claims: ResponsibilityClaims): boolean {
  return (party.kind === 'local-authority' ? claims.localAuthorities : claims.icbs).includes(party.code);
}

/**
 * RESP-6: who sees a dispute (its dates, deadlines and details): an admin, or a party (or the interim
 * funder) whose organisation may see the person. Being named gives a body only the dispute, never a
 * person it could not otherwise see: a dispute about a person the viewer gets 404 for is not shown.
 */
export function canSeeDispute(viewer: Viewer, bodyCodes: readonly string[], seesPerson: boolean): boolean {
  return viewer.role === 'admin' || (seesPerson && bodyCodes.includes(viewer.organisationCode));
}

/**
 * RESP-6: a dispute is recorded and changed by the bodies in it (either party; an admin may too),
 * because each is answerable for what the record says about the dispute.
 */
export function canActInDispute(viewer: Viewer, partyCodes: readonly string[]): boolean {
  return viewer.role === 'admin' || partyCodes.includes(viewer.organisationCode);
}

/**
 * RESP-1: a body records only what it paid itself, because the recharge between the local authority
 * and the ICB is worked out from each body's own payments (an admin may record any body's).
 */
export function canRecordPaymentFor(viewer: Viewer, payingOrganisationCode: string): boolean {
  return viewer.role === 'admin' || payingOrganisationCode === viewer.organisationCode;
}

/** RESP-7: a partnership's funding policy is made by an admin or an s117 lead of its local authority or ICB. */
export function canManageFundingPolicy(actor: Viewer & { organisationType: OrganisationType }, partnership: { localAuthority: string; icb: string }): boolean {
  if (actor.role === 'admin') return true;
  return can(actor.role, 'funding-policy:manage') && actor.organisationType !== 'provider' && [partnership.localAuthority, partnership.icb].includes(actor.organisationCode);
}

/**
 * REG-1, REG-2 (issue 15, task B): who sees that an NHS number already on the register was registered
 * again (people.duplicate_of), and decides whether the two records are one person. Registering a
 * stranger's NHS number answers as for a new person ("not there = not yours"), so the organisation that
 * made the later record learns nothing from the pair: only those who could already see the person
 * registered first may see it. That is an admin, or an s117 lead (approver) of an organisation with sight
 * of the person ALREADY registered. They see which organisation registered the number again, when and
 * by which route, never the other record's contents; after a merge every organisation sees the
 * surviving record only as its own facts justify (organisationsWithSight), with no sight given here.
 */
export function canSeeDuplicateRegistration(viewer: Viewer, organisationsWithSightOfRegistered: readonly string[]): boolean {
  if (viewer.role === 'admin') return true;
  return can(viewer.role, 'duplicates:manage') && organisationsWithSightOfRegistered.includes(viewer.organisationCode);
}
