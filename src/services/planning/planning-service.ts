// Planning aftercare from detention (PLAN-1) and the section 117 planning meeting (PLAN-2): schedule
// it, invite the people PLAN-2 lists, record attendance and apologies, the person's views and the
// minutes, and hold it. The planning task list shows who still needs a planning meeting.
import { randomUUID } from 'node:crypto';
import { computeAftercare, type AftercareResult, type Episode, type LawSettings } from '../../domain/aftercare.ts';
import { todayInLondon, type IsoDate } from '../../domain/dates.ts';
import {
  INVITEE_ROLES, carerInvitationViolations, carerWishViolations, defaultInviteeRoles, expectedInvitees, meetingHeldOnViolations, missingInvitees,
  planningDaysOpen, planningStatus, type InviteeRole, type MeetingTrigger,
} from '../../domain/planning.ts';
import type { Violation } from '../../domain/violations.ts';
import type { Db } from '../../data/database.ts';
import * as planning from '../../data/planning-repository.ts';
import { loadPersonReadModel } from '../../data/person-read-model.ts';
import type { PersonRow } from '../../data/schema.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { NotFoundError, ValidationError } from '../kernel/errors.ts';
import { factsOfModel, viewOfModel, type ServiceOptions } from '../people/people-service.ts';
import { deriveAftercare, isUuid, rejectFutureDates } from '../kernel/person-record.ts';
import { checkVersion, mustHaveUpdated } from '../kernel/use-case.ts';
import { MeetingCreateInput, MeetingUpdateInput, PlanningTasksQueryInput } from './planning-inputs.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { decodeCursor, inMemoryPageQuery, keyText, pageInMemory, pageOf, type Page } from '../kernel/paging.ts';

type MeetingRow = NonNullable<Awaited<ReturnType<typeof planning.findMeeting>>>;
type InviteeRow = Awaited<ReturnType<typeof planning.listInvitees>>[number];

/** Invitees in the order PLAN-2 lists the roles (the person first). */
const byRole = (a: InviteeRow, b: InviteeRow) => INVITEE_ROLES.indexOf(a.role as InviteeRole) - INVITEE_ROLES.indexOf(b.role as InviteeRole) || (a.id < b.id ? -1 : 1);

function meetingView(row: MeetingRow, invitees: InviteeRow[], episodes: readonly Episode[]) {
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

async function meetingOf(trx: Db, id: string, episodes: readonly Episode[]) {
  return meetingView((await planning.findMeeting(trx, id))!, await planning.listInvitees(trx, [id]), episodes);
}

/**
 * The person's planning meetings, the PLAN-1 status and the PLAN-2 roles expected for them: what
 * planning.list answers, read in the caller's transaction with no audit (for composite pages).
 * paging null: every meeting.
 */
export async function planningMeetingsPart(trx: Db, person: PersonRow, today: IsoDate, law: LawSettings, paging: Page | null = null, derived?: AftercareResult) {
  const aftercare = derived ?? (await deriveAftercare(trx, person, today, law));
  const rows = await planning.listMeetings(trx, person.id);
  const invitees = await planning.listInvitees(trx, rows.map((r) => r.id));
  return planningMeetingsOf(rows, invitees, aftercare, today, paging);
}

/** Latest first, by a keyset on (scheduled for, recorded, id). */
const MEETINGS_ORDER = ['desc', 'desc', 'asc'] as const;

/** The planning meetings panel from the meetings (latest first) and their invitees (planningMeetingsPart's, or the read model's). */
export function planningMeetingsOf(rows: MeetingRow[], invitees: InviteeRow[], aftercare: AftercareResult, today: IsoDate, paging: Page | null = null) {
  const all = rows.map((r) => meetingView(r, invitees, aftercare.episodes));
  // The PLAN-1 status looks at every meeting, not just the page.
  const { page: items, nextCursor } = paging ? pageInMemory(all, paging, MEETINGS_ORDER, (m) => [keyText(m.scheduledFor), keyText(m.createdAt), m.id]) : { page: all, nextCursor: null };
  const latest = aftercare.episodes.at(-1);
  return {
    items,
    nextCursor,
    planning: planningStatus(latest, all.map((m) => ({ episodeId: m.episodeId, heldOn: m.heldOn })), today),
    expectedInvitees: expectedInvitees({ qualifyingSection: latest?.qualifyingSection ?? null, personWantsCarerOrFamily: true }),
  };
}

export function createPlanningService(db: Db, { clock, useCases }: ServiceOptions) {
  const { law } = useCases;
  const today = () => todayInLondon(clock());

  return {
    /** Schedules a planning meeting and records the invitations (PLAN-2). */
    async schedule(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'planning:record');
      const data = parseInput(MeetingCreateInput, input);
      type Scheduled = { id: string; episodeId: string | null; roles: string[]; episodes: Episode[] };
      return useCases.change<Scheduled, ReturnType<typeof meetingView>>(
        actor,
        personId,
        {
          permission: 'planning:record',
          audit: (r) => ({ action: 'planning-meeting.schedule', recordType: 'planning-meeting', recordId: r.id, details: { trigger: data.trigger, episodeId: r.episodeId, roles: r.roles } }),
        },
        async ({ trx, person, today }) => {
          const { episodes } = await deriveAftercare(trx, person, today, law);
          const episode = data.episodeId ? episodes.find((e) => e.id === data.episodeId) : episodes.at(-1);
          if (data.episodeId && !episode) throw new ValidationError([{ field: 'episodeId', message: 'That is not one of the person’s aftercare episodes' }]);
          const invitees = data.invitees
            ?? defaultInviteeRoles({ qualifyingSection: episode?.qualifyingSection ?? null, personWantsCarerOrFamily: data.personWantsCarerOrFamily }).map((role) => ({ role, name: null, organisation: null }));
          refuse(carerInvitationViolations(invitees.map((r) => r.role), data.personWantsCarerOrFamily, 'invitees'));
          const id = randomUUID();
          await planning.insertMeeting(trx, {
            id, personId: person.id, episodeId: episode?.id ?? null, trigger: data.trigger, scheduledFor: data.scheduledFor, place: data.place ?? null,
            personWantsCarerFamily: data.personWantsCarerOrFamily, createdBy: actor.userId,
          });
          await planning.insertInvitees(trx, id, invitees.map((r) => ({ id: randomUUID(), role: r.role, name: r.name ?? null, organisation: r.organisation ?? null, invitedOn: today })));
          return { id, episodeId: episode?.id ?? null, roles: invitees.map((r) => r.role), episodes };
        },
        ({ trx }, r) => meetingOf(trx, r.id, r.episodes),
      );
    },

    /** The person's planning meetings, the PLAN-1 status and the PLAN-2 roles expected for them. */
    async list(actor: Actor, personId: string, query?: unknown) {
      requirePermission(actor, 'person:read');
      const paging = inMemoryPageQuery(query, MEETINGS_ORDER);
      // One statement in autocommit, with the list's audit event appended by it (useCases.readModelAtOnce).
      return useCases.readModelAtOnce(
        actor,
        personId,
        { permission: 'person:read', audit: { action: 'planning-meeting.list' } },
        (readDb, viewer, event) => loadPersonReadModel(readDb, personId, viewer, { facts: true }, event, planning.MEETINGS_PART),
        ({ model, today }) => planningMeetingsOf(model.part.meetings, model.part.invitees, computeAftercare(factsOfModel(model, law), today), today, paging),
      );
    },

    /**
     * The meetings pages (the list, a new meeting, recording one): the person's heading and every
     * meeting, read in one use case with one planning-meeting.list event naming the parts.
     */
    async page(actor: Actor, personId: string) {
      const audit = { action: 'planning-meeting.list', details: { parts: ['person', 'planning-meetings'] } };
      // One statement in autocommit, with the page's audit event appended by it (useCases.readModelAtOnce).
      return useCases.readModelAtOnce(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer, event) => loadPersonReadModel(readDb, personId, viewer, { summary: true, facts: true }, event, planning.MEETINGS_PART),
        ({ model, today }) => ({
          person: viewOfModel(model),
          meetings: planningMeetingsOf(model.part.meetings, model.part.invitees, computeAftercare(factsOfModel(model, law), today), today),
        }),
      );
    },

    /** Records the meeting as held, attendance and apologies, the person's views and the minutes. */
    async update(actor: Actor, personId: string, meetingId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'planning:record');
      const data = parseInput(MeetingUpdateInput, input);
      rejectFutureDates({ heldOn: data.heldOn }, today());
      type Updated = { id: string; episodes: Episode[] };
      return useCases.change<Updated, ReturnType<typeof meetingView>>(
        actor,
        personId,
        {
          permission: 'planning:record',
          // Holding the meeting closes the PLAN-1 task: the projections re-derived after the change show it.
          audit: (r) => ({ action: 'planning-meeting.update', recordType: 'planning-meeting', recordId: r.id, details: { fields: Object.keys(data), held: Boolean(data.heldOn) } }),
        },
        async ({ trx, person, today }) => {
          const row = isUuid(meetingId) ? await planning.findMeeting(trx, meetingId) : undefined;
          if (!row || row.person_id !== person.id) throw new NotFoundError('planning meeting');
          checkVersion('planning meeting', expectedVersion, row.version);
          const invitees = await planning.listInvitees(trx, [row.id]);
          const wants = data.personWantsCarerOrFamily ?? row.person_wants_carer_family;
          const { episodes } = await deriveAftercare(trx, person, today, law);
          const errors: Violation[] = [...meetingHeldOnViolations(data.heldOn, episodes.find((e) => e.id === row.episode_id))];
          (data.attendance ?? []).forEach((a, i) => {
            if (!invitees.some((inv) => inv.id === a.inviteeId)) errors.push({ field: `attendance.${i}.inviteeId`, message: 'That is not one of this meeting’s invitees' });
          });
          errors.push(...carerWishViolations(data.personWantsCarerOrFamily, invitees.map((i) => i.role)));
          errors.push(...carerInvitationViolations((data.addInvitees ?? []).map((r) => r.role), wants, 'addInvitees'));
          refuse(errors);
          const changes = {
            ...(data.scheduledFor !== undefined && { scheduled_for: data.scheduledFor }),
            ...(data.place !== undefined && { place: data.place }),
            ...(data.heldOn !== undefined && { held_on: data.heldOn }),
            ...(data.personViews !== undefined && { person_views: data.personViews }),
            ...(data.minutes !== undefined && { minutes: data.minutes }),
            ...(data.personWantsCarerOrFamily !== undefined && { person_wants_carer_family: data.personWantsCarerOrFamily }),
          };
          mustHaveUpdated(await planning.updateMeeting(trx, row.id, row.version, changes), 'planning meeting');
          for (const a of data.attendance ?? []) await planning.setInviteeResponse(trx, row.id, a.inviteeId, a.response);
          await planning.insertInvitees(trx, row.id, (data.addInvitees ?? []).map((r) => ({ id: randomUUID(), role: r.role, name: r.name ?? null, organisation: r.organisation ?? null, invitedOn: today })));
          // A meeting changes no episode, so the episodes read before the change still hold for the answer.
          return { id: row.id, episodes };
        },
        ({ trx }, r) => meetingOf(trx, r.id, r.episodes),
      );
    },

    /** PLAN-1: people whose latest episode still needs a planning meeting: the organisation's, and the caller's caseload. */
    async tasks(actor: Actor, input: unknown = {}) {
      requirePermission(actor, 'person:read');
      const query = parseInput(PlanningTasksQueryInput, input);
      const audit = (r: { items: { personId: string }[] }) => ({ action: 'planning.tasks', details: { results: r.items.length, personIds: r.items.map((i) => i.personId) } });
      return useCases.run(actor, { permission: 'person:read', audit }, async ({ trx, today }) => {
        const after = decodeCursor(query.cursor, ['uuid'])?.[0];
        const { page: rows, nextCursor } = pageOf(await planning.planningTasks(trx, actor.role === 'admin' ? null : actor.organisationCode, query.limit + 1, after), query.limit, (r) => [r.id]);
        const items = rows.map((r) => ({
          personId: r.id,
          givenName: r.given_name,
          familyName: r.family_name,
          nhsNumber: r.nhs_number,
          status: r.status,
          planningSince: r.planning_needed_since,
          daysOpen: planningDaysOpen(r.planning_needed_since, today),
          keyworker: r.keyworker_user_id ? { userId: r.keyworker_user_id, name: r.keyworker_name } : null,
          mine: r.keyworker_user_id === actor.userId,
          rule: 'PLAN-1',
        }));
        return { items, mine: items.filter((i) => i.mine), nextCursor };
      });
    },
  };
}

export type PlanningService = ReturnType<typeof createPlanningService>;
