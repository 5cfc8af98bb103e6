// Pages for the keyworker (PLAN-3), "My caseload", the planning task list (PLAN-1), planning meetings
// (PLAN-2), advocacy (ADV-1 to ADV-4) and tribunal recommendations (MHA25-1).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../domain/access.ts';
import { INVITEE_ROLES, ROLE_LABELS, TRIGGER_LABELS, MEETING_TRIGGERS } from '../../domain/planning.ts';
import { NotFoundError, ValidationError } from '../../services/kernel/errors.ts';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { dateValues, formBody, readDate, required, submit, text, version, yesNo, type FormBody } from './forms.ts';
import { personIdOf, signedIn } from './people.ts';

const REFERRAL_KIND_LABELS: Record<string, string> = {
  imha: 'Independent mental health advocate (IMHA)',
  'care-act': 'Care Act advocate',
  imca: 'Independent mental capacity advocate (IMCA)',
  general: 'General (community) advocacy',
};

const RESPONSE_LABELS: Record<string, string> = { attended: 'Attended', apologies: 'Sent apologies', 'did-not-attend': 'Did not attend' };

function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

/** Every value of a repeated form field (checkboxes). */
function allValues(request: FastifyRequest, name: string): string[] {
  const value = ((request.body ?? {}) as Record<string, unknown>)[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function registerPlanningPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };
  const personOf = (request: FastifyRequest) => services.people.get(signedIn(request), personIdOf(request));
  const personHref = (request: FastifyRequest) => `/people/${personIdOf(request)}`;
  const shared = { labels: { roles: ROLE_LABELS, triggers: TRIGGER_LABELS, kinds: REFERRAL_KIND_LABELS, responses: RESPONSE_LABELS } };

  // ---- My caseload and the planning task list ------------------------------------------------
  web.get('/caseload', page, async (request, reply) => {
    const caseload = await services.keyworkers.caseload(signedIn(request));
    return reply.render('pages/caseload.njk', { ...shared, items: caseload.items, width: 'full' });
  });

  web.get('/planning/tasks', page, async (request, reply) => {
    const cursor = (request.query as { cursor?: string }).cursor;
    const tasks = await services.planning.tasks(signedIn(request), cursor ? { cursor } : {});
    const nextHref = tasks.nextCursor ? `/planning/tasks?cursor=${encodeURIComponent(tasks.nextCursor)}` : null;
    return reply.render('pages/planning-tasks.njk', { ...shared, tasks, nextHref, width: 'full' });
  });

  // ---- Keyworker (PLAN-3) --------------------------------------------------------------------
  const keyworkerContext = async (request: FastifyRequest) => {
    const actor = signedIn(request);
    const person = await personOf(request);
    const keyworker = await services.keyworkers.get(actor, person.id);
    const mayAllocate = can(actor.role, 'keyworker:allocate');
    const candidates = mayAllocate ? await services.keyworkers.candidates(actor, person.id) : [];
    return {
      person,
      keyworker,
      mayAllocate,
      userOptions: [{ value: '', text: 'Choose a person' }, ...candidates.map((u) => ({ value: u.id, text: `${u.name} (${u.role}, ${u.organisation.name})` }))],
      back: { href: `/people/${person.id}` },
    };
  };

  web.get('/people/:id/keyworker', page, async (request, reply) => {
    const context = await keyworkerContext(request);
    const current = context.keyworker.current;
    const values = current ? { userId: current.userId, jobTitle: current.jobTitle ?? '', team: current.team ?? '', phone: current.phone ?? '', email: current.email ?? '' } : {};
    return reply.render('pages/keyworker.njk', { ...context, values });
  });

  web.post('/people/:id/keyworker', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { userId: 'keyworker', jobTitle: 'job title', team: 'team', phone: 'phone number', email: 'email address' }, unanswered: { userId: 'Choose the keyworker' } };
    const input = { userId: required(body, 'userId'), jobTitle: required(body, 'jobTitle'), team: required(body, 'team'), phone: required(body, 'phone'), email: required(body, 'email') };
    return submit({ reply, body, template: 'pages/keyworker.njk', context: () => keyworkerContext(request), words }, async () => {
      await services.keyworkers.allocate(signedIn(request), personIdOf(request), input);
      return personHref(request);
    });
  });

  // ---- Planning meetings (PLAN-1, PLAN-2) ----------------------------------------------------
  web.get('/people/:id/meetings', page, async (request, reply) => {
    const actor = signedIn(request);
    const person = await personOf(request);
    const meetings = await services.planning.list(actor, person.id);
    return reply.render('pages/meetings.njk', { ...shared, person, meetings, mayRecord: can(actor.role, 'planning:record'), back: { href: `/people/${person.id}` } });
  });

  const meetingNewContext = async (request: FastifyRequest) => {
    const person = await personOf(request);
    const meetings = await services.planning.list(signedIn(request), person.id);
    return {
      ...shared,
      person,
      expected: meetings.expectedInvitees,
      triggerItems: MEETING_TRIGGERS.map((t) => ({ value: t, text: TRIGGER_LABELS[t] })),
      back: { href: `/people/${person.id}/meetings` },
    };
  };

  web.get('/people/:id/meetings/new', page, async (request, reply) => {
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
    const person = await personOf(request);
    const meetings = await services.planning.list(actor, person.id);
    const meeting = meetings.items.find((m) => m.id === param(request, 'meetingId'));
    if (!meeting) throw new NotFoundError('planning meeting');
    return { ...shared, person, meeting, mayRecord: can(actor.role, 'planning:record'), back: { href: `/people/${person.id}/meetings` } };
  };

  function meetingValues(meeting: Awaited<ReturnType<typeof meetingContext>>['meeting']): FormBody {
    const values: FormBody = { version: String(meeting.version), personViews: meeting.personViews ?? '', minutes: meeting.minutes ?? '', ...dateValues('heldOn', meeting.heldOn) };
    for (const i of meeting.invitees) values[`response-${i.id}`] = i.response ?? '';
    return values;
  }

  web.get('/people/:id/meetings/:meetingId', page, async (request, reply) => {
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
      return `/people/${personIdOf(request)}/meetings`;
    });
  });

  // ---- Advocacy (ADV-1 to ADV-4) and tribunal recommendations (MHA25-1) ------------------------
  web.get('/people/:id/advocacy', page, async (request, reply) => {
    const actor = signedIn(request);
    const person = await personOf(request);
    const [imha, referrals, recommendations] = await Promise.all([
      services.advocacy.imhaEligibility(actor, person.id, {}),
      services.advocacy.listReferrals(actor, person.id),
      services.advocacy.listRecommendations(actor, person.id),
    ]);
    return reply.render('pages/advocacy.njk', {
      ...shared, person, imha, referrals: referrals.items, recommendations: recommendations.items,
      may: { refer: can(actor.role, 'advocacy:record'), tribunal: can(actor.role, 'tribunal:record') },
      back: { href: `/people/${person.id}` },
    });
  });

  const referralContext = async (request: FastifyRequest) => ({
    ...shared,
    person: await personOf(request),
    kindItems: Object.entries(REFERRAL_KIND_LABELS).map(([value, text]) => ({ value, text })),
    back: { href: `/people/${personIdOf(request)}/advocacy` },
  });

  web.get('/people/:id/advocacy/referrals/new', page, async (request, reply) => reply.render('pages/referral-new.njk', { ...(await referralContext(request)), values: {} }));

  web.post('/people/:id/advocacy/referrals/new', form, async (request, reply) => {
    const body = formBody(request);
    const words = {
      labels: {
        kind: 'kind of advocacy', referredOn: 'date of the referral', provider: 'advocacy provider', involvement: 'advocate’s involvement', outcome: 'outcome',
        'consentToRecords.personHasCapacity': 'capacity', 'consentToRecords.consented': 'consent', 'consentToRecords.recordHolderAllows': 'record-holder’s decision', 'consentToRecords.reason': 'reason',
        'careActTest.substantialDifficulty': 'substantial difficulty', 'careActTest.appropriateIndividual': 'appropriate individual',
      },
      dates: { referredOn: readDate(body, 'referredOn') },
      unanswered: { kind: 'Select the kind of advocacy' },
    };
    const kind = required(body, 'kind');
    const capacity = yesNo(body, 'consentToRecords-personHasCapacity');
    const referredOn = words.dates.referredOn.value ?? '';
    const input = {
      kind,
      referredOn,
      provider: required(body, 'provider'),
      involvement: required(body, 'involvement'),
      outcome: required(body, 'outcome'),
      ...(kind === 'imha' && capacity !== undefined && {
        consentToRecords: {
          personHasCapacity: capacity,
          consented: capacity ? yesNo(body, 'consentToRecords-consented') ?? null : null,
          recordHolderAllows: capacity ? null : yesNo(body, 'consentToRecords-recordHolderAllows') ?? null,
          reason: required(body, 'consentToRecords-reason'),
          decidedOn: referredOn,
        },
      }),
      ...(kind === 'care-act' && {
        careActTest: {
          substantialDifficulty: yesNo(body, 'substantialDifficulty') ?? false,
          appropriateIndividual: yesNo(body, 'appropriateIndividual') ?? false,
          nhsStayOf28DaysLikely: yesNo(body, 'nhsStayOf28DaysLikely') ?? false,
          careHomeStayOf8WeeksLikely: yesNo(body, 'careHomeStayOf8WeeksLikely') ?? false,
        },
      }),
    };
    return submit({ reply, body, template: 'pages/referral-new.njk', context: () => referralContext(request), words }, async () => {
      await services.advocacy.createReferral(signedIn(request), personIdOf(request), input);
      return `/people/${personIdOf(request)}/advocacy`;
    });
  });

  const recommendationContext = async (request: FastifyRequest) => ({ person: await personOf(request), back: { href: `/people/${personIdOf(request)}/advocacy` } });

  web.get('/people/:id/tribunal-recommendations/new', page, async (request, reply) => reply.render('pages/tribunal-recommendation-new.njk', { ...(await recommendationContext(request)), values: {} }));

  web.post('/people/:id/tribunal-recommendations/new', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { hearingOn: 'date of the hearing', recommendation: 'recommendation' }, dates: { hearingOn: readDate(body, 'hearingOn') } };
    const input = { hearingOn: words.dates.hearingOn.value ?? '', recommendation: required(body, 'recommendation') };
    return submit({ reply, body, template: 'pages/tribunal-recommendation-new.njk', context: () => recommendationContext(request), words }, async () => {
      await services.advocacy.createRecommendation(signedIn(request), personIdOf(request), input);
      return `/people/${personIdOf(request)}/advocacy`;
    });
  });

  const respondContext = async (request: FastifyRequest) => {
    const actor = signedIn(request);
    const person = await personOf(request);
    const list = await services.advocacy.listRecommendations(actor, person.id);
    const recommendation = list.items.find((r) => r.id === param(request, 'recommendationId'));
    if (!recommendation) throw new NotFoundError('tribunal recommendation');
    return { person, recommendation, back: { href: `/people/${person.id}/advocacy` } };
  };

  web.get('/people/:id/tribunal-recommendations/:recommendationId/respond', page, async (request, reply) => {
    const context = await respondContext(request);
    const r = context.recommendation;
    return reply.render('pages/tribunal-response.njk', { ...context, values: { version: String(r.version), response: r.response ?? '', ...dateValues('respondedOn', r.respondedOn) } });
  });

  web.post('/people/:id/tribunal-recommendations/:recommendationId/respond', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { response: 'response', respondedOn: 'date of the response' }, dates: { respondedOn: readDate(body, 'respondedOn') } };
    const input = { response: required(body, 'response'), respondedOn: words.dates.respondedOn.value ?? '' };
    return submit({ reply, body, template: 'pages/tribunal-response.njk', context: () => respondContext(request), words }, async () => {
      await services.advocacy.respondToRecommendation(signedIn(request), personIdOf(request), param(request, 'recommendationId'), version(body), input);
      return `/people/${personIdOf(request)}/advocacy`;
    });
  });
}

/** What the person page shows of the keyworker, planning and advocacy (its panel at the end of the page). */
export async function planningPanel(services: Services, actor: Parameters<Services['keyworkers']['get']>[0], personId: string) {
  const [keyworker, meetings, imha] = await Promise.all([
    services.keyworkers.get(actor, personId),
    services.planning.list(actor, personId),
    services.advocacy.imhaEligibility(actor, personId, {}),
  ]);
  const next = meetings.items.filter((m) => !m.heldOn).sort((a, b) => (a.scheduledFor < b.scheduledFor ? -1 : 1))[0] ?? null;
  return {
    keyworker,
    planning: meetings.planning,
    nextMeeting: next ? { ...next, triggerText: TRIGGER_LABELS[next.trigger] } : null,
    meetingCount: meetings.items.length,
    imha,
    may: { allocate: can(actor.role, 'keyworker:allocate'), record: can(actor.role, 'planning:record') },
  };
}

/** The register's keyworker filter: whom it can be filtered by. */
export async function keyworkerFilterOptions(services: Services, actor: Parameters<Services['keyworkers']['colleagues']>[0]) {
  const users = await services.keyworkers.colleagues(actor);
  return [{ value: '', text: 'Any keyworker' }, ...users.map((u) => ({ value: u.id, text: actor.role === 'admin' ? `${u.name} (${u.organisation.name})` : u.name }))];
}
