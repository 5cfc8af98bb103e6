// Pages for money: a person's Money page (charges and refunds with the letter
// (CHG-2), top-ups (CHG-3), disputes (RESP-6)) and the finance area (/finance: the recharge statement
// and spend report for a period, RESP-1 and RESP-7, with CSV downloads, and the organisation's
// disputes). Money is typed in pounds and pence and sent to the services as integer pence.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../domain/access.ts';
import { addDays, addMonths, todayInLondon } from '../../domain/dates.ts';
import { formatPence, parsePounds } from '../../domain/funding.ts';
import { ForbiddenError, ValidationError, type FieldError } from '../../services/kernel/errors.ts';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { bodyKindOf } from './organisations.ts';
import { formBody, readDate, required, submit, text, version, type FormBody } from './forms.ts';
import { personIdOf, signedIn } from './request.ts';
import { registerMoneyPaymentPages } from './money-payments.ts';
import { BODY_LABELS, CATEGORY_LABELS, CHARGE_COVERAGE_LABELS, DISPUTE_SUBJECT_LABELS, REFUND_STATUS_LABELS } from './labels.ts';


const pounds = (pence: number | null | undefined) => (pence === null || pence === undefined ? '' : formatPence(pence));

function amount(body: FormBody, field: string, label: string, problems: FieldError[]): number | undefined {
  const typed = text(body, field);
  if (typed === undefined) {
    problems.push({ field, message: `Enter the ${label} in pounds and pence, for example 125.50` });
    return undefined;
  }
  const pence = parsePounds(typed);
  if (pence === null) problems.push({ field, message: `Enter the ${label} in pounds and pence, for example 125.50` });
  return pence ?? undefined;
}

export function registerMoneyPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };
  const moneyHref = (request: FastifyRequest) => `/people/${personIdOf(request)}/money`;

  async function moneyContext(request: FastifyRequest) {
    const actor = signedIn(request);
    // Charges and refunds are null for someone who may not see this person's money.
    const { person, charges, refunds, topUps, disputes, services: serviceList } = await services.moneyPage.moneyPage(actor, personIdOf(request));
    const descriptions = new Map(serviceList.items.map((s) => [s.id, s.description]));
    return {
      title: `Money: ${person.givenName} ${person.familyName}`,
      width: 'full',
      person,
      back: { href: `/people/${person.id}`, text: 'Back to the record' },
      moneyVisible: charges !== null,
      // A period that reaches today while aftercare runs has no end yet: it is not "to today" (issue 9).
      entitlements: (charges?.entitlements ?? []).map((e, index, all) => ({ ...e, ongoing: index === all.length - 1 && (person.status === 'active' || person.status === 'in-custody') && e.to === todayInLondon() })),
      charges: (charges?.items ?? []).map((c) => ({ ...c, amountText: pounds(c.amountPence), coverageText: CHARGE_COVERAGE_LABELS[c.insideEntitlement], serviceText: c.serviceId ? (descriptions.get(c.serviceId) ?? '') : '' })),
      refunds: (refunds?.items ?? []).map((r) => ({
        ...r,
        statusText: REFUND_STATUS_LABELS[r.status],
        principalText: pounds(r.totalPrincipalPence),
        interestText: pounds(r.totalInterestPence),
        totalText: pounds(r.totalPence),
        rateText: `${r.interestBasisPoints / 100}%`,
        lines: r.lines.map((l) => ({ ...l, principalText: pounds(l.principalPence), interestText: pounds(l.interestPence), totalText: pounds(l.totalPence) })),
      })),
      topUps: topUps.items.map((t) => ({ ...t, serviceText: descriptions.get(t.serviceId) ?? '', additionalText: pounds(t.terms.additionalCostPencePerWeek) })),
      accommodationOptions: serviceList.items.filter((s) => s.s117 && s.accommodation && ['care-home', 'shared-lives', 'supported-living'].includes(s.accommodation.type)).map((s) => ({ value: s.id, text: s.description })),
      serviceOptions: [{ value: '', text: 'Not linked to a service' }, ...serviceList.items.map((s) => ({ value: s.id, text: `${s.description} (${CATEGORY_LABELS[s.category] ?? s.category})` }))],
      disputes: disputes.items.map((d) => ({ ...d, subjectText: DISPUTE_SUBJECT_LABELS[d.subject] ?? d.subject })),
      subjects: Object.entries(DISPUTE_SUBJECT_LABELS).map(([value, label]) => ({ value, text: label })),
      may: {
        charges: can(actor.role, 'refunds:manage') && charges !== null,
        approve: can(actor.role, 'refunds:approve'),
        topUps: can(actor.role, 'top-ups:record'),
        disputes: can(actor.role, 'disputes:manage'),
      },
    };
  }

  web.get('/people/:id/money', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/money.njk', { ...(await moneyContext(request)), values: {} }));

  // ---- Charges and refunds (CHG-2) --------------------------------------------------------------
  web.post('/people/:id/money/charges', form, async (request, reply) => {
    const body = formBody(request);
    const problems: FieldError[] = [];
    const dates = { periodFrom: readDate(body, 'periodFrom'), periodTo: readDate(body, 'periodTo'), paidOn: readDate(body, 'paidOn') };
    const amountPence = amount(body, 'amountPence', 'amount paid', problems);
    const words = { labels: { periodFrom: 'start of the period charged', periodTo: 'end of the period charged', paidOn: 'date paid', amountPence: 'amount paid', description: 'description' }, dates };
    return submit({ reply, body, template: 'pages/money.njk', context: () => moneyContext(request), words }, async () => {
      if (problems.length > 0) throw new ValidationError(problems);
      await services.refunds.recordCharge(signedIn(request), personIdOf(request), {
        periodFrom: dates.periodFrom.value ?? '',
        periodTo: dates.periodTo.value ?? '',
        paidOn: dates.paidOn.value ?? '',
        amountPence,
        description: required(body, 'description'),
        serviceId: text(body, 'serviceId') ?? null,
      });
      return `${moneyHref(request)}#charges`;
    });
  });

  web.post('/people/:id/money/refunds', form, async (request, reply) => {
    const body = formBody(request);
    return submit({ reply, body, template: 'pages/money.njk', context: () => moneyContext(request), words: { labels: { chargeIds: 'charges' } } }, async () => {
      const created = await services.refunds.calculateRefund(signedIn(request), personIdOf(request), {});
      return `${moneyHref(request)}#refund-${created.id}`;
    });
  });

  web.post('/people/:id/money/refunds/:refundId/approval', form, async (request, reply) => {
    const body = formBody(request);
    const refundId = (request.params as { refundId: string }).refundId;
    return submit({ reply, body, template: 'pages/money.njk', context: () => moneyContext(request), words: { labels: {} } }, async () => {
      await services.refunds.approveRefund(signedIn(request), personIdOf(request), refundId, version(body), {});
      return `${moneyHref(request)}#refund-${refundId}`;
    });
  });

  web.get('/people/:id/money/refunds/:refundId/letter.pdf', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const { refundId } = request.params as { refundId: string };
    const largePrint = (request.query as { largePrint?: string }).largePrint === 'true';
    const pdf = await services.refunds.refundLetter(signedIn(request), personIdOf(request), refundId, { largePrint });
    return reply.type('application/pdf').header('content-disposition', `inline; filename="refund-letter${largePrint ? '-large-print' : ''}.pdf"`).header('cache-control', 'no-store').send(pdf);
  });

  // ---- Top-ups (CHG-3) ---------------------------------------------------------------------------
  web.post('/people/:id/money/top-ups', form, async (request, reply) => {
    const body = formBody(request);
    const words = { labels: { serviceId: 'accommodation', preferredAccommodation: 'preferred accommodation' }, unanswered: { serviceId: 'Select the accommodation the preference is about' } };
    return submit({ reply, body, template: 'pages/money.njk', context: () => moneyContext(request), words }, async () => {
      await services.topUps.createTopUp(signedIn(request), personIdOf(request), { serviceId: required(body, 'serviceId'), preferredAccommodation: required(body, 'preferredAccommodation') });
      return `${moneyHref(request)}#top-ups`;
    });
  });

  web.post('/people/:id/money/top-ups/:topUpId/refusal', form, async (request, reply) => {
    const body = formBody(request);
    const { topUpId } = request.params as { topUpId: string };
    const refusedOn = readDate(body, 'refusedOn');
    const words = { labels: { refusedOn: 'date of the refusal', refusalReasons: 'reasons for the refusal' }, dates: { refusedOn } };
    return submit({ reply, body, template: 'pages/money.njk', context: () => moneyContext(request), words }, async () => {
      await services.topUps.updateTopUp(signedIn(request), personIdOf(request), topUpId, version(body), { refusedOn: refusedOn.value ?? '', refusalReasons: text(body, 'refusalReasons') ?? null });
      return `${moneyHref(request)}#top-ups`;
    });
  });

  // ---- Disputes (RESP-6) -------------------------------------------------------------------------
  web.post('/people/:id/money/disputes', form, async (request, reply) => {
    const body = formBody(request);
    const raisedOn = readDate(body, 'raisedOn');
    const words = {
      labels: { 'partyA.code': 'first body', 'partyB.code': 'second body', subject: 'subject', interimFunderCode: 'interim funder', raisedOn: 'date the dispute was raised' },
      dates: { raisedOn },
      unanswered: { subject: 'Select what the dispute is about' },
    };
    return submit({ reply, body, template: 'pages/money.njk', context: () => moneyContext(request), words }, async () => {
      await services.disputes.raiseDispute(signedIn(request), personIdOf(request), {
        partyA: { kind: bodyKindOf(request.organisations, required(body, 'partyA-code')), code: required(body, 'partyA-code') },
        partyB: { kind: bodyKindOf(request.organisations, required(body, 'partyB-code')), code: required(body, 'partyB-code') },
        subject: body.subject || undefined,
        interimFunderCode: required(body, 'interimFunderCode'),
        raisedOn: raisedOn.value ?? '',
      });
      return `${moneyHref(request)}#disputes`;
    });
  });

  // ---- The finance area (RESP-1, RESP-7) -----------------------------------------------------------
  web.get('/finance', page, async (request, reply) => {
    const actor = signedIn(request);
    if (!can(actor.role, 'finance:export')) throw new ForbiddenError('Only finance staff, auditors and admins see the finance reports');
    const query = (request.query ?? {}) as FormBody;
    const from = readDate(query, 'from');
    const to = readDate(query, 'to');
    const today = todayInLondon();
    const defaultTo = addDays(today, -1);
    const period = { from: from.empty ? addDays(addMonths(defaultTo, -12), 1) : from.value, to: to.empty ? defaultTo : to.value };
    const values: FormBody = { ...query };
    for (const [field, iso] of Object.entries(period)) {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
      if (m && (field === 'from' ? from.empty : to.empty)) Object.assign(values, { [`${field}-day`]: String(Number(m[3])), [`${field}-month`]: String(Number(m[2])), [`${field}-year`]: m[1] });
    }
    const disputes = await services.disputes.listDisputes(actor);
    const base = { title: 'Finance: recharges and spend', width: 'full', values, disputes: disputes.items.map((d) => ({ ...d, subjectText: DISPUTE_SUBJECT_LABELS[d.subject] ?? d.subject })) };
    try {
      const statement = await services.recharges.recharges(actor, period);
      const q = `from=${statement.from}&to=${statement.to}`;
      return reply.render('pages/finance.njk', {
        ...base,
        statement: {
          ...statement,
          lines: statement.lines.map((l) => ({ ...l, cost: pounds(l.costPence), laShare: pounds(l.localAuthorityShare), icbShare: pounds(l.icbShare), laPaid: pounds(l.localAuthorityPaid), icbPaid: pounds(l.icbPaid), balance: pounds(Math.abs(l.icbOwesLocalAuthority)), categoryText: CATEGORY_LABELS[l.category] ?? l.category })),
          totalsText: Object.fromEntries(Object.entries(statement.totals).map(([k, v]) => [k, pounds(k === 'icbOwesLocalAuthority' ? Math.abs(v) : v)])),
          spend: statement.spend.map((r) => ({ ...r, bodyText: BODY_LABELS[r.body], categoryText: CATEGORY_LABELS[r.category] ?? r.category, agreed: pounds(r.agreedPence), paid: pounds(r.paidPence) })),
        },
        csv: { recharges: `/finance/recharges.csv?${q}`, spend: `/finance/spend.csv?${q}` },
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const errors = error.errors.map((e) => ({ field: e.field, message: e.field === 'from' ? 'Enter a real start date for the period' : e.field === 'to' ? (e.message.includes('after') ? e.message : 'Enter a real end date for the period') : e.message }));
      return reply.status(422).render('pages/finance.njk', { ...base, errors, statement: null });
    }
  });

  for (const kind of ['recharges', 'spend'] as const) {
    web.get(`/finance/${kind}.csv`, page, async (request, reply) => {
      const q = request.query as { from?: string; to?: string };
      const csv = kind === 'recharges' ? await services.recharges.rechargesCsv(signedIn(request), q) : await services.recharges.spendCsv(signedIn(request), q);
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="s117-${kind}-${q.from}-to-${q.to}.csv"`).header('cache-control', 'no-store').send(csv);
    });
  }
  registerMoneyDetailPages(web, services);
  registerMoneyPaymentPages(web, services);
}

const YES_NO = ['sameTypeAsDecided', 'suitable', 'available', 'providerAcceptsTerms'] as const;
const TERM_TEXTS = ['reviewProvision', 'consequencesOfStoppingPayment', 'consequencesOfPriceRise', 'consequencesOfMeansChange'] as const;

/** The top-up agreement page (CHG-3) and the dispute page (RESP-6). */
export function registerMoneyDetailPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };
  const param = (request: FastifyRequest, name: string) => (request.params as Record<string, string>)[name] ?? '';

  async function topUpContext(request: FastifyRequest) {
    const { person, topUp } = await services.moneyPage.topUpPage(signedIn(request), personIdOf(request), param(request, 'topUpId'));
    return { title: `Top-up agreement: ${topUp.preferredAccommodation}`, person, topUp, back: { href: `/people/${person.id}/money#top-ups` } };
  }

  const yn = (v: boolean | null) => (v === true ? 'yes' : v === false ? 'no' : '');
  const poundsValue = (p: number | null) => (p === null ? '' : (p / 100).toFixed(2));

  web.get('/people/:id/money/top-ups/:topUpId', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await topUpContext(request);
    const t = context.topUp;
    const values: FormBody = {
      version: String(t.version),
      'conditions-accommodationType': t.conditions.accommodationType ?? '',
      ...Object.fromEntries(YES_NO.map((k) => [`conditions-${k}`, yn(t.conditions[k])])),
      'terms-additionalCostPencePerWeek': poundsValue(t.terms.additionalCostPencePerWeek),
      'terms-localAuthorityPaysPencePerWeek': poundsValue(t.terms.localAuthorityPaysPencePerWeek),
      'terms-paymentFrequency': t.terms.paymentFrequency ?? '',
      'terms-payee': t.terms.payee ?? '',
      ...Object.fromEntries(TERM_TEXTS.map((k) => [`terms-${k}`, t.terms[k] ?? ''])),
      'payer-kind': t.payer?.kind ?? '',
      'payer-relationship': t.payer?.relationship ?? '',
    };
    return reply.render('pages/top-up.njk', { ...context, values });
  });

  web.post('/people/:id/money/top-ups/:topUpId', form, async (request, reply) => {
    const body = formBody(request);
    const problems: FieldError[] = [];
    const signedOn = readDate(body, 'signedOn');
    const money = (field: string, label: string) => {
      const typed = text(body, field);
      if (typed === undefined) return null;
      const pence = parsePounds(typed);
      if (pence === null) problems.push({ field: field.replace('-', '.'), message: `Enter ${label} in pounds and pence, for example 125.50` });
      return pence;
    };
    const yesNoOrNull = (name: string) => (body[name] === 'yes' ? true : body[name] === 'no' ? false : null);
    const input = {
      conditions: { accommodationType: text(body, 'conditions-accommodationType') ?? null, ...Object.fromEntries(YES_NO.map((k) => [k, yesNoOrNull(`conditions-${k}`)])) },
      terms: {
        additionalCostPencePerWeek: money('terms-additionalCostPencePerWeek', 'the additional cost each week'),
        localAuthorityPaysPencePerWeek: money('terms-localAuthorityPaysPencePerWeek', 'the amount the council pays each week'),
        paymentFrequency: text(body, 'terms-paymentFrequency') ?? null,
        payee: text(body, 'terms-payee') ?? null,
        ...Object.fromEntries(TERM_TEXTS.map((k) => [k, text(body, `terms-${k}`) ?? null])),
      },
      payer: text(body, 'payer-kind') ? { kind: text(body, 'payer-kind'), relationship: text(body, 'payer-relationship') ?? null } : null,
      ...(!signedOn.empty && { signedOn: signedOn.value }),
    };
    const words = {
      labels: { signedOn: 'date the payer signed', 'payer.relationship': 'third party’s relationship to the person' },
      dates: { signedOn },
    };
    return submit({ reply, body, template: 'pages/top-up.njk', context: () => topUpContext(request), words }, async () => {
      if (problems.length > 0) throw new ValidationError(problems);
      await services.topUps.updateTopUp(signedIn(request), personIdOf(request), param(request, 'topUpId'), version(body), input);
      return `/people/${personIdOf(request)}/money#top-ups`;
    });
  });

  // CHG-3: the written agreement to sign, as a tagged PDF (audited by the service as a read).
  web.get('/people/:id/money/top-ups/:topUpId/agreement.pdf', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const largePrint = (request.query as { largePrint?: string }).largePrint === 'true';
    const pdf = await services.topUps.topUpAgreement(signedIn(request), personIdOf(request), param(request, 'topUpId'), { largePrint });
    return reply.type('application/pdf').header('content-disposition', `inline; filename="top-up-agreement${largePrint ? '-large-print' : ''}.pdf"`).header('cache-control', 'no-store').send(pdf);
  });

  async function disputeContext(request: FastifyRequest) {
    const { person, dispute } = await services.moneyPage.disputePage(signedIn(request), personIdOf(request), param(request, 'disputeId'));
    return { title: 'Update a dispute', person, dispute: { ...dispute, subjectText: DISPUTE_SUBJECT_LABELS[dispute.subject] ?? dispute.subject }, back: { href: `/people/${person.id}/money#disputes` } };
  }

  web.get('/people/:id/money/disputes/:disputeId', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await disputeContext(request);
    const d = context.dispute;
    const values: FormBody = { version: String(d.version), interimFunderCode: d.interimFunderCode, resolution: d.resolution ?? '' };
    for (const field of ['referredOn', 'personToldOn', 'resolvedOn'] as const) {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d[field] ?? '');
      if (m) Object.assign(values, { [`${field}-day`]: String(Number(m[3])), [`${field}-month`]: String(Number(m[2])), [`${field}-year`]: m[1] });
    }
    return reply.render('pages/dispute.njk', { ...context, values });
  });

  web.post('/people/:id/money/disputes/:disputeId', form, async (request, reply) => {
    const body = formBody(request);
    const dates = { referredOn: readDate(body, 'referredOn'), personToldOn: readDate(body, 'personToldOn'), resolvedOn: readDate(body, 'resolvedOn') };
    const words = { labels: { referredOn: 'date it was referred', personToldOn: 'date the person was told', resolvedOn: 'date it was resolved', resolution: 'how it was resolved', interimFunderCode: 'interim funder' }, dates };
    return submit({ reply, body, template: 'pages/dispute.njk', context: () => disputeContext(request), words }, async () => {
      await services.disputes.updateDispute(signedIn(request), personIdOf(request), version(body), {
        id: param(request, 'disputeId'),
        interimFunderCode: required(body, 'interimFunderCode'),
        referredOn: dates.referredOn.value,
        personToldOn: dates.personToldOn.value,
        resolvedOn: dates.resolvedOn.value,
        resolution: text(body, 'resolution') ?? null,
      });
      return `/people/${personIdOf(request)}/money#disputes`;
    });
  });
}
