// Pages for recording money paid (issue 15, Money 3): marking an approved refund paid (CHG-2, from the
// person's Money page) and recording what a body paid for a service (RESP-1, from the services page),
// and the written top-up agreement as a PDF (CHG-3). Money is typed in pounds and pence and sent to
// the services as integer pence; the services check who may, audit and apply the rules.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../domain/access.ts';
import { BODY_KINDS } from '../../domain/disputes.ts';
import { formatPence, parsePounds } from '../../domain/funding.ts';
import { ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../../services/kernel/errors.ts';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { formBody, readDate, submit, text, version } from './forms.ts';
import { BODY_LABELS } from './labels.ts';
import { personIdOf, signedIn } from './request.ts';
import { flashSuccess } from './success.ts';

export function registerMoneyPaymentPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };
  const param = (request: FastifyRequest, name: string) => (request.params as Record<string, string>)[name] ?? '';

  // ---- Marking a refund paid (CHG-2) ---------------------------------------------------------------
  async function refundContext(request: FastifyRequest) {
    const actor = signedIn(request);
    if (!can(actor.role, 'refunds:manage')) throw new ForbiddenError('Only finance staff and admins record that a refund was paid');
    const { person, refunds } = await services.moneyPage.moneyPage(actor, personIdOf(request));
    if (refunds === null) throw new ForbiddenError('You may not see this person’s money');
    const refund = refunds.items.find((r) => r.id === param(request, 'refundId'));
    if (!refund) throw new NotFoundError('refund');
    return {
      title: 'Record that a refund was paid',
      person,
      refund: { ...refund, totalText: formatPence(refund.totalPence) },
      back: { href: `/people/${person.id}/money#refund-${refund.id}` },
    };
  }

  web.get('/people/:id/money/refunds/:refundId/paid', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const context = await refundContext(request);
    return reply.render('pages/refund-paid.njk', { ...context, values: { version: String(context.refund.version) } });
  });

  web.post('/people/:id/money/refunds/:refundId/paid', form, async (request, reply) => {
    const body = formBody(request);
    const dates = { paidOn: readDate(body, 'paidOn'), letterSentOn: readDate(body, 'letterSentOn') };
    const words = { labels: { paidOn: 'date the refund was paid', letterSentOn: 'date the letter was sent', paymentMethod: 'how it was paid', status: 'refund' }, dates };
    return submit({ reply, body, template: 'pages/refund-paid.njk', context: () => refundContext(request), words }, async () => {
      const refundId = param(request, 'refundId');
      await services.refunds.markRefundPaid(signedIn(request), personIdOf(request), refundId, version(body), {
        paidOn: dates.paidOn.value ?? '',
        paymentMethod: text(body, 'paymentMethod') ?? null,
        letterSentOn: dates.letterSentOn.value,
      });
      flashSuccess(reply, 'refund-paid');
      return `/people/${personIdOf(request)}/money#refund-${refundId}`;
    });
  });

  // ---- Recording what a body paid for a service (RESP-1) ---------------------------------------------
  async function paymentContext(request: FastifyRequest) {
    const actor = signedIn(request);
    if (!can(actor.role, 'payments:record')) throw new ForbiddenError('Only finance staff and admins record payments');
    const { person, service } = await services.careServices.servicePage(actor, personIdOf(request), param(request, 'serviceId'));
    return {
      title: 'Record a payment for a service',
      person,
      service,
      bodies: BODY_KINDS.map((value) => ({ value, text: BODY_LABELS[value] ?? value })),
      organisationCode: actor.organisationCode,
      back: { href: `/people/${person.id}/services` },
    };
  }

  web.get('/people/:id/services/:serviceId/payments/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/service-payment.njk', { ...(await paymentContext(request)), values: {} }));

  web.post('/people/:id/services/:serviceId/payments/new', form, async (request, reply) => {
    const body = formBody(request);
    const problems: FieldError[] = [];
    const typed = text(body, 'amountPence');
    const amountPence = typed === undefined ? undefined : parsePounds(typed);
    if (amountPence === null || amountPence === undefined) problems.push({ field: 'amountPence', message: 'Enter the amount paid in pounds and pence, for example 125.50' });
    const dates = { periodFrom: readDate(body, 'periodFrom'), periodTo: readDate(body, 'periodTo'), paidOn: readDate(body, 'paidOn') };
    const words = {
      labels: { body: 'body that paid', organisationCode: 'organisation code', periodFrom: 'start of the period paid for', periodTo: 'end of the period paid for', paidOn: 'date paid', amountPence: 'amount paid' },
      dates,
      unanswered: { body: 'Select the body that paid' },
    };
    return submit({ reply, body, template: 'pages/service-payment.njk', context: () => paymentContext(request), words }, async () => {
      if (problems.length > 0) throw new ValidationError(problems);
      await services.recharges.recordPayment(signedIn(request), personIdOf(request), param(request, 'serviceId'), {
        body: body.body || undefined,
        ...(text(body, 'organisationCode') && { organisationCode: text(body, 'organisationCode') }),
        periodFrom: dates.periodFrom.value ?? '',
        periodTo: dates.periodTo.value ?? '',
        amountPence,
        paidOn: dates.paidOn.value ?? '',
      });
      flashSuccess(reply, 'payment-recorded');
      return `/people/${personIdOf(request)}/services`;
    });
  });
}
