// Planning aftercare from detention (PLAN-1) and the section 117 planning meeting (PLAN-2): schedule
// it, invite the people PLAN-2 lists, record attendance and apologies, the person's views and the
// minutes, and hold it. The planning task list shows who still needs a planning meeting.
import { randomUUID } from 'node:crypto';
import type { Episode } from '../../domain/aftercare.ts';
import { compareDates, daysBetween, todayInLondon } from '../../domain/dates.ts';
import { INVITEE_ROLES, expectedInvitees, missingInvitees, planningStatus, type InviteeRole, type MeetingTrigger } from '../../domain/planning.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as planning from '../../data/planning-repository.ts';
import type { PersonRow } from '../../data/schema.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../kernel/errors.ts';
import type { ServiceOptions } from '../people/people-service.ts';
import { deriveAftercare, findVisiblePerson, isUuid, refreshProjections, rejectFutureDates } from '../kernel/person-record.ts';
import { MeetingCreateInput, MeetingUpdateInput, PlanningTasksQueryInput } from './planning-inputs.ts';
import { parseInput } from '../kernel/validation.ts';
import { decodeCursor, keyText, pageInMemory, pageOf, pageQuery } from '../kernel/paging.ts';

type MeetingRow = NonNullable<Awaited<ReturnType<typeof planning.findMeeting>>>;
type InviteeRow = Awaited<ReturnType<typeof planning.listInvitees>>[number];

/** Invitees in the order PLAN-2 lists the roles (the person first). */
const byRole = (a: InviteeRow, b: InviteeRow) => INVITEE_ROLES.indexOf(a.role as InviteeRole) - INVITEE_ROLES.indexOf(b.role as InviteeRole) || (a.id < b.id ? -1 : 1);

function meetingView(row: MeetingRow, invitees: InviteeRow[], episodes: Episode[]) {
  const episode = episodes.find((e) => e.id === row.episode_id);
  const expected = expectedInvitees({ qualifyingSection: episode?.qualifyingSection ?? null, personWantsCarerOrFamily: row.person_wants_carer_family });
  return {
    id: row.id,
    version: row.version,
    episodeId: row.episode_id,
    trigger: row.trigger as MeetingTrigger,
    scheduledFor: row.scheduled_for,
    place: row.place,
    heldOn: row.held_on,
    personViews: row.person_views,
    minutes: row.minutes,
    personWantsCarerOrFamily: row.person_wants_carer_family,
    invitees: invitees.filter((i) => i.meeting_id === row.id).sort(byRole).map((i) => ({ id: i.id, role: i.role as InviteeRole, name: i.name, organisation: i.organisation, invitedOn: i.invited_on, response: i.response })),
    /** PLAN-2: roles expected for this person that were not invited (a warning, never a refusal). */
    missingInvitees: missingInvitees(expected, invitees.filter((i) => i.meeting_id === row.id).map((i) => i.role)).map((m) => ({ role: m.role, label: m.label, rule: m.rule })),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** PLAN-2: a carer or family member is invited only if the person wants them. */
function carerRefusals(roles: readonly string[], personWants: boolean, field: string): FieldError[] {
  const at = roles.indexOf('carer-family');
  if (at < 0 || personWants) return [];
  return [{ field: `${field}.${at}.role`, message: 'Invite a carer or family member only if the person wants them (set personWantsCarerOrFamily)', rule: 'PLAN-2' }];
}

export function createPlanningService(db: Db, { clock, reviews }: ServiceOptions) {
  const today = () => todayInLondon(clock());

  async function meetingsOf(trx: Db, person: PersonRow, episodes: Episode[]) {
    const rows = await planning.listMeetings(trx, person.id);
    const invitees = await planning.listInvitees(trx, rows.map((r) => r.id));
    return rows.map((r) => meetingView(r, invitees, episodes));
  }

  return {
    /** Schedules a planning meeting and records the invitations (PLAN-2). */
    async schedule(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'planning:record');
      const data = parseInput(MeetingCreateInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const aftercare = await refreshProjections(trx, person, today(), reviews);
        let episode: Episode | undefined;
        if (data.episodeId) {
          episode = aftercare.episodes.find((e) => e.id === data.episodeId);
          if (!episode) throw new ValidationError([{ field: 'episodeId', message: 'That is not one of the person’s aftercare episodes' }]);
        } else {
          episode = aftercare.episodes.at(-1);
        }
        const roles = data.invitees
          ? data.invitees
          : expectedInvitees({ qualifyingSection: episode?.qualifyingSection ?? null, personWantsCarerOrFamily: data.personWantsCarerOrFamily })
            .filter((e) => e.expected)
            .map((e) => ({ role: e.role, name: null, organisation: null }));
        const refusals = carerRefusals(roles.map((r) => r.role), data.personWantsCarerOrFamily, 'invitees');
        if (refusals.length > 0) throw new ValidationError(refusals);
        const id = randomUUID();
        await planning.insertMeeting(trx, {
          id, personId: person.id, episodeId: episode?.id ?? null, trigger: data.trigger, scheduledFor: data.scheduledFor, place: data.place ?? null,
          personWantsCarerFamily: data.personWantsCarerOrFamily, createdBy: actor.userId,
        });
        await planning.insertInvitees(trx, id, roles.map((r) => ({ id: randomUUID(), role: r.role, name: r.name ?? null, organisation: r.organisation ?? null, invitedOn: today() })));
        await appendAuditEvent(
          trx,
          { ...auditActor(actor), action: 'planning-meeting.schedule', recordType: 'planning-meeting', recordId: id, personId: person.id, details: { trigger: data.trigger, episodeId: episode?.id ?? null, roles: roles.map((r) => r.role) } },
          clock(),
        );
        const row = (await planning.findMeeting(trx, id))!;
        return meetingView(row, await planning.listInvitees(trx, [id]), aftercare.episodes);
      });
    },

    /** The person's planning meetings, the PLAN-1 status and the PLAN-2 roles expected for them. */
    async list(actor: Actor, personId: string, query?: unknown) {
      requirePermission(actor, 'person:read');
      const paging = pageQuery(query);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const aftercare = await deriveAftercare(trx, person, today());
        const all = await meetingsOf(trx, person, aftercare.episodes);
        // Lists convention: a keyset on (scheduled for, recorded, id), latest first. PLAN-1 looks at every meeting.
        const { page: items, nextCursor } = paging ? pageInMemory(all, paging, ['desc', 'desc', 'asc'], (m) => [keyText(m.scheduledFor), keyText(m.createdAt), m.id]) : { page: all, nextCursor: null };
        const latest = aftercare.episodes.at(-1);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'planning-meeting.list', recordType: 'person', recordId: person.id, personId: person.id }, clock());
        return {
          items,
          nextCursor,
          planning: planningStatus(latest, all.map((m) => ({ episodeId: m.episodeId, heldOn: m.heldOn })), today()),
          expectedInvitees: expectedInvitees({ qualifyingSection: latest?.qualifyingSection ?? null, personWantsCarerOrFamily: true }),
        };
      });
    },

    /** Records the meeting as held, attendance and apologies, the person's views and the minutes. */
    async update(actor: Actor, personId: string, meetingId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'planning:record');
      const data = parseInput(MeetingUpdateInput, input);
      rejectFutureDates({ heldOn: data.heldOn }, today());
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = isUuid(meetingId) ? await planning.findMeeting(trx, meetingId) : undefined;
        if (!row || row.person_id !== person.id) throw new NotFoundError('planning meeting');
        if (expectedVersion !== null && expectedVersion !== row.version) {
          throw new ConflictError(`The planning meeting has changed since version ${expectedVersion}; it is now version ${row.version}`);
        }
        const invitees = await planning.listInvitees(trx, [row.id]);
        const wants = data.personWantsCarerOrFamily ?? row.person_wants_carer_family;
        const errors: FieldError[] = [];
        const before = await deriveAftercare(trx, person, today());
        const episode = before.episodes.find((e) => e.id === row.episode_id);
        if (data.heldOn && episode && compareDates(data.heldOn, episode.qualifyingFrom) < 0) {
          errors.push({ field: 'heldOn', message: 'A planning meeting for this episode cannot be held before the detention began', rule: 'PLAN-1' });
        }
        (data.attendance ?? []).forEach((a, i) => {
          if (!invitees.some((inv) => inv.id === a.inviteeId)) errors.push({ field: `attendance.${i}.inviteeId`, message: 'That is not one of this meeting’s invitees' });
        });
        if (!wants && invitees.some((i) => i.role === 'carer-family') && data.personWantsCarerOrFamily === false) {
          errors.push({ field: 'personWantsCarerOrFamily', message: 'A carer or family member is invited: remove the invitation first, or record that the person wants them', rule: 'PLAN-2' });
        }
        errors.push(...carerRefusals((data.addInvitees ?? []).map((r) => r.role), wants, 'addInvitees'));
        if (errors.length > 0) throw new ValidationError(errors);
        const changes = {
          ...(data.scheduledFor !== undefined && { scheduled_for: data.scheduledFor }),
          ...(data.place !== undefined && { place: data.place }),
          ...(data.heldOn !== undefined && { held_on: data.heldOn }),
          ...(data.personViews !== undefined && { person_views: data.personViews }),
          ...(data.minutes !== undefined && { minutes: data.minutes }),
          ...(data.personWantsCarerOrFamily !== undefined && { person_wants_carer_family: data.personWantsCarerOrFamily }),
        };
        if (!(await planning.updateMeeting(trx, row.id, row.version, changes))) {
          throw new ConflictError('The planning meeting was changed by someone else at the same time; reload and try again');
        }
        for (const a of data.attendance ?? []) await planning.setInviteeResponse(trx, row.id, a.inviteeId, a.response);
        await planning.insertInvitees(trx, row.id, (data.addInvitees ?? []).map((r) => ({ id: randomUUID(), role: r.role, name: r.name ?? null, organisation: r.organisation ?? null, invitedOn: today() })));
        // Holding the meeting closes the PLAN-1 task.
        const aftercare = await refreshProjections(trx, person, today(), reviews);
        await appendAuditEvent(
          trx,
          { ...auditActor(actor), action: 'planning-meeting.update', recordType: 'planning-meeting', recordId: row.id, personId: person.id, details: { fields: Object.keys(data), held: Boolean(data.heldOn) } },
          clock(),
        );
        const updated = (await planning.findMeeting(trx, row.id))!;
        return meetingView(updated, await planning.listInvitees(trx, [row.id]), aftercare.episodes);
      });
    },

    /** PLAN-1: people whose latest episode still needs a planning meeting: the organisation's, and the caller's caseload. */
    async tasks(actor: Actor, input: unknown = {}) {
      requirePermission(actor, 'person:read');
      const query = parseInput(PlanningTasksQueryInput, input);
      return db.transaction().execute(async (trx) => {
        const after = decodeCursor(query.cursor, 1)?.[0];
        const { page: rows, nextCursor } = pageOf(await planning.planningTasks(trx, actor.role === 'admin' ? null : actor.organisationCode, query.limit + 1, after), query.limit, (r) => [r.id]);
        const now = today();
        const items = rows.map((r) => ({
          personId: r.id,
          givenName: r.given_name,
          familyName: r.family_name,
          nhsNumber: r.nhs_number,
          status: r.status,
          planningSince: r.planning_needed_since,
          daysOpen: Math.max(0, daysBetween(r.planning_needed_since, now)),
          keyworker: r.keyworker_user_id ? { userId: r.keyworker_user_id, name: r.keyworker_name } : null,
          mine: r.keyworker_user_id === actor.userId,
          rule: 'PLAN-1',
        }));
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'planning.tasks', details: { results: items.length, personIds: items.map((i) => i.personId) } }, clock());
        return { items, mine: items.filter((i) => i.mine), nextCursor };
      });
    },
  };
}

export type PlanningService = ReturnType<typeof createPlanningService>;
