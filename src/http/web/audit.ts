// The audit trail on a page, for auditors and admins (issue 9, item 9): who read or changed whose
// record, and when, filtered by person, user, organisation and date, a page of 100 at a time, and
// downloadable as CSV. Reading or downloading it is itself audited.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can } from '../../domain/access.ts';
import type { Services } from '../../services/index.ts';
import { toCsv } from '../../services/kernel/csv.ts';
import { ValidationError } from '../../services/kernel/errors.ts';
import { BadRequestError } from '../../services/kernel/validation.ts';
import { requireSignIn } from '../auth/index.ts';
import { readDate, type FormBody } from './forms.ts';
import { signedIn } from './request.ts';

const FILTERS = ['nhsNumber', 'person', 'email', 'organisation'] as const;
const DATES = ['from', 'to'] as const;

/** "plan.finalise" as "Plan: finalise"; the code itself is shown beside it. */
export function actionLabel(action: string): string {
  const [subject = action, ...rest] = action.split('.');
  const words = (s: string) => s.replace(/[-_]/g, ' ');
  const head = words(subject).charAt(0).toUpperCase() + words(subject).slice(1);
  return rest.length ? `${head}: ${rest.map(words).join(', ')}` : head;
}

const LONDON_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** The query as the service takes it, with the dates read from their three boxes each. */
function auditQuery(request: FastifyRequest): { input: Record<string, string>; values: FormBody; dateProblems: { field: string; message: string }[] } {
  const raw = (request.query ?? {}) as Record<string, unknown>;
  const values: FormBody = {};
  for (const [key, value] of Object.entries(raw)) if (typeof value === 'string') values[key] = value;
  const input: Record<string, string> = {};
  for (const name of FILTERS) if (values[name]?.trim()) input[name] = values[name].trim();
  if (values.before?.trim()) input.before = values.before.trim();
  const dateProblems: { field: string; message: string }[] = [];
  for (const name of DATES) {
    const date = readDate(values, name);
    if (date.problem) dateProblems.push({ field: name, message: `The ${name === 'from' ? 'start' : 'end'} date ${date.problem}` });
    else if (date.value) input[name] = date.value;
  }
  return { input, values, dateProblems };
}

export function registerAuditPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };

  web.get('/audit', page, async (request, reply) => {
    const actor = signedIn(request);
    const { input, values, dateProblems } = auditQuery(request);
    const context = { values, mayRead: can(actor.role, 'audit:read'), width: 'full' };
    try {
      if (dateProblems.length) throw new ValidationError(dateProblems);
      const result = await services.audit.search(actor, input);
      const filters = new URLSearchParams(Object.entries(values).filter(([k, v]) => k !== 'before' && v !== ''));
      const withBefore = (seq: number) => `/audit?${new URLSearchParams([...filters, ['before', String(seq)]]).toString()}`;
      return reply.render('pages/audit.njk', {
        ...context,
        events: result.items.map((e) => ({ ...e, when: LONDON_TIME.format(new Date(e.at)), actionText: actionLabel(e.action) })),
        olderHref: result.olderBefore ? withBefore(result.olderBefore) : null,
        newestHref: input.before ? (filters.toString() ? `/audit?${filters.toString()}` : '/audit') : null,
        csvHref: `/audit.csv${filters.toString() ? `?${filters.toString()}` : ''}`,
        filtered: filters.toString() !== '',
      });
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof BadRequestError)) throw error;
      return reply.status(422).render('pages/audit.njk', { ...context, events: [], errors: error.errors });
    }
  });

  web.get('/audit.csv', page, async (request, reply) => {
    const { input, dateProblems } = auditQuery(request);
    if (dateProblems.length) throw new ValidationError(dateProblems);
    const result = await services.audit.export(signedIn(request), input);
    const lines = result.items.map((e) => [e.seq, e.at, e.user?.name ?? null, e.user?.email ?? null, e.organisation?.name ?? null, e.organisation?.code ?? null, e.action, e.recordType, e.recordId, e.person?.id ?? null, e.person ? `${e.person.givenName} ${e.person.familyName}` : null]);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="s117-audit-trail.csv"')
      .header('cache-control', 'no-store')
      .send(toCsv([['Sequence', 'When (UTC)', 'User', 'User email', 'Organisation', 'Organisation code', 'Action', 'Record type', 'Record id', 'Person id', 'Person'], ...lines]));
  });
}
