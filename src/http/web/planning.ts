// Pages for the planning task list (PLAN-1) and planning meetings (PLAN-2), and the person page's
// panel on the keyworker, planning and advocacy.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../domain/access.ts';
import { INVITEE_ROLES, ROLE_LABELS, TRIGGER_LABELS, MEETING_TRIGGERS } from '../../domain/planning.ts';
import { NotFoundError, ValidationError } from '../../services/kernel/errors.ts';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { allValues, dateValues, formBody, readDate, required, submit, text, version, yesNo, type FormBody } from './forms.ts';
import { personIdOf, signedIn } from './request.ts';
import { flashSuccess } from './success.ts';
import { INVITATION_RESPONSE_LABELS } from './labels.ts';


function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

export function registerPlanningPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };
  const meetingsOf = (request: FastifyRequest) => services.planning.page(signedIn(request), personIdOf(request));
  const shared = { labels: { roles: ROLE_LABELS, triggers: TRIGGER_LABELS, responses: INVITATION_RESPONSE_LABELS } };

  // ---- The planning task list (PLAN-1) --------------------------------------------------------
  web.get('/planning/tasks', page, async (request, reply) => {
    const cursor = (request.query as { cursor?: string }).cursor;
    const tasks = await services.planning.tasks(signedIn(request), cursor ? { cursor } : {});
    const nextHref = tasks.nextCursor ? `/planning/tasks?cursor=${encodeURIComponent(tasks.nextCursor)}` : null;
    return reply.render('pages/planning-tasks.njk', { ...shared, tasks, nextHref, width: 'full' });
  });

  // ---- Planning meetings (PLAN-1, PLAN-2) ----------------------------------------------------
  web.get('/people/:id/meetings', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const actor = signedIn(request);
    const { person, meetings } = await meetingsOf(request);
    return reply.render('pages/meetings.njk', { ...shared, person, meetings, mayRecord: can(actor.role, 'planning:record'), back: { href: `/people/${person.id}` } });
  });

  const meetingNewContext = async (request: FastifyRequest) => {
    const { person, meetings } = await meetingsOf(request);
    return {
      ...shared,
      person,
      expected: meetings.expectedInvitees,
      triggerItems: MEETING_TRIGGERS.map((t) => ({ value: t, text: TRIGGER_LABELS[t] })),
      back: { href: `/people/${person.id}/meetings` },
    };
  };

  web.get('/people/:id/meetings/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await meetingNewContext(request);
    // A carer or family member is ticked only once the person says they want them (PLAN-2).
    const invitees = context.expected.filter((e) => e.expected && e.role !== 'carer-family').map((e) => e.role);
    return reply.render('pages/meeting-new.njk', { ...context, values: { trigger: 'admission', personWantsCarerOrFamily: 'no' }, invitees });
  });

  web.post('/people/:id/meetings/new', form, async (request, reply) => {
    const body = formBody(request);
    const invitees = allValues(request, 'invitees').filter((r) => (INVITEE_ROLES as readonly string[]).includes(r));
    const words = {
      labels: { trigger: 'reason for the meeting', scheduledFor: 'date of the meeting', place: 'place', personWantsCarerOrFamily: 'answer', invitees: 'people invited' },
      dates: { scheduledFor: readDate(body, 'scheduledFor') },
      unanswered: { trigger: 'Select why the meeting is being held' },
    };
    const input = {
      trigger: required(body, 'trigger'),
      scheduledFor: words.dates.scheduledFor.value ?? '',
      place: required(body, 'place'),
      personWantsCarerOrFamily: yesNo(body, 'personWantsCarerOrFamily') ?? false,
      invitees: invitees.map((role) => ({ role, name: text(body, `name-${role}`) ?? null })),
    };
    const context = async () => ({ ...(await meetingNewContext(request)), invitees });
    return submit({ reply, body, template: 'pages/meeting-new.njk', context, words }, async () => {
      try {
        const meeting = await services.planning.schedule(signedIn(request), personIdOf(request), input);
        flashSuccess(reply, 'meeting-scheduled');
        return `/people/${personIdOf(request)}/meetings/${meeting.id}`;
      } catch (error) {
        // A refusal about one invitee (PLAN-2) is shown on the invitee checkboxes.
        if (error instanceof ValidationError) throw new ValidationError(error.errors.map((e) => (e.field.startsWith('invitees.') ? { ...e, field: 'invitees' } : e)));
        throw error;
      }
    });
  });

  const meetingContext = async (request: FastifyRequest) => {
    const actor = signedIn(request);
    const { person, meetings } = await meetingsOf(request);
    const meeting = meetings.items.find((m) => m.id === param(request, 'meetingId'));
    if (!meeting) throw new NotFoundError('planning meeting');
    return { ...shared, person, meeting, mayRecord: can(actor.role, 'planning:record'), back: { href: `/people/${person.id}/meetings` } };
  };

  function meetingValues(meeting: Awaited<ReturnType<typeof meetingContext>>['meeting']): FormBody {
    const values: FormBody = { version: String(meeting.version), personViews: meeting.personViews ?? '', minutes: meeting.minutes ?? '', ...dateValues('heldOn', meeting.heldOn) };
    for (const i of meeting.invitees) values[`response-${i.id}`] = i.response ?? '';
    return values;
  }

  web.get('/people/:id/meetings/:meetingId', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await meetingContext(request);
    return reply.render('pages/meeting-record.njk', { ...context, values: meetingValues(context.meeting) });
  });

  web.post('/people/:id/meetings/:meetingId', form, async (request, reply) => {
    const body = formBody(request);
    const context = await meetingContext(request);
    const words = { labels: { heldOn: 'date the meeting was held', personViews: 'person’s views', minutes: 'minutes' }, dates: { heldOn: readDate(body, 'heldOn') } };
    const input = {
      heldOn: words.dates.heldOn.value,
      personViews: required(body, 'personViews'),
      minutes: required(body, 'minutes'),
      attendance: context.meeting.invitees.map((i) => ({ inviteeId: i.id, response: body[`response-${i.id}`] || null })),
    };
    return submit({ reply, body, template: 'pages/meeting-record.njk', context: async () => context, words }, async () => {
      await services.planning.update(signedIn(request), personIdOf(request), context.meeting.id, version(body), input);
      flashSuccess(reply, 'meeting-recorded');
      return `/people/${personIdOf(request)}/meetings`;
    });
  });
}
