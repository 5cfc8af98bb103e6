// Issue 15 (task B): the pages for registrations of an NHS number already on the register, for admins
// and the s117 leads who see the person registered first. The list, then for each pair a question
// (the same person, or not) with a check-your-answers page before the decision is recorded.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatDate } from '../../domain/dates.ts';
import { formatNhsNumber } from '../../domain/nhs-number.ts';
import type { DuplicatePairView } from '../../services/duplicates/duplicates-service.ts';
import type { Services } from '../../services/index.ts';
import { ConflictError, ValidationError, type FieldError } from '../../services/kernel/errors.ts';
import { requireSignIn } from '../auth/index.ts';
import { formBody, text, type FormBody } from './forms.ts';
import { signedIn } from './request.ts';

const DONE: Record<string, string> = {
  merged: 'The records were merged. Everything the other organisation recorded is now on this person’s record, and their status was worked out again.',
  'not-the-same': 'The records are kept separate, with your reason. The pair is no longer waiting.',
  decided: 'Someone has already decided this pair.',
};

const when = (iso: string) => new Date(iso).toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium', timeStyle: 'short' });

function pairRows(pair: DuplicatePairView) {
  return [
    { key: { text: 'Person already registered' }, value: { html: `<a href="/people/${pair.person.id}">${escapeHtml(`${pair.person.givenName} ${pair.person.familyName}`)}</a>` } },
    { key: { text: 'NHS number' }, value: { text: pair.person.nhsNumber ? formatNhsNumber(pair.person.nhsNumber) : 'None' } },
    { key: { text: 'Date of birth' }, value: { text: formatDate(pair.person.dateOfBirth) } },
    { key: { text: 'Registered again by' }, value: { text: pair.registeredBy ? `${pair.registeredBy.name} (${pair.registeredBy.code})` : 'Not recorded' } },
    { key: { text: 'When' }, value: { text: when(pair.registeredAt) } },
    { key: { text: 'How' }, value: { text: pair.routeText } },
  ];
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function registerDuplicatePages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };
  const form = { ...page, preValidation: web.csrfProtection };
  const idOf = (request: FastifyRequest) => String((request.params as { id?: unknown }).id ?? '');

  web.get('/people/duplicates', page, async (request, reply) => {
    const { items } = await services.duplicates.list(signedIn(request), { limit: 500 });
    const done = (request.query as { done?: unknown }).done;
    return reply.render('pages/duplicates.njk', {
      title: 'Records made under an NHS number already registered',
      width: 'full',
      items: items.map((p) => ({ ...p, nhsNumber: p.person.nhsNumber ? formatNhsNumber(p.person.nhsNumber) : 'None', registeredAt: when(p.registeredAt) })),
      done: typeof done === 'string' ? (DONE[done] ?? null) : null,
    });
  });

  async function question(request: FastifyRequest, reply: FastifyReply, values: FormBody = {}, errors: FieldError[] = [], status = 200) {
    const pair = await services.duplicates.get(signedIn(request), idOf(request));
    return reply.status(status).render('pages/duplicate-decide.njk', { title: 'Are these the same person?', pair, rows: pairRows(pair), values, errors, back: { href: '/people/duplicates', text: 'Back to the list' } });
  }

  web.get('/people/duplicates/:id', page, async (request, reply) => question(request, reply));

  web.post('/people/duplicates/:id', form, async (request, reply) => {
    const body = formBody(request);
    const decision = body.decision;
    const reason = text(body, 'reason');
    if (body.step === 'change') return question(request, reply, body);
    const errors: FieldError[] = [];
    if (decision !== 'merge' && decision !== 'not-the-same') errors.push({ field: 'decision', message: 'Select whether these are the same person' });
    if (decision === 'not-the-same' && !reason) errors.push({ field: 'reason', message: 'Enter why these are not the same person (REG-2)', rule: 'REG-2' });
    if (errors.length > 0) return question(request, reply, body, errors, 422);
    if (body.step !== 'confirm') {
      const pair = await services.duplicates.get(signedIn(request), idOf(request));
      const merge = decision === 'merge';
      return reply.render('pages/check-answers.njk', {
        title: 'Check your answers before deciding',
        caption: `${pair.person.givenName} ${pair.person.familyName}`,
        rows: [
          ...pairRows(pair),
          { key: { text: 'Your decision' }, value: { text: merge ? 'The same person: merge the records' : 'Not the same person: keep them separate' } },
          { key: { text: 'Why' }, value: { text: reason ?? 'No reason given' } },
        ],
        warnings: merge
          ? [
              { heading: 'A merge cannot be undone from this page', text: 'Everything the other organisation recorded (hospital stays, legal statuses, leave, decisions, services, money, reviews, meetings, complaints) moves to this person’s record, and their aftercare status, responsible bodies and who may see them are worked out again. The other record is closed and kept only for the audit trail. The other organisation will see this person if what it recorded makes it one of their organisations (for example the council or ICB responsible); if it makes another council or ICB responsible, your organisation may no longer see this person afterwards.' },
              ...(pair.registeredHasPlan ? [{ heading: 'This person already has a care and support plan', text: 'It is kept. If the other record has a plan too, that plan is not moved: it stays with the closed record in the audit trail.' }] : []),
            ]
          : [],
        hidden: { decision, reason: reason ?? '' },
        declaration: `You decide this for ${signedIn(request).organisationName}. It is recorded with your name, the time and your reason.`,
        confirmText: merge ? 'Merge the records' : 'Keep the records separate',
        changeable: true,
        cancelHref: '/people/duplicates',
        back: { href: `/people/duplicates/${pair.id}`, text: 'Back' },
      });
    }
    try {
      if (decision === 'merge') await services.duplicates.merge(signedIn(request), idOf(request), { reason });
      else await services.duplicates.keepSeparate(signedIn(request), idOf(request), { reason });
    } catch (error) {
      if (error instanceof ConflictError) return reply.redirect('/people/duplicates?done=decided', 303);
      if (error instanceof ValidationError) return question(request, reply, body, error.errors, 422);
      throw error;
    }
    return reply.redirect(`/people/duplicates?done=${decision === 'merge' ? 'merged' : 'not-the-same'}`, 303);
  });
}
