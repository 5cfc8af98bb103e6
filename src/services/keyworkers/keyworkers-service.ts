// The named keyworker (PLAN-3): allocating and reallocating, the history, and a user's caseload.
// A keyworker is a person_allocations row with reason 'keyworker'; allocation gives the keyworker's
// organisation sight of the person, and reallocation ends the old row so that the history is kept.
import { randomUUID } from 'node:crypto';
import { KEYWORKER_ROLES, can } from '../../domain/access.ts';
import { todayInLondon } from '../../domain/dates.ts';
import { keyworkerAllocationRefusal, keyworkerCandidateViolations, keyworkerWarning } from '../../domain/planning.ts';
import { findUserById } from '../../data/accounts-repository.ts';
import type { Db } from '../../data/database.ts';
import * as keyworkers from '../../data/keyworkers-repository.ts';
import * as people from '../../data/people-repository.ts';
import { loadPersonReadModel, partsTogether } from '../../data/person-read-model.ts';
import type { PersonRow } from '../../data/schema.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { ForbiddenError } from '../kernel/errors.ts';
import { viewOfModel, type ServiceOptions } from '../people/people-service.ts';
import { findVisiblePerson } from '../kernel/person-record.ts';
import { KeyworkerInput } from './keyworkers-inputs.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { personIdentity } from '../kernel/person-list-item.ts';

export function keyworkerView(row: keyworkers.KeyworkerRow) {
  return {
    allocationId: row.allocation_id,
    userId: row.user_id,
    name: row.user_name,
    role: row.user_role,
    organisation: { code: row.organisation_code, name: row.organisation_name },
    jobTitle: row.job_title,
    team: row.team,
    phone: row.phone,
    email: row.email ?? row.user_email,
    allocatedAt: new Date(row.allocated_at).toISOString(),
    endedAt: row.ended_at ? new Date(row.ended_at).toISOString() : null,
    /** The same instants as UK dates, for people to read. */
    allocatedOn: todayInLondon(new Date(row.allocated_at)),
    endedOn: row.ended_at ? todayInLondon(new Date(row.ended_at)) : null,
  };
}

/**
 * The person's current keyworker, the history, and the PLAN-3 warning when there is none: what
 * keyworkers.get answers, read in the caller's transaction with no audit (for composite pages).
 */
export async function keyworkerPart(trx: Db, person: Pick<PersonRow, 'id'>) {
  const [history, summary] = await Promise.all([keyworkers.keyworkerHistory(trx, person.id), keyworkers.episodeSummary(trx, person.id)]);
  return keyworkerOf(history, summary);
}

/** The keyworker panel from the history (latest first) and the person's summary row (keyworkerPart's, or the read model's). */
export function keyworkerOf(history: keyworkers.KeyworkerRow[], summary: { status: string; left_hospital_on: string | null } | undefined) {
  const current = history.find((k) => k.ended_at === null);
  const episode = summary && summary.status !== 'not-entitled' ? { status: summary.status as 'planning', leftHospitalOn: summary.left_hospital_on } : null;
  return {
    current: current ? keyworkerView(current) : null,
    history: history.map(keyworkerView),
    warning: keyworkerWarning(episode, current ? { userId: current.user_id } : null),
  };
}

/** Users who can be chosen as the person's keyworker: of the organisations with sight of the person, and the actor's own. */
async function candidatesPart(trx: Db, actor: Actor, person: Pick<PersonRow, 'id'>) {
  const codes = new Set([...(await people.organisationsWithSightOf(trx, person.id)), actor.organisationCode]);
  return candidatesOf(await keyworkers.usersOfOrganisations(trx, [...codes], KEYWORKER_ROLES));
}

/** The candidates from their rows (candidatesPart's, or the read model's). */
function candidatesOf(rows: keyworkers.CandidateRow[]) {
  return rows.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, organisation: { code: u.organisation_code, name: u.organisation_name } }));
}

export function createKeyworkerService(db: Db, { useCases }: ServiceOptions) {
  return {
    /** PLAN-3: allocate (or reallocate) the named keyworker, with contact details. */
    async allocate(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'keyworker:allocate');
      const data = parseInput(KeyworkerInput, input);
      type Allocated = { user: NonNullable<Awaited<ReturnType<typeof findUserById>>>; previousUserId: string | null };
      return useCases.change<Allocated, Awaited<ReturnType<typeof keyworkerPart>>>(
        actor,
        personId,
        {
          permission: 'keyworker:allocate',
          audit: ({ user, previousUserId }) => ({
            action: previousUserId ? 'keyworker.reallocate' : 'keyworker.allocate',
            details: { userId: user.id, organisation: user.organisation_code, previousUserId, fields: Object.keys(data) },
          }),
        },
        async ({ trx, person, now }) => {
          const user = await findUserById(trx, data.userId);
          refuse(keyworkerCandidateViolations(user));
          const refusal = keyworkerAllocationRefusal(actor, user!.organisation_code, await people.organisationsWithSightOf(trx, person.id));
          if (refusal) throw new ForbiddenError(refusal);
          const previous = await keyworkers.currentKeyworker(trx, person.id);
          await keyworkers.endKeyworker(trx, person.id, now);
          await keyworkers.insertKeyworker(trx, {
            id: randomUUID(),
            personId: person.id,
            userId: user!.id,
            organisationId: user!.organisation_id,
            at: now,
            jobTitle: data.jobTitle ?? null,
            team: data.team ?? null,
            phone: data.phone ?? null,
            email: data.email ?? null,
          });
          // The projections are re-derived after this: the keyworker's organisation now has sight of the person.
          return { user: user!, previousUserId: previous?.user_id ?? null };
        },
        ({ trx, person }) => keyworkerPart(trx, person),
      );
    },

    /** The current keyworker, the history, and the PLAN-3 warning when there is none. */
    async get(actor: Actor, personId: string) {
      return useCases.readModelAtOnce(
        actor,
        personId,
        { permission: 'person:read', audit: { action: 'keyworker.view' } },
        (db, viewer, event) => loadPersonReadModel(db, personId, viewer, { summary: true }, event, keyworkers.KEYWORKERS_PART),
        ({ model: { part, summary } }) => keyworkerOf(part, summary && { status: summary.status, left_hospital_on: summary.left_hospital_on }),
      );
    },

    /** Users who can be chosen as the keyworker: of the organisations with sight of the person, and the caller's own. Not audited: it shows no one's record. */
    async candidates(actor: Actor, personId: string) {
      return useCases.run(actor, { permission: 'keyworker:allocate', audit: null }, async ({ trx }) => {
        return candidatesPart(trx, actor, await findVisiblePerson(trx, actor, personId));
      });
    },

    /**
     * The keyworker page: the person's heading, the keyworker and, for those who may allocate, whom
     * they may choose, read in one use case with one keyworker.view event naming the parts.
     */
    async page(actor: Actor, personId: string) {
      const mayAllocate = can(actor.role, 'keyworker:allocate');
      const parts = mayAllocate ? ['person', 'keyworker', 'keyworker-candidates'] : ['person', 'keyworker'];
      const part = partsTogether({
        history: keyworkers.KEYWORKERS_PART,
        candidates: mayAllocate ? keyworkers.keyworkerCandidatesPart(actor.organisationCode, KEYWORKER_ROLES) : keyworkers.NO_KEYWORKER_CANDIDATES,
      });
      // One statement in autocommit, with the page's audit event appended by it (useCases.readModelAtOnce).
      return useCases.readModelAtOnce(
        actor,
        personId,
        { permission: 'person:read', audit: { action: 'keyworker.view', details: { parts } } },
        (readDb, viewer, audit) => loadPersonReadModel(readDb, personId, viewer, { summary: true }, audit, part),
        ({ model }) => ({
          person: viewOfModel(model),
          keyworker: keyworkerOf(model.part.history, model.summary),
          mayAllocate,
          candidates: candidatesOf(model.part.candidates),
        }),
      );
    },

    /** Users of the caller's organisation who can be keyworkers (every organisation's, for an admin), for the register's filter. */
    async colleagues(actor: Actor) {
      return useCases.run(actor, { permission: 'person:read', audit: null }, async ({ trx }) => {
        const rows = actor.role === 'admin'
          ? await keyworkers.usersWithRoles(trx, KEYWORKER_ROLES)
          : await keyworkers.usersOfOrganisations(trx, [actor.organisationCode], KEYWORKER_ROLES);
        return rows.map((u) => ({ id: u.id, name: u.name, organisation: { code: u.organisation_code, name: u.organisation_name } }));
      });
    },

    /** "My caseload": the people whose current keyworker is the caller. */
    async caseload(actor: Actor) {
      return useCases.run(
        actor,
        { permission: 'person:read', audit: (result: { items: { id: string }[] }) => ({ action: 'caseload.view', details: { results: result.items.length, personIds: result.items.map((r) => r.id) } }) },
        async ({ trx }) => {
          const rows = await keyworkers.caseload(trx, actor.userId);
          return {
            items: rows.map((r) => ({
              ...personIdentity(r),
              status: r.status ?? 'not-entitled',
              nextReviewDue: r.next_review_due,
              planningNeededSince: r.planning_needed_since,
              keyworkerSince: new Date(r.allocated_at).toISOString(),
            })),
            nextCursor: null as string | null,
          };
        },
      );
    },
  };
}

export type KeyworkerService = ReturnType<typeof createKeyworkerService>;
