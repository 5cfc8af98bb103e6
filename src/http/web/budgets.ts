// Pages for direct payments and personal health budgets: adding, changing (DP-1, DP-2) and ending a
// budget, and recording its reviews. Amounts are typed in pounds and pence and sent to the services
// as integer pence; every rule stays in the domain.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PAYEE_RELATIONSHIPS } from '../../domain/budgets.ts';
import { ValidationError, type FieldError } from '../../services/kernel/errors.ts';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { many, options, pounds } from './funding-fields.ts';
import { CATEGORY_LABELS, PAYEE_LABELS } from './labels.ts';
import { dateValues, formBody, readDate, required, submit, text, version, yesNo, type FormBody } from './forms.ts';
import { personIdOf, signedIn } from './request.ts';
import { BUDGET_RULE_LABELS } from './labels.ts';

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


export function registerBudgetPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };
  const param = (request: FastifyRequest, name: string) => (request.params as Record<string, string>)[name] ?? '';
  const servicesHref = (request: FastifyRequest) => `/people/${personIdOf(request)}/services`;

  // ---- Budgets ---------------------------------------------------------------------------------------
  const budgetContext = async (request: FastifyRequest) => {
    const { person, services: list } = await services.budgets.newPage(signedIn(request), personIdOf(request));
    return {
      title: 'Add a direct payment or personal health budget',
      person,
      back: { href: `/people/${person.id}/services` },
      serviceOptions: list.items.filter((s) => s.status !== 'ended').map((s) => ({ value: s.id, text: `${s.description} (${CATEGORY_LABELS[s.category]}; LA ${s.funding.localAuthorityPercent}%, ICB ${s.funding.icbPercent}%)` })),
      payees: options(PAYEE_LABELS, PAYEE_RELATIONSHIPS),
      checkedServices: many(request, 'serviceIds'),
    };
  };

  web.get('/people/:id/budgets/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/budget-new.njk', { ...(await budgetContext(request)), values: {} }));

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

  /** The person and the budget named in the path, from one read. */
  const oneBudget = (request: FastifyRequest) => services.budgets.budgetPage(signedIn(request), personIdOf(request), param(request, 'budgetId'));

  const reviewContext = async (request: FastifyRequest) => ({ title: 'Record a budget review', ...(await oneBudget(request)), back: { href: servicesHref(request) } });

  web.get('/people/:id/budgets/:budgetId/reviews/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/budget-review.njk', { ...(await reviewContext(request)), values: {} }));

  web.post('/people/:id/budgets/:budgetId/reviews/new', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { heldOn: 'date of the review' }, dates: { heldOn: readDate(body, 'heldOn') } };
    return submit({ reply, body, template: 'pages/budget-review.njk', context: () => reviewContext(request), words }, async () => {
      await services.budgets.recordReview(signedIn(request), personIdOf(request), param(request, 'budgetId'), { heldOn: words.dates.heldOn.value ?? '', reason: body.reason || 'scheduled' });
      return servicesHref(request);
    });
  });

  // ---- DP-1(d): a suspected breach or a change in capacity makes a review due now (issue 15, money 3) ---
  const triggerContext = async (request: FastifyRequest) => ({ title: 'Record a suspected breach or a change in capacity', ...(await oneBudget(request)), back: { href: servicesHref(request) } });

  web.get('/people/:id/budgets/:budgetId/review-triggers/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/budget-review-trigger.njk', { ...(await triggerContext(request)), values: {} }));

  web.post('/people/:id/budgets/:budgetId/review-triggers/new', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { occurredOn: 'date it happened', kind: 'what happened' }, dates: { occurredOn: readDate(body, 'occurredOn') } };
    return submit({ reply, body, template: 'pages/budget-review-trigger.njk', context: () => triggerContext(request), words }, async () => {
      await services.budgets.recordReviewTrigger(signedIn(request), personIdOf(request), param(request, 'budgetId'), { kind: body.kind ?? '', occurredOn: words.dates.occurredOn.value ?? '' });
      return servicesHref(request);
    });
  });

  // ---- Changing and ending a budget ------------------------------------------------------------------
  const changeContext = async (request: FastifyRequest) => ({ title: 'Change a budget', ...(await oneBudget(request)), payees: options(PAYEE_LABELS, PAYEE_RELATIONSHIPS), back: { href: servicesHref(request) } });
  const CARE_PLAN_TEXT = ['healthNeedsAndOutcomes', 'services', 'amountAndPaymentIntervals', 'careCoordinator', 'conditionMonitoring'] as const;

  web.get('/people/:id/budgets/:budgetId/change', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
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

  // ---- DP-2: a reduction or stopping after written notice, from the page (issue 15, money 3) -----------
  const reductionContext = async (request: FastifyRequest) => ({ title: 'Reduce or stop a budget', ...(await oneBudget(request)), back: { href: servicesHref(request) } });

  web.get('/people/:id/budgets/:budgetId/reductions/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await reductionContext(request);
    return reply.render('pages/budget-reduction.njk', { ...context, values: { version: String(context.budget.version) } });
  });

  web.post('/people/:id/budgets/:budgetId/reductions/new', form, async (request, reply) => {
    const body = formBody(request);
    const problems: FieldError[] = [];
    const amount = pounds(body, 'newAmountPencePerWeek', 'new weekly amount', problems);
    const dates = { noticeGivenOn: readDate(body, 'noticeGivenOn'), effectiveOn: readDate(body, 'effectiveOn'), furtherReviewRequestedOn: readDate(body, 'furtherReviewRequestedOn') };
    const words = { labels: { newAmountPencePerWeek: 'new weekly amount', noticeGivenOn: 'date notice was given', effectiveOn: 'date it takes effect', furtherReviewRequestedOn: 'date a further review was asked for' }, dates };
    return submit({ reply, body, template: 'pages/budget-reduction.njk', context: () => reductionContext(request), words }, async () => {
      if (problems.length > 0) throw new ValidationError(problems);
      if (amount === undefined) throw new ValidationError([{ field: 'newAmountPencePerWeek', message: 'Enter the new weekly amount (0 stops the budget)' }]);
      await services.budgets.recordReduction(signedIn(request), personIdOf(request), param(request, 'budgetId'), version(body), {
        newAmountPencePerWeek: amount,
        noticeGivenOn: dates.noticeGivenOn.value ?? '',
        effectiveOn: dates.effectiveOn.value ?? '',
        furtherReviewRequestedOn: dates.furtherReviewRequestedOn.value ?? null,
      });
      return servicesHref(request);
    });
  });

  const budgetEndContext = async (request: FastifyRequest) => ({ title: 'End a budget', ...(await oneBudget(request)), back: { href: servicesHref(request) } });

  web.get('/people/:id/budgets/:budgetId/end', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
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
}
