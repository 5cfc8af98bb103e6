// The care and support plan pages: the plan (status, readiness, needs, the rest, finalising), one
// page per need (add, change, remove), one page for everything else, the versions and the person's
// copy as a PDF. Without JavaScript every change is a plain form; each save sends the plan's version.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../domain/access.ts';
import { NEED_DOMAINS, needDomainLabel } from '../../domain/plans.ts';
import { formatPence } from '../../domain/funding.ts';
import type { Actor } from '../../services/kernel/actor.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../services/kernel/errors.ts';
import type { Services } from '../../services/index.ts';
import { BadRequestError } from '../../services/kernel/validation.ts';
import { requireSignIn } from '../auth/index.ts';
import { fieldId } from '../views.ts';
import { dateValues, formBody, readDate, required, submit, text, version, yesNo, type DateEntry, type FormBody } from './forms.ts';
import { personIdOf, signedIn } from './request.ts';
import { NEED_FIELD_LABELS, PLAN_DETAIL_FIELD_LABELS } from './labels.ts';
import { flashSuccess } from './success.ts';

type PlanPage = Awaited<ReturnType<Services['plans']['page']>>;
type PlanView = PlanPage['plan'];
type PlanNeedView = PlanView['needs'][number];

/** Sharing rows on the details page: the recorded ones and two empty ones to add more. */
const EXTRA_SHARING_ROWS = 2;

const domainItems = NEED_DOMAINS.map((d) => ({ value: d.code, text: d.label }));
const yesNoValue = (v: boolean | undefined | null) => (v === true ? 'yes' : v === false ? 'no' : '');

function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

/** Calls the service and shows refusals against the form's own field names. */
async function renamed<T>(call: () => Promise<T>, rename: (error: ValidationError | BadRequestError) => ValidationError): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ValidationError || error instanceof BadRequestError) throw rename(error);
    throw error;
  }
}

/** Each need with its area's label and, under it, the services (not ended) that meet it: how the need is met in practice. */
const needsOf = (plan: PlanView) => plan.needs.map((n) => ({ ...n, domainLabel: needDomainLabel(n.domain), services: n.services.filter((s) => s.status !== 'ended').map((s) => ({ ...s, weeklyCostText: s.weeklyCostPence === null ? null : formatPence(s.weeklyCostPence) })) }));

function needValues(need: PlanNeedView | undefined, planVersion: number): FormBody {
  if (!need) return { version: String(planVersion) };
  return {
    version: String(planVersion),
    domain: need.domain,
    description: need.description,
    arisesFromMentalDisorder: yesNoValue(need.arisesFromMentalDisorder),
    reducesRiskOfDeterioration: yesNoValue(need.reducesRiskOfDeterioration),
    rationale: need.rationale,
    howMet: need.howMet,
    who: need.who,
    s117: yesNoValue(need.s117),
  };
}

function needInput(body: FormBody) {
  return {
    domain: required(body, 'domain'),
    description: required(body, 'description'),
    arisesFromMentalDisorder: yesNo(body, 'arisesFromMentalDisorder'),
    reducesRiskOfDeterioration: yesNo(body, 'reducesRiskOfDeterioration'),
    rationale: required(body, 'rationale'),
    howMet: required(body, 'howMet'),
    who: required(body, 'who'),
    s117: yesNo(body, 's117'),
  };
}

function detailValues(plan: PlanView): FormBody {
  const values: FormBody = {
    version: String(plan.version),
    goals: plan.goals ?? '',
    personViews: plan.personViews ?? '',
    carerViews: plan.carerViews ?? '',
    'accommodation-details': plan.accommodation.details ?? '',
    'accommodation-moveOnPlan': plan.accommodation.moveOnPlan ?? '',
    'signature-notSignedReason': plan.signature.notSignedReason ?? '',
    ...dateValues('accommodation.endsOn', plan.accommodation.endsOn),
    ...dateValues('signature.signedOn', plan.signature.signedOn),
    ...dateValues('copyGivenOn', plan.copyGivenOn),
  };
  for (const key of ['triggers', 'earlyWarningSigns', 'actions', 'whatHelps', 'crisisContacts', 'onAdmission'] as const) values[`contingency-${key}`] = plan.contingency[key] ?? '';
  plan.sharing.forEach((s, i) => {
    values[`sharing-${i}-name`] = s.name;
    values[`sharing-${i}-relationship`] = s.relationship ?? '';
    Object.assign(values, dateValues(`sharing.${i}.consentedOn`, s.consentedOn));
  });
  return values;
}

function detailInput(body: FormBody, rows: number) {
  const dates: Record<string, DateEntry> = {
    'accommodation.endsOn': readDate(body, 'accommodation.endsOn'),
    'signature.signedOn': readDate(body, 'signature.signedOn'),
    copyGivenOn: readDate(body, 'copyGivenOn'),
  };
  const labels: Record<string, string> = { ...PLAN_DETAIL_FIELD_LABELS };
  // Sharing: rows left empty are skipped; the service's field names are mapped back to the rows.
  const sharing: { name: string; relationship: string | null; consentedOn: string | null }[] = [];
  const rowOf: number[] = [];
  for (let i = 0; i < rows; i += 1) {
    const date = readDate(body, `sharing.${i}.consentedOn`);
    const name = text(body, `sharing-${i}-name`);
    const relationship = text(body, `sharing-${i}-relationship`);
    if (!name && !relationship && date.empty) continue;
    dates[`sharing.${i}.consentedOn`] = date;
    labels[`sharing.${i}.name`] = `name of person ${i + 1} to share with`;
    labels[`sharing.${i}.consentedOn`] = `date person ${i + 1} was agreed`;
    rowOf.push(i);
    sharing.push({ name: name ?? '', relationship: relationship ?? null, consentedOn: date.value });
  }
  const input = {
    goals: text(body, 'goals') ?? null,
    personViews: text(body, 'personViews') ?? null,
    carerViews: text(body, 'carerViews') ?? null,
    accommodation: { details: text(body, 'accommodation-details') ?? null, endsOn: dates['accommodation.endsOn']!.value, moveOnPlan: text(body, 'accommodation-moveOnPlan') ?? null },
    // REV-1: the service states the register's next review date; the form does not take one.
    nextReviewOn: null,
    contingency: {
      triggers: text(body, 'contingency-triggers') ?? null,
      earlyWarningSigns: text(body, 'contingency-earlyWarningSigns') ?? null,
      actions: text(body, 'contingency-actions') ?? null,
      whatHelps: text(body, 'contingency-whatHelps') ?? null,
      crisisContacts: text(body, 'contingency-crisisContacts') ?? null,
      onAdmission: text(body, 'contingency-onAdmission') ?? null,
    },
    signature: { signedOn: dates['signature.signedOn']!.value, notSignedReason: text(body, 'signature-notSignedReason') ?? null },
    copyGivenOn: dates.copyGivenOn!.value,
    sharing,
  };
  const rename = (error: ValidationError | BadRequestError) =>
    new ValidationError(error.errors.map((e) => {
      const match = /^sharing\.(\d+)\.(.+)$/.exec(e.field);
      return match ? { ...e, field: `sharing.${rowOf[Number(match[1])] ?? match[1]}.${match[2]}` } : e;
    }));
  return { input, words: { labels, dates }, rename };
}

export function registerPlanPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };
  const planHref = (request: FastifyRequest) => `/people/${personIdOf(request)}/plan`;

  /** The person's heading and the plan: one read for every page of the plan. */
  async function loaded(request: FastifyRequest): Promise<PlanPage & { actor: Actor }> {
    const actor = signedIn(request);
    return { actor, ...(await services.plans.page(actor, personIdOf(request))) };
  }

  function planPage(reply: FastifyReply, { actor, person, plan }: PlanPage & { actor: Actor }, extra: Record<string, unknown> = {}) {
    const needs = needsOf(plan);
    return reply.render('pages/plan.njk', {
      title: 'Care and support plan',
      person,
      plan,
      s117Needs: needs.filter((n) => n.s117),
      otherNeeds: needs.filter((n) => !n.s117),
      mayEdit: can(actor.role, 'plan:edit'),
      back: { href: `/people/${person.id}`, text: 'Back to the person' },
      ...extra,
    });
  }

  // Its one use case (plans.page) applies the visibility first, so the guard's query is not repeated (issue 14).
  web.get('/people/:id/plan', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => planPage(reply, await loaded(request)));

  // ---- Finalising (PLAN-5, PLAN-6) ------------------------------------------------------------
  // Finalising is permanent, so it is never one click (issue 9 item 3): the check page shows the plan
  // as it would become final, what stops it and what to check; only its own "Finalise" (step=confirm)
  // finalises. A post without it (an old form) shows the check page and changes nothing.
  const fixHref = (request: FastifyRequest, field: string) => {
    const id = personIdOf(request);
    if (field === 'needs' || field.startsWith('needs.')) return `${planHref(request)}${field === 'needs' ? '/needs/new' : ''}`;
    if (field === 'episode') return `/people/${id}`;
    if (field === 'keyworker') return `/people/${id}/keyworker`;
    return `${planHref(request)}/details#${fieldId(field)}`;
  };
  const withRule = (v: { message: string; rule?: string }) => (v.rule ? `${v.message} (${v.rule})` : v.message);
  const finaliseContext = async (request: FastifyRequest) => {
    const actor = signedIn(request);
    const { person, plan, problems, warnings } = await services.plans.finalisePage(actor, personIdOf(request));
    const needs = needsOf(plan);
    return {
      title: 'Check the plan before you finalise it',
      person,
      plan,
      s117Needs: needs.filter((n) => n.s117),
      otherNeeds: needs.filter((n) => !n.s117),
      problems: problems.map((p) => ({ text: withRule(p), href: fixHref(request, p.field) })),
      warnings: warnings.map((w) => ({ text: withRule(w), href: fixHref(request, w.field) })),
      mayFinalise: can(actor.role, 'plan:edit') && plan.status !== 'final' && problems.length === 0,
      back: { href: planHref(request), text: 'Back to the plan' },
    };
  };

  web.get('/people/:id/plan/finalise', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/plan-finalise.njk', await finaliseContext(request)));

  web.post('/people/:id/plan/finalise', form, async (request, reply) => {
    const body = formBody(request);
    if (body.step !== 'confirm') return reply.render('pages/plan-finalise.njk', await finaliseContext(request));
    try {
      await services.plans.finalise(signedIn(request), personIdOf(request), version(body));
      flashSuccess(reply, 'plan-finalised');
      return reply.redirect(planHref(request), 303);
    } catch (error) {
      // The plan changed since the check page was drawn: show it again as it is now, with why.
      if (error instanceof ValidationError) {
        const finaliseErrors = error.errors.map((e: FieldError) => ({ text: withRule(e), href: fixHref(request, e.field) }));
        return reply.status(422).render('pages/plan-finalise.njk', { ...(await finaliseContext(request)), finaliseErrors });
      }
      if (error instanceof ConflictError) {
        return reply.status(409).render('pages/plan-finalise.njk', { ...(await finaliseContext(request)), finaliseErrors: [{ text: error.message, href: `${planHref(request)}/finalise` }] });
      }
      throw error;
    }
  });

  // ---- One need: add, change, remove ----------------------------------------------------------
  const needContext = async (request: FastifyRequest, needId?: string) => {
    const { person, plan } = await loaded(request);
    const index = needId ? plan.needs.findIndex((n) => n.id === needId) : -1;
    if (needId && index < 0) throw new NotFoundError('need');
    return { person, plan, index, need: index >= 0 ? plan.needs[index] : undefined, domains: domainItems, back: { href: `/people/${person.id}/plan` } };
  };

  const saveNeed = async (request: FastifyRequest, reply: FastifyReply, needId?: string) => {
    const actor = signedIn(request);
    const body = formBody(request);
    const context = () => needContext(request, needId);
    const words = {
      labels: NEED_FIELD_LABELS,
      unanswered: {
        domain: 'Select the area of life this need is about',
        arisesFromMentalDisorder: 'Select yes if the need arises from or is related to their mental disorder',
        reducesRiskOfDeterioration: 'Select yes if meeting the need reduces the risk of their mental condition getting worse',
      },
    };
    return submit({ reply, body, template: 'pages/plan-need.njk', context, words }, async () => {
      // The form sends the need's own fields; the service applies them to the stored draft.
      await services.plans.saveNeed(actor, personIdOf(request), version(body), needId ?? null, needInput(body));
      return planHref(request);
    });
  };

  web.get('/people/:id/plan/needs/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await needContext(request);
    return reply.render('pages/plan-need.njk', { ...context, values: needValues(undefined, context.plan.version) });
  });
  web.post('/people/:id/plan/needs/new', form, async (request, reply) => saveNeed(request, reply));

  web.get('/people/:id/plan/needs/:needId', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await needContext(request, param(request, 'needId'));
    return reply.render('pages/plan-need.njk', { ...context, values: needValues(context.need, context.plan.version) });
  });
  web.post('/people/:id/plan/needs/:needId', form, async (request, reply) => saveNeed(request, reply, param(request, 'needId')));

  web.get('/people/:id/plan/needs/:needId/remove', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await needContext(request, param(request, 'needId'));
    return reply.render('pages/plan-need-remove.njk', { ...context, domainLabel: needDomainLabel(context.need!.domain), values: { version: String(context.plan.version) } });
  });
  web.post('/people/:id/plan/needs/:needId/remove', form, async (request, reply) => {
    const body = formBody(request);
    const needId = param(request, 'needId');
    const context = async () => {
      const c = await needContext(request, needId);
      return { ...c, domainLabel: needDomainLabel(c.need!.domain) };
    };
    return submit({ reply, body, template: 'pages/plan-need-remove.njk', context, words: { labels: {} } }, async () => {
      await services.plans.removeNeed(signedIn(request), personIdOf(request), version(body), needId);
      return planHref(request);
    });
  });

  // ---- Everything else: goals, views, accommodation, keyworker, review, contingency, signature --
  const detailsContext = async (request: FastifyRequest) => {
    const { person, plan } = await loaded(request);
    const rows = plan.sharing.length + EXTRA_SHARING_ROWS;
    return { person, plan, sharingRows: Array.from({ length: rows }, (_, i) => i), back: { href: `/people/${person.id}/plan` } };
  };

  web.get('/people/:id/plan/details', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await detailsContext(request);
    return reply.render('pages/plan-details.njk', { ...context, values: detailValues(context.plan) });
  });

  web.post('/people/:id/plan/details', form, async (request, reply) => {
    const body = formBody(request);
    const context = await detailsContext(request);
    const { input, words, rename } = detailInput(body, context.sharingRows.length);
    return submit({ reply, body, template: 'pages/plan-details.njk', context: async () => context, words }, async () => {
      await renamed(() => services.plans.updateDetails(signedIn(request), personIdOf(request), version(body), input), rename);
      return planHref(request);
    });
  });

  // ---- Versions and the person's copy ---------------------------------------------------------
  web.get('/people/:id/plan/versions', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const { person, versions } = await services.plans.versionsPage(signedIn(request), personIdOf(request));
    return reply.render('pages/plan-versions.njk', { title: 'Versions of the care and support plan', person, versions: versions.items, back: { href: `/people/${person.id}/plan` } });
  });

  web.get('/people/:id/plan/versions/:number', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const { person, version: planVersion } = await services.plans.versionPage(signedIn(request), personIdOf(request), param(request, 'number'));
    const needs = planVersion.needs.map((n) => ({ ...n, domainLabel: needDomainLabel(n.domain) }));
    return reply.render('pages/plan-version.njk', {
      title: `Care and support plan, version ${planVersion.number}`,
      person,
      plan: planVersion,
      s117Needs: needs.filter((n) => n.s117),
      otherNeeds: needs.filter((n) => !n.s117),
      back: { href: `/people/${person.id}/plan/versions` },
    });
  });

  web.get('/people/:id/plan.pdf', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const largePrint = (request.query as { largePrint?: string } | undefined)?.largePrint === 'true';
    const { pdf, number } = await services.plans.pdf(signedIn(request), personIdOf(request), { largePrint });
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="care-and-support-plan-v${number}${largePrint ? '-large-print' : ''}.pdf"`)
      .header('cache-control', 'no-store')
      .send(pdf);
  });
}
