// Review pages: a person's reviews (timetable, history, requests, invitations, letters), the forms to
// record a review, a request or an invitation, and the "Reviews due and overdue" dashboard.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../domain/access.ts';
import type { Services } from '../../services/index.ts';
import { requireSignIn } from '../auth/index.ts';
import { formBody, readDate, required, submit, text, type FormBody } from './forms.ts';
import { personIdOf, signedIn } from './request.ts';
import { PLAN_WORKING_LABELS, REVIEW_OUTCOME_LABELS, REVIEW_REASON_LABELS, SERVICE_CHANGE_LABELS } from './labels.ts';

const REQUESTED_BY: Record<string, string> = { person: 'The person', carer: 'A carer or family member', advocate: 'Their advocate', team: 'The care team' };
const SERVICE_ROWS = [0, 1, 2];

/** One name a line, blank lines dropped. */
function lines(value: string | undefined): string[] {
  return (value ?? '').split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
}

function param(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

export function registerReviewPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };

  const reviewsHref = (request: FastifyRequest) => `/people/${personIdOf(request)}/reviews`;
  const base = async (request: FastifyRequest) => {
    const { person } = await services.reviews.formPage(signedIn(request), personIdOf(request));
    return { person, back: { href: `/people/${person.id}/reviews`, text: 'Back to reviews' } };
  };

  // ---- The person's reviews ---------------------------------------------------------------------
  // Its one use case (reviews.page) applies the visibility first, so the guard's query is not repeated (issue 14).
  web.get('/people/:id/reviews', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    const actor = signedIn(request);
    const { person, reviews } = await services.reviews.page(actor, personIdOf(request));
    return reply.render('pages/reviews.njk', {
      person,
      reviews,
      history: reviews.history.map((r) => ({
        ...r,
        outcomeLabel: r.outcome ? REVIEW_OUTCOME_LABELS[r.outcome] : 'Not recorded: imported from the previous register, which gave the date only',
        planWorkingLabel: r.planWorking ? PLAN_WORKING_LABELS[r.planWorking] : null,
        servicesChangedText: r.servicesChanged.map((s) => `${s.service}: ${(SERVICE_CHANGE_LABELS[s.change] ?? s.change).toLowerCase()}${s.detail ? ` (${s.detail})` : ''}`),
      })),
      requests: reviews.requests.map((r) => ({ ...r, requestedByLabel: REQUESTED_BY[r.requestedBy] ?? r.requestedBy })),
      may: { record: can(actor.role, 'review:record') },
      back: { href: `/people/${person.id}`, text: 'Back to the record' },
      width: 'full',
    });
  });

  // ---- Record a review --------------------------------------------------------------------------
  const reviewWords = (body: FormBody) => ({
    labels: { heldOn: 'date of the review', attendees: 'who came', outcome: 'outcome', notes: 'notes', planWorking: 'whether the plan is helping', personViews: 'what the person said', changes: 'changes agreed' },
    dates: { heldOn: readDate(body, 'heldOn') },
    unanswered: { outcome: 'Select the outcome of the review' },
  });
  const reviewContext = async (request: FastifyRequest) => ({ ...(await base(request)), serviceRows: SERVICE_ROWS });

  web.get('/people/:id/reviews/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/review-new.njk', { ...(await reviewContext(request)), values: {} }));

  web.post('/people/:id/reviews/new', form, async (request, reply) => {
    const body = formBody(request);
    const words = reviewWords(body);
    const servicesChanged = SERVICE_ROWS.map((i) => ({ service: text(body, `servicesChanged-${i}-service`), change: text(body, `servicesChanged-${i}-change`), detail: text(body, `servicesChanged-${i}-detail`) ?? null }))
      .filter((s) => s.service || s.change)
      .map((s) => ({ service: s.service ?? '', change: s.change ?? '', detail: s.detail }));
    const input = {
      heldOn: words.dates.heldOn.value ?? '',
      attendees: lines(body.attendees),
      invited: lines(body.invited),
      outcome: required(body, 'outcome'),
      planWorking: text(body, 'planWorking') ?? null,
      personViews: text(body, 'personViews') ?? null,
      changes: text(body, 'changes') ?? null,
      notes: required(body, 'notes'),
      servicesChanged,
    };
    return submit({ reply, body, template: 'pages/review-new.njk', context: () => reviewContext(request), words }, async () => {
      const review = await services.reviews.record(signedIn(request), personIdOf(request), input);
      return review.endingProposalUrl ? `${reviewsHref(request)}?recorded=propose-ending` : reviewsHref(request);
    });
  });

  // ---- Request a review -------------------------------------------------------------------------
  web.get('/people/:id/review-requests/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/review-request-new.njk', { ...(await base(request)), values: {} }));

  web.post('/people/:id/review-requests/new', form, async (request, reply) => {
    const body = formBody(request);
    const words = {
      labels: { requestedBy: 'who asked', requestedOn: 'date they asked', reason: 'reason' },
      dates: { requestedOn: readDate(body, 'requestedOn') },
      unanswered: { requestedBy: 'Select who asked for the review' },
    };
    const requestedBy = body.requestedBy === 'other' ? (text(body, 'requestedByOther') ?? '') : required(body, 'requestedBy');
    const input = { requestedBy, requestedOn: words.dates.requestedOn.value ?? '', reason: text(body, 'reason') ?? null };
    return submit({ reply, body, template: 'pages/review-request-new.njk', context: () => base(request), words }, async () => {
      await services.reviews.request(signedIn(request), personIdOf(request), input);
      return reviewsHref(request);
    });
  });

  // ---- Arrange a review (the invitation) --------------------------------------------------------
  web.get('/people/:id/reviews/invitations/new', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => reply.render('pages/review-invitation-new.njk', { ...(await base(request)), values: {} }));

  web.post('/people/:id/reviews/invitations/new', form, async (request, reply) => {
    const body = formBody(request);
    const words = {
      labels: { plannedOn: 'date of the review', plannedTime: 'time', place: 'place or how it will happen', invited: 'who is invited', contact: 'contact' },
      dates: { plannedOn: readDate(body, 'plannedOn') },
    };
    const input = { plannedOn: words.dates.plannedOn.value ?? '', plannedTime: text(body, 'plannedTime') ?? null, place: required(body, 'place'), invited: lines(body.invited), contact: text(body, 'contact') ?? null };
    return submit({ reply, body, template: 'pages/review-invitation-new.njk', context: () => base(request), words }, async () => {
      await services.reviews.invite(signedIn(request), personIdOf(request), input);
      return reviewsHref(request);
    });
  });

  // ---- Letters (the pages' own copies of the API's PDFs: pages sign in with a session) ----------
  const largePrint = (request: FastifyRequest) => (request.query as { largePrint?: string }).largePrint === 'true';
  const sendPdf = (reply: FastifyReply, name: string, body: Buffer) => reply.type('application/pdf').header('content-disposition', `inline; filename="${name}.pdf"`).send(body);

  web.get('/people/:id/reviews/invitations/:invitationId/letter', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    return sendPdf(reply, 'review-invitation', await services.reviews.invitationLetter(signedIn(request), personIdOf(request), param(request, 'invitationId'), { largePrint: largePrint(request) }));
  });

  web.get('/people/:id/reviews/:reviewId/letter', { ...page, config: { personVisibilityInUseCase: true } }, async (request, reply) => {
    return sendPdf(reply, 'review-outcome', await services.reviews.outcomeLetter(signedIn(request), personIdOf(request), param(request, 'reviewId'), { largePrint: largePrint(request) }));
  });

  // ---- Reviews due and overdue ------------------------------------------------------------------
  // The dashboard's older address (issue 9): kept working.
  web.get('/reviews/dashboard', page, async (_request, reply) => reply.redirect('/reviews', 301));
  web.get('/reviews', page, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const filters = { localAuthority: (query.localAuthority ?? '').trim(), icb: (query.icb ?? '').trim() };
    const dashboard = await services.reviews.dashboard(signedIn(request), { ...(filters.localAuthority && { localAuthority: filters.localAuthority }), ...(filters.icb && { icb: filters.icb }) });
    const unfiltered = filters.localAuthority || filters.icb ? await services.reviews.dashboard(signedIn(request), {}) : dashboard;
    const option = (selected: string) => (g: { code: string | null; name: string }) => ({ value: g.code ?? '', text: g.name, selected: g.code === selected });
    return reply.render('pages/reviews-dashboard.njk', {
      dashboard: { ...dashboard, items: dashboard.items.map((i) => ({ ...i, reasonsText: i.reasons.map((r) => REVIEW_REASON_LABELS[r] ?? r).join(', ') })) },
      filters,
      localAuthorities: [{ value: '', text: 'All local authorities' }, ...unfiltered.byLocalAuthority.filter((g) => g.code).map(option(filters.localAuthority.toUpperCase()))],
      icbs: [{ value: '', text: 'All ICBs' }, ...unfiltered.byIcb.filter((g) => g.code).map(option(filters.icb.toUpperCase()))],
      width: 'full',
    });
  });
}
