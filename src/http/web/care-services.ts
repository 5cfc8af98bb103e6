// Pages for a person's services and funding (issue 4, first half): the services and budgets page, the
// add and change service forms, confirming and ending a service, budgets and their reviews, the joint
// funding policy page for the s117 leads, and the finance no-charge export. Money is typed in pounds
// and pence and sent to the services as integer pence; every rule stays in the domain.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can, canManageFundingPolicy } from '../../domain/access.ts';
import { PAYEE_RELATIONSHIPS } from '../../domain/budgets.ts';
import { formatPence, parsePounds, SERVICE_CATEGORIES } from '../../domain/funding.ts';
import { ACCOMMODATION_TYPES, ENHANCED_FEATURES, RENT_DECISIONS } from '../../domain/care-services.ts';
import { ValidationError, type FieldError } from '../../services/kernel/errors.ts';
import type { Services } from '../../services/index.ts';
import type { ServiceView } from '../../services/care-services/care-services-service.ts';
import { requireSignIn } from '../auth/index.ts';
import { dateValues, formBody, readDate, required, submit, text, version, yesNo, type FormBody } from './forms.ts';
import { personIdOf, signedIn } from './people.ts';

export const CATEGORY_LABELS: Record<string, string> = {
  healthcare: 'Health care',
  'social-care': 'Social care',
  medication: 'Medication',
  employment: 'Employment support',
  accommodation: 'Accommodation',
  'social-cultural-spiritual': 'Social, cultural or spiritual',
  other: 'Other',
};
const ACCOMMODATION_LABELS: Record<string, string> = {
  ordinary: 'Ordinary housing (for example a general-needs rented flat)',
  'enhanced-specialised': 'Enhanced or specialised accommodation',
  'care-home': 'Care home',
  'supported-living': 'Supported living',
  'shared-lives': 'Shared Lives',
  other: 'Other',
};
const FEATURE_LABELS: Record<string, string> = {
  '24-hour-staff': '24-hour staff on site',
  cctv: 'CCTV',
  'welfare-checks': 'Welfare checks',
  'organised-activities': 'Organised activities',
  'on-site-support': 'Support on site',
  other: 'Other feature aimed at the mental condition',
};
const RENT_LABELS: Record<string, string> = {
  'included-in-aftercare': 'Rent and service charges are part of free aftercare',
  'housing-benefit-expected': 'Housing benefit is expected to cover the rent (contested: SCOPE-5)',
  'person-pays': 'The person pays rent and service charges (contested: SCOPE-5)',
};
const PAYEE_LABELS: Record<string, string> = {
  self: 'The person themselves',
  'spouse-or-partner': 'Their spouse or partner',
  'close-relative': 'A close relative',
  'other-relative': 'Another relative',
  representative: 'Their representative or authorised person',
  other: 'Someone else',
};

const SERVICE_LABELS: Record<string, string> = {
  description: 'description',
  category: 'category',
  s117: 'whether the service is section 117 aftercare',
  'scope.arisesFromMentalDisorder': 'whether it meets a need arising from the mental disorder',
  'scope.reducesRiskOfDeterioration': 'whether it reduces the risk of deterioration',
  'scope.rationale': 'rationale',
  careType: 'care type',
  provider: 'provider',
  needId: 'need in the care and support plan',
  funding: 'funding split',
  'funding.localAuthorityPercent': 'local authority’s percentage',
  'funding.icbPercent': 'ICB’s percentage',
  fundingOverrideReason: 'reason for a different split',
  weeklyCostPence: 'weekly cost',
  personContributionPence: 'person’s weekly contribution',
  startDate: 'start date',
  endDate: 'end date',
  'accommodation.type': 'accommodation type',
  'accommodation.enhancedFeatures': 'enhanced features',
  'accommodation.reason': 'reason the accommodation is aftercare',
  budget: 'budget',
};

const options = (labels: Record<string, string>, values: readonly string[]) => values.map((value) => ({ value, text: labels[value] ?? value }));

/** Every value of a repeated form field (checkboxes). */
function many(request: FastifyRequest, name: string): string[] {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string');
}

/** DP-1(a), (c), DP-2: the budget rule fields of the add and change forms (partials/budget-rules.njk). */
function budgetRuleInput(body: FormBody) {
  const name = text(body, 'authorisedPerson-name');
  const relationship = text(body, 'authorisedPerson-relationship');
  const dates = { consultationRecordedOn: readDate(body, 'consultationRecordedOn'), enhancedDbsCheckedOn: readDate(body, 'enhancedDbsCheckedOn') };
  return {
    dates,
    input: {
      drugOrAlcoholRequirement: yesNo(body, 'drugOrAlcoholRequirement') ?? false,
      capacity: body.capacity || 'has',
      consents: yesNo(body, 'consents') ?? null,
      // Both parts or neither: the service names the part left out.
      authorisedPerson: name || relationship ? { name: name ?? '', relationship } : null,
      consultationRecordedOn: dates.consultationRecordedOn.value,
      enhancedDbsCheckedOn: dates.enhancedDbsCheckedOn.value,
    },
  };
}

const BUDGET_RULE_LABELS: Record<string, string> = {
  drugOrAlcoholRequirement: 'whether the person is subject to a drug or alcohol requirement',
  capacity: 'whether the person has capacity',
  consents: 'whether the person consents',
  authorisedPerson: 'authorised person or representative',
  'authorisedPerson.name': 'authorised person’s name',
  'authorisedPerson.relationship': 'authorised person’s relationship',
  consultationRecordedOn: 'date the consultation was recorded',
  enhancedDbsCheckedOn: 'date of the enhanced DBS check',
};

/** Pounds typed into a box as pence; a problem when it is not an amount. */
function pounds(body: FormBody, field: string, label: string, problems: FieldError[]): number | undefined {
  const typed = text(body, field);
  if (typed === undefined) return undefined;
  const pence = parsePounds(typed);
  if (pence === null) problems.push({ field, message: `Enter the ${label} in pounds and pence, for example 125.50` });
  return pence ?? undefined;
}

function whole(body: FormBody, field: string, label: string, problems: FieldError[]): number | undefined {
  const typed = text(body, field);
  if (typed === undefined) return undefined;
  if (!/^\d{1,3}$/.test(typed)) {
    problems.push({ field, message: `Enter the ${label} as a whole number from 0 to 100` });
    return undefined;
  }
  return Number(typed);
}

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
    'funding-localAuthorityPercent': String(s.funding.localAuthorityPercent),
    'funding-icbPercent': String(s.funding.icbPercent),
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

  async function personOf(request: FastifyRequest) {
    return (await services.people.get(signedIn(request), personIdOf(request)));
  }

  // ---- The services and funding page -------------------------------------------------------------
  web.get('/people/:id/services', page, async (request, reply) => {
    const actor = signedIn(request);
    const person = await personOf(request);
    const [list, budgets] = await Promise.all([services.careServices.list(actor, person.id), services.budgets.list(actor, person.id)]);
    const descriptions = new Map(list.items.map((s) => [s.id, s.description]));
    return reply.render('pages/services.njk', {
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
        featuresText: s.accommodation?.enhancedFeatures.map((f) => FEATURE_LABELS[f] ?? f).join(', ') ?? '',
        rentText: s.accommodation?.rentDecision ? RENT_LABELS[s.accommodation.rentDecision.decision] : null,
      })),
      budgets: budgets.items.map((b) => ({
        ...b,
        amountText: b.amountPencePerWeek === null ? null : formatPence(b.amountPencePerWeek),
        servicesText: b.serviceIds.map((id) => descriptions.get(id) ?? id).join(', '),
        payeeText: PAYEE_LABELS[b.payeeRelationship] ?? b.payeeRelationship,
      })),
      moneyVisible: list.moneyVisible,
      may: { record: can(actor.role, 'services:record'), export: can(actor.role, 'finance:export') },
    });
  });

  // ---- Adding and changing a service ---------------------------------------------------------------
  const serviceContext = async (request: FastifyRequest, existing?: ServiceView) => {
    const actor = signedIn(request);
    const person = await personOf(request);
    const policies = await services.fundingPolicies.list(actor, { localAuthority: person.residence?.localAuthority, icb: person.gp?.icb });
    const latest = policies.items.at(-1);
    // Issue 3 item 4: the plan's needs the service may meet (a link to a need since removed is kept).
    const needs = await services.careServices.planNeeds(actor, person.id);
    const needOptions = needs.map((n) => ({ value: n.id, text: `${n.description} (${n.s117 ? 'section 117' : 'not section 117'})` }));
    if (existing?.needId && !needs.some((n) => n.id === existing.needId)) needOptions.push({ value: existing.needId, text: 'A need no longer in the plan' });
    return {
      title: existing ? 'Change a service' : 'Add a service',
      needOptions,
      person,
      existing,
      back: { href: `/people/${person.id}/services` },
      categories: options(CATEGORY_LABELS, SERVICE_CATEGORIES),
      accommodationTypes: [{ value: '', text: 'Not accommodation' }, ...options(ACCOMMODATION_LABELS, ACCOMMODATION_TYPES)],
      features: options(FEATURE_LABELS, ENHANCED_FEATURES),
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
      labels: { ...SERVICE_LABELS, 'accommodation.rentDecision.decidedOn': 'date of the decision on rent' },
      dates: { startDate: start, endDate: end, 'accommodation.rentDecision.decidedOn': rentOn },
      unanswered: { s117: 'Select whether the service is section 117 aftercare', category: 'Select the category' },
    };
    return { input, words, weeklyMissing: weekly === undefined && !problems.some((p) => p.field === 'weeklyCostPence') };
  }

  web.get('/people/:id/services/new', page, async (request, reply) => reply.render('pages/service-form.njk', { ...(await serviceContext(request)), values: {} }));

  web.post('/people/:id/services/new', form, async (request, reply) => {
    const body = formBody(request);
    const problems: FieldError[] = [];
    const { input, words, weeklyMissing } = serviceInput(request, body, problems);
    if (weeklyMissing) problems.push({ field: 'weeklyCostPence', message: 'Enter the weekly cost in pounds and pence, for example 125.50' });
    return submit({ reply, body, template: 'pages/service-form.njk', context: async () => ({ ...(await serviceContext(request)), checkedFeatures: many(request, 'accommodation-enhancedFeatures') }), words }, async () => {
      if (problems.length > 0) throw new ValidationError(problems);
      await services.careServices.create(signedIn(request), personIdOf(request), input);
      return servicesHref(request);
    });
  });

  const existingService = async (request: FastifyRequest) => services.careServices.get(signedIn(request), personIdOf(request), param(request, 'serviceId'));

  web.get('/people/:id/services/:serviceId/edit', page, async (request, reply) => {
    const existing = await existingService(request);
    return reply.render('pages/service-form.njk', { ...(await serviceContext(request, existing)), values: serviceValues(existing) });
  });

  web.post('/people/:id/services/:serviceId/edit', form, async (request, reply) => {
    const body = formBody(request);
    const problems: FieldError[] = [];
    const { input, words } = serviceInput(request, body, problems);
    return submit(
      { reply, body, template: 'pages/service-form.njk', context: async () => ({ ...(await serviceContext(request, await existingService(request))), checkedFeatures: many(request, 'accommodation-enhancedFeatures') }), words },
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

  const endContext = async (request: FastifyRequest) => {
    const existing = await existingService(request);
    return { title: 'End a service', person: await personOf(request), service: existing, back: { href: servicesHref(request) } };
  };

  web.get('/people/:id/services/:serviceId/end', page, async (request, reply) => {
    const context = await endContext(request);
    return reply.render('pages/service-end.njk', { ...context, values: { version: String(context.service.version) } });
  });

  web.post('/people/:id/services/:serviceId/end', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { endDate: 'end date' }, dates: { endDate: readDate(body, 'endDate') } };
    return submit({ reply, body, template: 'pages/service-end.njk', context: () => endContext(request), words }, async () => {
      await services.careServices.end(signedIn(request), personIdOf(request), param(request, 'serviceId'), version(body), { endDate: words.dates.endDate.value ?? '' });
      return servicesHref(request);
    });
  });

  // ---- Budgets ---------------------------------------------------------------------------------------
  const budgetContext = async (request: FastifyRequest) => {
    const actor = signedIn(request);
    const person = await personOf(request);
    const list = await services.careServices.list(actor, person.id);
    return {
      title: 'Add a direct payment or personal health budget',
      person,
      back: { href: `/people/${person.id}/services` },
      serviceOptions: list.items.filter((s) => s.status !== 'ended').map((s) => ({ value: s.id, text: `${s.description} (${CATEGORY_LABELS[s.category]}; LA ${s.funding.localAuthorityPercent}%, ICB ${s.funding.icbPercent}%)` })),
      payees: options(PAYEE_LABELS, PAYEE_RELATIONSHIPS),
      checkedServices: many(request, 'serviceIds'),
    };
  };

  web.get('/people/:id/budgets/new', page, async (request, reply) => reply.render('pages/budget-new.njk', { ...(await budgetContext(request)), values: {} }));

  web.post('/people/:id/budgets/new', form, async (request, reply) => {
    const body = formBody(request);
    const problems: FieldError[] = [];
    const start = readDate(body, 'startDate');
    const offered = readDate(body, 'offeredOn');
    const amount = pounds(body, 'amountPencePerWeek', 'weekly amount', problems);
    if (amount === undefined && problems.length === 0) problems.push({ field: 'amountPencePerWeek', message: 'Enter the weekly amount in pounds and pence, for example 300.00' });
    const rules = budgetRuleInput(body);
    const words = {
      labels: { kind: 'kind of budget', serviceIds: 'services', startDate: 'start date', offeredOn: 'date it was offered', amountPencePerWeek: 'weekly amount', necessityReason: 'reason it is necessary', ...BUDGET_RULE_LABELS },
      dates: { startDate: start, offeredOn: offered, ...rules.dates },
      unanswered: { kind: 'Select the kind of budget' },
    };
    const input = {
      kind: body.kind || undefined,
      serviceIds: many(request, 'serviceIds'),
      payeeRelationship: body.payeeRelationship || 'self',
      payeeLivesInSameHousehold: yesNo(body, 'payeeLivesInSameHousehold') ?? false,
      necessityReason: text(body, 'necessityReason') ?? null,
      startDate: start.value ?? '',
      offeredOn: offered.value,
      amountPencePerWeek: amount,
      ...rules.input,
    };
    return submit({ reply, body, template: 'pages/budget-new.njk', context: () => budgetContext(request), words }, async () => {
      if (problems.length > 0) throw new ValidationError(problems);
      await services.budgets.create(signedIn(request), personIdOf(request), input);
      return servicesHref(request);
    });
  });

  const reviewContext = async (request: FastifyRequest) => {
    const person = await personOf(request);
    const budget = await services.budgets.get(signedIn(request), person.id, param(request, 'budgetId'));
    return { title: 'Record a budget review', person, budget, back: { href: servicesHref(request) } };
  };

  web.get('/people/:id/budgets/:budgetId/reviews/new', page, async (request, reply) => reply.render('pages/budget-review.njk', { ...(await reviewContext(request)), values: {} }));

  web.post('/people/:id/budgets/:budgetId/reviews/new', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { heldOn: 'date of the review' }, dates: { heldOn: readDate(body, 'heldOn') } };
    return submit({ reply, body, template: 'pages/budget-review.njk', context: () => reviewContext(request), words }, async () => {
      await services.budgets.recordReview(signedIn(request), personIdOf(request), param(request, 'budgetId'), { heldOn: words.dates.heldOn.value ?? '', reason: body.reason || 'scheduled' });
      return servicesHref(request);
    });
  });

  // ---- Changing and ending a budget ------------------------------------------------------------------
  const oneBudget = async (request: FastifyRequest) => {
    const person = await personOf(request);
    const budget = await services.budgets.get(signedIn(request), person.id, param(request, 'budgetId'));
    return { person, budget };
  };
  const changeContext = async (request: FastifyRequest) => ({ title: 'Change a budget', ...(await oneBudget(request)), payees: options(PAYEE_LABELS, PAYEE_RELATIONSHIPS), back: { href: servicesHref(request) } });
  const CARE_PLAN_TEXT = ['healthNeedsAndOutcomes', 'services', 'amountAndPaymentIntervals', 'careCoordinator', 'conditionMonitoring'] as const;

  web.get('/people/:id/budgets/:budgetId/change', page, async (request, reply) => {
    const context = await changeContext(request);
    const b = context.budget;
    const yn = (v: boolean | null) => (v === null ? undefined : v ? 'yes' : 'no');
    const values: FormBody = {
      version: String(b.version),
      ...(b.amountPencePerWeek !== null && { amountPencePerWeek: (b.amountPencePerWeek / 100).toFixed(2) }),
      payeeRelationship: b.payeeRelationship,
      payeeLivesInSameHousehold: b.payeeLivesInSameHousehold ? 'yes' : 'no',
      necessityReason: b.necessityReason ?? '',
      drugOrAlcoholRequirement: b.drugOrAlcoholRequirement ? 'yes' : 'no',
      capacity: b.capacity,
      ...(yn(b.consents) && { consents: yn(b.consents)! }),
      'authorisedPerson-name': b.authorisedPerson?.name ?? '',
      'authorisedPerson-relationship': b.authorisedPerson?.relationship ?? '',
      ...dateValues('consultationRecordedOn', b.consultationRecordedOn),
      ...dateValues('enhancedDbsCheckedOn', b.enhancedDbsCheckedOn),
      ...dateValues('payingFrom', b.payingFrom),
      ...dateValues('refusedOn', b.refusedOn),
      refusalReasons: b.refusalReasons ?? '',
      ...Object.fromEntries(CARE_PLAN_TEXT.map((k) => [`carePlan-${k}`, b.carePlan?.[k] ?? ''])),
      ...dateValues('carePlan.firstReviewOn', b.carePlan?.firstReviewOn),
      'carePlan-reductionNoticeDays': b.carePlan?.reductionNoticeDays ? String(b.carePlan.reductionNoticeDays) : '',
    };
    return reply.render('pages/budget-change.njk', { ...context, values });
  });

  web.post('/people/:id/budgets/:budgetId/change', form, async (request, reply) => {
    const body = formBody(request);
    const problems: FieldError[] = [];
    const amount = pounds(body, 'amountPencePerWeek', 'weekly amount', problems);
    const rules = budgetRuleInput(body);
    const dates = { payingFrom: readDate(body, 'payingFrom'), refusedOn: readDate(body, 'refusedOn'), 'carePlan.firstReviewOn': readDate(body, 'carePlan.firstReviewOn') };
    const noticeTyped = text(body, 'carePlan-reductionNoticeDays');
    const noticeDays = noticeTyped === undefined ? null : Number(noticeTyped);
    if (noticeDays !== null && !(Number.isInteger(noticeDays) && noticeDays >= 1 && noticeDays <= 365)) problems.push({ field: 'carePlan.reductionNoticeDays', message: 'Enter the notice period as a whole number of days from 1 to 365' });
    const words = {
      labels: {
        amountPencePerWeek: 'weekly amount',
        necessityReason: 'reason it is necessary',
        payingFrom: 'date payments began',
        refusedOn: 'date it was refused',
        refusalReasons: 'reasons for refusing',
        carePlan: 'care plan',
        'carePlan.firstReviewOn': 'first review date',
        'carePlan.reductionNoticeDays': 'notice period for reductions',
        ...BUDGET_RULE_LABELS,
      },
      dates: { ...rules.dates, ...dates },
    };
    return submit({ reply, body, template: 'pages/budget-change.njk', context: () => changeContext(request), words }, async () => {
      if (problems.length > 0) throw new ValidationError(problems);
      const { budget } = await oneBudget(request);
      const input = {
        ...(amount !== undefined && { amountPencePerWeek: amount }),
        payeeRelationship: body.payeeRelationship || 'self',
        payeeLivesInSameHousehold: yesNo(body, 'payeeLivesInSameHousehold') ?? false,
        necessityReason: text(body, 'necessityReason') ?? null,
        ...rules.input,
        refusedOn: dates.refusedOn.value,
        refusalReasons: text(body, 'refusalReasons') ?? null,
        ...(budget.kind === 'personal-health-budget' && {
          payingFrom: dates.payingFrom.value,
          carePlan: { ...Object.fromEntries(CARE_PLAN_TEXT.map((k) => [k, text(body, `carePlan-${k}`) ?? null])), firstReviewOn: dates['carePlan.firstReviewOn'].value, reductionNoticeDays: noticeDays },
        }),
      };
      await services.budgets.update(signedIn(request), personIdOf(request), param(request, 'budgetId'), version(body), input);
      return servicesHref(request);
    });
  });

  const budgetEndContext = async (request: FastifyRequest) => ({ title: 'End a budget', ...(await oneBudget(request)), back: { href: servicesHref(request) } });

  web.get('/people/:id/budgets/:budgetId/end', page, async (request, reply) => {
    const context = await budgetEndContext(request);
    return reply.render('pages/budget-end.njk', { ...context, values: { version: String(context.budget.version) } });
  });

  web.post('/people/:id/budgets/:budgetId/end', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { endDate: 'end date', reason: 'reason' }, dates: { endDate: readDate(body, 'endDate') } };
    return submit({ reply, body, template: 'pages/budget-end.njk', context: () => budgetEndContext(request), words }, async () => {
      await services.budgets.end(signedIn(request), personIdOf(request), param(request, 'budgetId'), version(body), { endDate: words.dates.endDate.value ?? '', reason: required(body, 'reason') });
      return servicesHref(request);
    });
  });

  // ---- Joint funding policies (RESP-7) ------------------------------------------------------------
  const policyContext = async (request: FastifyRequest) => {
    const actor = signedIn(request);
    const list = await services.fundingPolicies.list(actor, {});
    return {
      title: 'Joint funding policies',
      width: 'full',
      policies: [...list.items].reverse().map((p) => ({ ...p, rows: Object.entries(p.splits).map(([c, s]) => ({ category: CATEGORY_LABELS[c] ?? c, ...s })) })),
      categories: options(CATEGORY_LABELS, SERVICE_CATEGORIES),
      mayManage: can(actor.role, 'funding-policy:manage'),
      mayExport: can(actor.role, 'finance:export'),
    };
  };

  web.get('/funding-policies', page, async (request, reply) => reply.render('pages/funding-policies.njk', { ...(await policyContext(request)), values: {} }));

  web.post('/funding-policies', form, async (request, reply) => {
    const body = formBody(request);
    const problems: FieldError[] = [];
    const effective = readDate(body, 'effectiveFrom');
    const splits: Record<string, { localAuthorityPercent: number | undefined; icbPercent: number | undefined }> = {};
    for (const category of SERVICE_CATEGORIES) {
      const la = whole(body, `splits-${category}-localAuthorityPercent`, `local authority’s percentage for ${CATEGORY_LABELS[category]!.toLowerCase()}`, problems);
      const icb = whole(body, `splits-${category}-icbPercent`, `ICB’s percentage for ${CATEGORY_LABELS[category]!.toLowerCase()}`, problems);
      if (la !== undefined || icb !== undefined) splits[category] = { localAuthorityPercent: la ?? 0, icbPercent: icb ?? 0 };
    }
    const words = {
      labels: { partnershipName: 'partnership name', localAuthority: 'local authority code', icb: 'ICB code', effectiveFrom: 'date it takes effect' },
      dates: { effectiveFrom: effective },
    };
    const actor = signedIn(request);
    return submit({ reply, body, template: 'pages/funding-policies.njk', context: () => policyContext(request), words }, async () => {
      if (problems.length > 0) throw new ValidationError(problems);
      const input = { partnershipName: required(body, 'partnershipName'), localAuthority: required(body, 'localAuthority'), icb: required(body, 'icb'), effectiveFrom: effective.value ?? '', splits };
      if (!canManageFundingPolicy(actor, { localAuthority: input.localAuthority.toUpperCase(), icb: input.icb.toUpperCase() }) && actor.role !== 'admin') {
        // The service refuses it (403); say so on the form instead of an error page.
        throw new ValidationError([{ field: 'localAuthority', message: 'You can only change the policy of a partnership your organisation belongs to' }]);
      }
      await services.fundingPolicies.create(actor, input);
      return '/funding-policies';
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
