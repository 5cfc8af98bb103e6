// Pages for advocacy (ADV-1 to ADV-4) and tribunal recommendations (MHA25-1).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../domain/access.ts';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { dateValues, formBody, readDate, required, submit, version, yesNo, type FormBody } from './forms.ts';
import { personIdOf, signedIn } from './request.ts';
import { REFERRAL_KIND_LABELS } from './labels.ts';
import { ForbiddenError, NotFoundError } from '../../services/kernel/errors.ts';
import { flashSuccess } from './success.ts';


function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

export function registerAdvocacyPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };
  const personOf = (request: FastifyRequest) => services.people.get(signedIn(request), personIdOf(request));
  const shared = { labels: { kinds: REFERRAL_KIND_LABELS } };

  // ---- Advocacy (ADV-1 to ADV-4) and tribunal recommendations (MHA25-1) ------------------------
  web.get('/people/:id/advocacy', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const actor = signedIn(request);
    const { person, imha, referrals, recommendations } = await services.advocacy.page(actor, personIdOf(request));
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

  web.get('/people/:id/advocacy/referrals/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/referral-new.njk', { ...(await referralContext(request)), values: {} }));

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

  // ---- A referral's outcome, the advocate's involvement, the records-access decision (ADV-3) ------
  // What the API's PATCH .../advocacy-referrals/{id} changes, from the advocacy page (issue 15,
  // "every feature has its page"). The person is found first (404), then the role checked (403).
  const referralUpdateContext = async (request: FastifyRequest) => {
    const actor = signedIn(request);
    const { person, referrals } = await services.advocacy.page(actor, personIdOf(request));
    if (!can(actor.role, 'advocacy:record')) throw new ForbiddenError('You may not record advocacy');
    const referral = referrals.items.find((r) => r.id === param(request, 'referralId'));
    if (!referral) throw new NotFoundError('referral');
    return { ...shared, person, referral, back: { href: `/people/${person.id}/advocacy` } };
  };
  const yesNoValue = (value: boolean | null | undefined) => (value === true ? 'yes' : value === false ? 'no' : '');
  const referralUpdateWords = (body: FormBody) => ({
    labels: {
      outcome: 'outcome', involvement: 'advocate’s involvement', 'consentToRecords.personHasCapacity': 'capacity', 'consentToRecords.consented': 'consent',
      'consentToRecords.recordHolderAllows': 'record-holder’s decision', 'consentToRecords.reason': 'reason', 'consentToRecords.decidedOn': 'date of the decision',
    },
    dates: { 'consentToRecords.decidedOn': readDate(body, 'consentToRecords.decidedOn') },
  });

  web.get('/people/:id/advocacy/referrals/:referralId', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await referralUpdateContext(request);
    const r = context.referral;
    const consent = r.consentToRecords as { personHasCapacity?: boolean; consented?: boolean | null; recordHolderAllows?: boolean | null; reason?: string | null; decidedOn?: string } | null;
    return reply.render('pages/referral-update.njk', {
      ...context,
      values: {
        version: String(r.version), outcome: r.outcome ?? '', involvement: r.involvement ?? '',
        'consentToRecords-personHasCapacity': yesNoValue(consent?.personHasCapacity), 'consentToRecords-consented': yesNoValue(consent?.consented),
        'consentToRecords-recordHolderAllows': yesNoValue(consent?.recordHolderAllows), 'consentToRecords-reason': consent?.reason ?? '',
        ...dateValues('consentToRecords.decidedOn', consent?.decidedOn),
      },
    });
  });

  web.post('/people/:id/advocacy/referrals/:referralId', form, async (request, reply) => {
    const body = formBody(request);
    const words = referralUpdateWords(body);
    const capacity = yesNo(body, 'consentToRecords-personHasCapacity');
    const input = {
      outcome: required(body, 'outcome'),
      involvement: required(body, 'involvement'),
      // ADV-3 (IMHA referrals only, the form asks only then): the decision, when one is recorded.
      ...(capacity !== undefined && {
        consentToRecords: {
          personHasCapacity: capacity,
          consented: capacity ? yesNo(body, 'consentToRecords-consented') ?? null : null,
          recordHolderAllows: capacity ? null : yesNo(body, 'consentToRecords-recordHolderAllows') ?? null,
          reason: required(body, 'consentToRecords-reason'),
          decidedOn: words.dates['consentToRecords.decidedOn'].value ?? '',
        },
      }),
    };
    return submit({ reply, body, template: 'pages/referral-update.njk', context: () => referralUpdateContext(request), words }, async () => {
      await services.advocacy.updateReferral(signedIn(request), personIdOf(request), param(request, 'referralId'), version(body), input);
      flashSuccess(reply, 'referral-updated');
      return `/people/${personIdOf(request)}/advocacy#referral-${param(request, 'referralId')}`;
    });
  });

  const recommendationContext = async (request: FastifyRequest) => ({ person: await personOf(request), back: { href: `/people/${personIdOf(request)}/advocacy` } });

  web.get('/people/:id/tribunal-recommendations/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/tribunal-recommendation-new.njk', { ...(await recommendationContext(request)), values: {} }));

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
    const { person, recommendation } = await services.advocacy.recommendationPage(signedIn(request), personIdOf(request), param(request, 'recommendationId'));
    return { person, recommendation, back: { href: `/people/${person.id}/advocacy` } };
  };

  web.get('/people/:id/tribunal-recommendations/:recommendationId/respond', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
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
