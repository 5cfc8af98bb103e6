// Pages for the services a person receives: the services and funding page (with the person's budgets),
// the add and change service forms, confirming (PLAN-7) and ending a service, and the finance
// no-charge export (CHG-1). Money is typed in pounds and pence and sent to the services as integer
// pence; every rule stays in the domain.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../domain/access.ts';
import { formatPence, SERVICE_CATEGORIES } from '../../domain/funding.ts';
import { ACCOMMODATION_TYPES, ENHANCED_FEATURES, RENT_DECISIONS, sameServicesInPlace } from '../../domain/care-services.ts';
import { formatDate } from '../../domain/dates.ts';
import { ValidationError, type FieldError } from '../../services/kernel/errors.ts';
import type { Services } from '../../services/index.ts';
import type { ServiceView } from '../../services/care-services/care-services-view.ts';
import { requireSignIn } from '../auth/index.ts';
import { many, options, pounds, whole } from './funding-fields.ts';
import { dateValues, formBody, readDate, required, submit, text, version, yesNo, type FormBody } from './forms.ts';
import { personIdOf, signedIn } from './request.ts';
import { ACCOMMODATION_FEATURE_LABELS, ACCOMMODATION_LABELS, CATEGORY_LABELS, PAYEE_LABELS, RENT_LABELS, SERVICE_FIELD_LABELS } from './labels.ts';

/** RESP-7: the body whose approval a split awaits. */
const FUNDING_BODY_LABELS: Record<string, string> = { 'local-authority': 'the local authority', icb: 'the ICB' };

/**
 * Issue 9 item 7: the kinds of service each optional section of the service form applies to:
 * accommodation and the decision on its rent (SCOPE-4, SCOPE-5) to accommodation; a direct payment
 * or personal health budget (DP-3) to every kind but prescribed medication. A service that already
 * has accommodation or a budget recorded keeps its section, whatever its kind, so nothing recorded
 * is hidden.
 */
const SECTION_KINDS = {
  accommodation: ['accommodation'],
  budget: SERVICE_CATEGORIES.filter((c) => c !== 'medication'),
} as const satisfies Record<string, readonly string[]>;

export function serviceSections(category: string | undefined, existing?: Pick<ServiceView, 'accommodation' | 'budget'>) {
  const applies = (kinds: readonly string[]) => category !== undefined && kinds.includes(category);
  return {
    accommodation: applies(SECTION_KINDS.accommodation) || Boolean(existing?.accommodation),
    budget: applies(SECTION_KINDS.budget) || Boolean(existing?.budget),
    kinds: { accommodation: SECTION_KINDS.accommodation.join(' '), budget: SECTION_KINDS.budget.join(' ') },
  };
}

const isCategory = (value: unknown): value is string => typeof value === 'string' && (SERVICE_CATEGORIES as readonly string[]).includes(value);

const penceAsPounds = (pence: number | null | undefined) => (pence === null || pence === undefined ? '' : (pence / 100).toFixed(2));

/** The form's values for an existing service (the change form). */
function serviceValues(s: ServiceView): FormBody {
  return {
    version: String(s.version),
    description: s.description,
    category: s.category,
    s117: s.s117 ? 'yes' : 'no',
    ...(s.scope && {
      'scope-arisesFromMentalDisorder': s.scope.arisesFromMentalDisorder ? 'yes' : 'no',
      'scope-reducesRiskOfDeterioration': s.scope.reducesRiskOfDeterioration ? 'yes' : 'no',
      'scope-rationale': s.scope.rationale,
    }),
    careType: s.careType,
    provider: s.provider,
    needId: s.needId ?? '',
    // The split as recorded (RESP-7: it may still await the approval of the body whose share rises).
    'funding-localAuthorityPercent': String(s.splitApproval.proposed.localAuthorityPercent),
    'funding-icbPercent': String(s.splitApproval.proposed.icbPercent),
    fundingOverrideReason: s.fundingOverrideReason ?? '',
    weeklyCostPence: penceAsPounds(s.weeklyCostPence),
    personContributionPence: penceAsPounds(s.personContributionPence),
    ...dateValues('startDate', s.startDate),
    ...dateValues('endDate', s.endDate),
    'accommodation-type': s.accommodation?.type ?? '',
    'accommodation-reason': s.accommodation?.reason ?? '',
    budget: s.budget ?? '',
  };
}

export function registerCareServicesPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };
  const param = (request: FastifyRequest, name: string) => (request.params as Record<string, string>)[name] ?? '';
  const servicesHref = (request: FastifyRequest) => `/people/${personIdOf(request)}/services`;

  // ---- The services and funding page -------------------------------------------------------------
  web.get('/people/:id/services', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const actor = signedIn(request);
    const { person, services: list, budgets } = await services.careServices.page(actor, personIdOf(request));
    const descriptions = new Map(list.items.map((s) => [s.id, s.description]));
    return reply.render('pages/care-services.njk', {
      title: `Services and funding: ${person.givenName} ${person.familyName}`,
      width: 'full',
      person,
      back: { href: `/people/${person.id}`, text: 'Back to the record' },
      services: list.items.map((s) => ({
        ...s,
        categoryText: CATEGORY_LABELS[s.category] ?? s.category,
        weeklyCostText: s.weeklyCostPence === null ? null : formatPence(s.weeklyCostPence),
        laText: s.weeklyShares ? formatPence(s.weeklyShares.localAuthorityPence) : null,
        icbText: s.weeklyShares ? formatPence(s.weeklyShares.icbPence) : null,
        contributionText: s.personContributionPence === null ? null : formatPence(s.personContributionPence),
        accommodationText: s.accommodation ? ACCOMMODATION_LABELS[s.accommodation.type] : null,
        featuresText: s.accommodation?.enhancedFeatures.map((f) => ACCOMMODATION_FEATURE_LABELS[f] ?? f).join(', ') ?? '',
        rentText: s.accommodation?.rentDecision ? RENT_LABELS[s.accommodation.rentDecision.decision] : null,
        awaitingText: s.splitApproval.awaiting ? FUNDING_BODY_LABELS[s.splitApproval.awaiting] : null,
        mayApproveSplit: actor.role === 'approver' && s.splitApproval.awaitingOrganisation === actor.organisationCode,
      })),
      budgets: budgets.items.map((b) => ({
        ...b,
        amountText: b.amountPencePerWeek === null ? null : formatPence(b.amountPencePerWeek),
        servicesText: b.serviceIds.map((id) => descriptions.get(id) ?? id).join(', '),
        payeeText: PAYEE_LABELS[b.payeeRelationship] ?? b.payeeRelationship,
      })),
      moneyVisible: list.moneyVisible,
      may: { record: can(actor.role, 'services:record'), export: can(actor.role, 'finance:export'), payments: can(actor.role, 'payments:record') },
    });
  });

  // ---- Adding and changing a service ---------------------------------------------------------------
  /** The add form (no service id) or the change form of the service named in the path, from one read. */
  const serviceContext = async (request: FastifyRequest, serviceId?: string, category?: string) => {
    const { person, existing, policies, needs } = await services.careServices.formPage(signedIn(request), personIdOf(request), serviceId);
    const latest = policies.items.at(-1);
    // The plan's needs the service may meet, so the plan shows what meets each need; a link to a need since removed is kept.
    const needOptions = needs.map((n) => ({ value: n.id, text: `${n.description} (${n.s117 ? 'section 117' : 'not section 117'})` }));
    if (existing?.needId && !needs.some((n) => n.id === existing.needId)) needOptions.push({ value: existing.needId, text: 'A need no longer in the plan' });
    const kind = category ?? existing?.category;
    return {
      title: existing ? 'Change a service' : 'Add a service',
      editing: Boolean(existing),
      sections: serviceSections(kind, existing ?? undefined),
      kindText: kind ? (CATEGORY_LABELS[kind] ?? kind) : '',
      needOptions,
      person,
      existing: existing ?? undefined,
      back: { href: `/people/${person.id}/services` },
      categories: options(CATEGORY_LABELS, SERVICE_CATEGORIES),
      accommodationTypes: [{ value: '', text: 'Not accommodation' }, ...options(ACCOMMODATION_LABELS, ACCOMMODATION_TYPES)],
      features: options(ACCOMMODATION_FEATURE_LABELS, ENHANCED_FEATURES),
      rentDecisions: options(RENT_LABELS, RENT_DECISIONS),
      policy: latest ? { ...latest, rows: Object.entries(latest.splits).map(([c, s]) => ({ category: CATEGORY_LABELS[c] ?? c, ...s })) } : null,
      moneyVisible: existing ? existing.moneyVisible : true,
      checkedFeatures: existing?.accommodation?.enhancedFeatures ?? [],
    };
  };

  function serviceInput(request: FastifyRequest, body: FormBody, problems: FieldError[]) {
    const start = readDate(body, 'startDate');
    const end = readDate(body, 'endDate');
    const s117 = yesNo(body, 's117');
    const arises = yesNo(body, 'scope-arisesFromMentalDisorder');
    const reduces = yesNo(body, 'scope-reducesRiskOfDeterioration');
    const rationale = text(body, 'scope-rationale');
    const scopeGiven = arises !== undefined || reduces !== undefined || rationale !== undefined;
    const la = whole(body, 'funding-localAuthorityPercent', 'local authority’s percentage', problems);
    const icb = whole(body, 'funding-icbPercent', 'ICB’s percentage', problems);
    const fundingGiven = text(body, 'funding-localAuthorityPercent') !== undefined || text(body, 'funding-icbPercent') !== undefined;
    const accommodationType = text(body, 'accommodation-type');
    const rentDecision = text(body, 'accommodation-rentDecision-decision');
    const rentOn = readDate(body, 'accommodation.rentDecision.decidedOn');
    const weekly = pounds(body, 'weeklyCostPence', 'weekly cost', problems);
    const input = {
      description: required(body, 'description'),
      category: body.category || undefined,
      s117,
      ...(scopeGiven && { scope: { arisesFromMentalDisorder: arises, reducesRiskOfDeterioration: reduces, rationale: rationale ?? '' } }),
      ...(text(body, 'careType') && { careType: text(body, 'careType') }),
      provider: required(body, 'provider'),
      needId: text(body, 'needId') ?? null,
      ...(fundingGiven && { funding: { localAuthorityPercent: la, icbPercent: icb } }),
      fundingOverrideReason: text(body, 'fundingOverrideReason') ?? null,
      weeklyCostPence: weekly,
      personContributionPence: pounds(body, 'personContributionPence', 'person’s weekly contribution', problems) ?? 0,
      startDate: start.value ?? '',
      endDate: end.value,
      accommodation: accommodationType
        ? {
            type: accommodationType,
            enhancedFeatures: many(request, 'accommodation-enhancedFeatures'),
            reason: text(body, 'accommodation-reason') ?? null,
            ...(rentDecision && { rentDecision: { decision: rentDecision, reason: text(body, 'accommodation-rentDecision-reason') ?? '', decidedOn: rentOn.value ?? '' } }),
          }
        : null,
      budget: text(body, 'budget') ?? null,
    };
    const words = {
      labels: { ...SERVICE_FIELD_LABELS, 'accommodation.rentDecision.decidedOn': 'date of the decision on rent' },
      dates: { startDate: start, endDate: end, 'accommodation.rentDecision.decidedOn': rentOn },
      unanswered: { s117: 'Select whether the service is section 117 aftercare', category: 'Select the category' },
    };
    return { input, words, weeklyMissing: weekly === undefined && !problems.some((p) => p.field === 'weeklyCostPence') };
  }

  /** Issue 9: a service like one already in place is added only once the person says it is another. */
  async function refuseSameService(request: FastifyRequest, input: { description: string; provider: string; startDate: string }): Promise<void> {
    const { recorded } = await services.careServices.formPage(signedIn(request), personIdOf(request));
    const same = sameServicesInPlace(recorded, input)[0];
    if (!same) return;
    const message = `${same.description} from ${same.provider} is already recorded, from ${formatDate(same.startDate)}. If this is another service, tick “Add it as another service”; if not, change the one recorded`;
    throw new ValidationError([{ field: 'sameServiceConfirmed', message }]);
  }

  // Issue 9 item 7: the kind of service first (a question page), then the form with only its sections.
  web.get('/people/:id/services/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const category = query.category;
    if (isCategory(category)) return reply.render('pages/care-service-form.njk', { ...(await serviceContext(request, undefined, category)), values: { category } });
    const context = await serviceContext(request);
    const kindPage = { ...context, title: 'What kind of service is it?', values: { category: typeof query.change === 'string' ? query.change : '' } };
    // Continue without a choice (or with a kind that does not exist): the question again, with why.
    // (An unchosen radio is not sent: the form's step field says the question was answered.)
    if (category !== undefined || query.step === 'kind') return reply.status(422).render('pages/care-service-kind.njk', { ...kindPage, errors: [{ field: 'category', message: 'Select what kind of service it is' }] });
    return reply.render('pages/care-service-kind.njk', kindPage);
  });

  web.post('/people/:id/services/new', form, async (request, reply) => {
    const body = formBody(request);
    const problems: FieldError[] = [];
    const { input, words, weeklyMissing } = serviceInput(request, body, problems);
    if (weeklyMissing) problems.push({ field: 'weeklyCostPence', message: 'Enter the weekly cost in pounds and pence, for example 125.50' });
    return submit({ reply, body, template: 'pages/care-service-form.njk', context: async () => ({ ...(await serviceContext(request, undefined, isCategory(body.category) ? body.category : undefined)), checkedFeatures: many(request, 'accommodation-enhancedFeatures') }), words }, async () => {
      if (problems.length > 0) throw new ValidationError(problems);
      if (body.sameServiceConfirmed !== 'yes') await refuseSameService(request, input);
      await services.careServices.create(signedIn(request), personIdOf(request), input);
      return servicesHref(request);
    });
  });

  web.get('/people/:id/services/:serviceId/edit', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await serviceContext(request, param(request, 'serviceId'));
    return reply.render('pages/care-service-form.njk', { ...context, values: serviceValues(context.existing!) });
  });

  web.post('/people/:id/services/:serviceId/edit', form, async (request, reply) => {
    const body = formBody(request);
    const problems: FieldError[] = [];
    const { input, words } = serviceInput(request, body, problems);
    return submit(
      { reply, body, template: 'pages/care-service-form.njk', context: async () => ({ ...(await serviceContext(request, param(request, 'serviceId'), isCategory(body.category) ? body.category : undefined)), checkedFeatures: many(request, 'accommodation-enhancedFeatures') }), words },
      async () => {
        if (problems.length > 0) throw new ValidationError(problems);
        // Someone who may not see money is not shown the amounts, so their form leaves them as they are.
        const { weeklyCostPence, personContributionPence, ...rest } = input;
        const money = weeklyCostPence === undefined ? {} : { weeklyCostPence, personContributionPence };
        await services.careServices.update(signedIn(request), personIdOf(request), param(request, 'serviceId'), version(body), { ...rest, ...money, scope: rest.scope ?? null });
        return servicesHref(request);
      },
    );
  });

  // ---- Confirming (PLAN-7) and ending a service -----------------------------------------------------
  web.post('/people/:id/services/:serviceId/confirm', form, async (request, reply) => {
    const body = formBody(request);
    await services.careServices.confirm(signedIn(request), personIdOf(request), param(request, 'serviceId'), version(body), {});
    return reply.redirect(servicesHref(request), 303);
  });

  // RESP-7: the approver of the body whose share a split raises approves it.
  web.post('/people/:id/services/:serviceId/split-approval', form, async (request, reply) => {
    await services.careServices.approveSplit(signedIn(request), personIdOf(request), param(request, 'serviceId'), version(formBody(request)));
    return reply.redirect(servicesHref(request), 303);
  });

  const endContext = async (request: FastifyRequest) => {
    const { person, service } = await services.careServices.servicePage(signedIn(request), personIdOf(request), param(request, 'serviceId'));
    return { title: 'End a service', person, service, back: { href: servicesHref(request) } };
  };

  web.get('/people/:id/services/:serviceId/end', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await endContext(request);
    return reply.render('pages/care-service-end.njk', { ...context, values: { version: String(context.service.version) } });
  });

  web.post('/people/:id/services/:serviceId/end', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { endDate: 'end date' }, dates: { endDate: readDate(body, 'endDate') } };
    return submit({ reply, body, template: 'pages/care-service-end.njk', context: () => endContext(request), words }, async () => {
      await services.careServices.end(signedIn(request), personIdOf(request), param(request, 'serviceId'), version(body), { endDate: words.dates.endDate.value ?? '' });
      return servicesHref(request);
    });
  });

  // ---- The finance export (CHG-1) -----------------------------------------------------------------
  web.get('/finance/no-charge.csv', page, async (request, reply) => {
    const { csv } = await services.careServices.noChargeCsv(signedIn(request));
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="s117-no-charge.csv"')
      .header('cache-control', 'no-store')
      .send(csv);
  });
}
