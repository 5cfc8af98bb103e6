// The named keyworker (PLAN-3): allocating and reallocating, the history, and a user's caseload.
// A keyworker is a person_allocations row with reason 'keyworker'; allocation gives the keyworker's
// organisation sight of the person, and reallocation ends the old row so that the history is kept.
import { randomUUID } from 'node:crypto';
import { canAllocateKeyworker, KEYWORKER_ROLES } from '../../domain/access.ts';
import { todayInLondon } from '../../domain/dates.ts';
import { keyworkerWarning } from '../../domain/planning.ts';
import { findUserById } from '../../data/accounts-repository.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as people from '../../data/people-repository.ts';
import * as planning from '../../data/planning-repository.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { ForbiddenError, ValidationError } from '../kernel/errors.ts';
import type { ServiceOptions } from '../people/people-service.ts';
import { findVisiblePerson, refreshProjections } from '../kernel/person-record.ts';
import { KeyworkerInput } from '../planning/planning-inputs.ts';
import { parseInput } from '../kernel/validation.ts';

export function keyworkerView(row: planning.KeyworkerRow) {
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

export function createKeyworkerService(db: Db, { clock, reviews }: ServiceOptions) {
  const today = () => todayInLondon(clock());

  async function view(trx: Db, personId: string) {
    const [history, aftercare] = await Promise.all([
      planning.keyworkerHistory(trx, personId),
      trx.selectFrom('person_summaries').select(['status', 'left_hospital_on']).where('person_id', '=', personId).executeTakeFirst(),
    ]);
    const current = history.find((k) => k.ended_at === null);
    const episode = aftercare && aftercare.status !== 'not-entitled' ? { status: aftercare.status as 'planning', leftHospitalOn: aftercare.left_hospital_on } : null;
    return {
      current: current ? keyworkerView(current) : null,
      history: history.map(keyworkerView),
      warning: keyworkerWarning(episode, current ? { userId: current.user_id } : null),
    };
  }

  return {
    /** PLAN-3: allocate (or reallocate) the named keyworker, with contact details. */
    async allocate(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'keyworker:allocate');
      const data = parseInput(KeyworkerInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const user = await findUserById(trx, data.userId);
        if (!user) throw new ValidationError([{ field: 'userId', message: 'There is no user of the register with that id', rule: 'PLAN-3' }]);
        if (!KEYWORKER_ROLES.includes(user.role)) {
          throw new ValidationError([{ field: 'userId', message: `A ${user.role} cannot be a keyworker: choose a practitioner, approver or admin`, rule: 'PLAN-3' }]);
        }
        if (!canAllocateKeyworker(actor, user.organisation_code, await people.organisationsWithSightOf(trx, person.id))) {
          throw new ForbiddenError('The keyworker must work for your organisation or one already responsible for this person');
        }
        const previous = await planning.currentKeyworker(trx, person.id);
        const now = clock();
        await planning.endKeyworker(trx, person.id, now);
        await planning.insertKeyworker(trx, {
          id: randomUUID(),
          personId: person.id,
          userId: user.id,
          organisationId: user.organisation_id,
          at: now,
          jobTitle: data.jobTitle ?? null,
          team: data.team ?? null,
          phone: data.phone ?? null,
          email: data.email ?? null,
        });
        // The keyworker's organisation now has sight of the person.
        await refreshProjections(trx, person, today(), reviews);
        await appendAuditEvent(
          trx,
          {
            ...auditActor(actor), action: previous ? 'keyworker.reallocate' : 'keyworker.allocate', recordType: 'person', recordId: person.id, personId: person.id,
            details: { userId: user.id, organisation: user.organisation_code, previousUserId: previous?.user_id ?? null, fields: Object.keys(data) },
          },
          now,
        );
        return view(trx, person.id);
      });
    },

    /** The current keyworker, the history, and the PLAN-3 warning when there is none. */
    async get(actor: Actor, personId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'keyworker.view', recordType: 'person', recordId: person.id, personId: person.id }, clock());
        return view(trx, person.id);
      });
    },

    /** Users who can be chosen as the keyworker: of the organisations with sight of the person, and the caller's own. */
    async candidates(actor: Actor, personId: string) {
      requirePermission(actor, 'keyworker:allocate');
      const person = await findVisiblePerson(db, actor, personId);
      const codes = new Set([...(await people.organisationsWithSightOf(db, person.id)), actor.organisationCode]);
      const rows = await planning.usersOfOrganisations(db, [...codes], KEYWORKER_ROLES);
      return rows.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role, organisation: { code: u.organisation_code, name: u.organisation_name } }));
    },

    /** Users of the caller's organisation who can be keyworkers (every organisation's, for an admin), for the register's filter. */
    async colleagues(actor: Actor) {
      requirePermission(actor, 'person:read');
      const rows = actor.role === 'admin'
        ? await planning.usersWithRoles(db, KEYWORKER_ROLES)
        : await planning.usersOfOrganisations(db, [actor.organisationCode], KEYWORKER_ROLES);
      return rows.map((u) => ({ id: u.id, name: u.name, organisation: { code: u.organisation_code, name: u.organisation_name } }));
    },

    /** "My caseload": the people whose current keyworker is the caller. */
    async caseload(actor: Actor) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const rows = await planning.caseload(trx, actor.userId);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'caseload.view', details: { results: rows.length, personIds: rows.map((r) => r.id) } }, clock());
        return {
          items: rows.map((r) => ({
            id: r.id,
            nhsNumber: r.nhs_number,
            localId: r.local_id,
            givenName: r.given_name,
            familyName: r.family_name,
            dateOfBirth: r.date_of_birth,
            status: r.status ?? 'not-entitled',
            nextReviewDue: r.next_review_due,
            planningNeededSince: r.planning_needed_since,
            keyworkerSince: new Date(r.allocated_at).toISOString(),
          })),
          nextCursor: null,
        };
      });
    },
  };
}

export type KeyworkerService = ReturnType<typeof createKeyworkerService>;
