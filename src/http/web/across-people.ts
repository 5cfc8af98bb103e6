// Lists across people (issue 9 item 9): every complaint (CMP-1) and every dispute between the bodies
// (RESP-6) about the people the user's organisation may see, for the roles that deal with them (the
// domain's complaints:list and disputes:list). Filtered by status, person and date, a numbered page at
// a time, each row naming the person and linking to their record. The services decide who sees what
// and audit each read; these pages only reshape the filters and the rows.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { COMPLAINT_LIST_STATUSES } from '../../services/complaints/complaints-service.ts';
import { DISPUTE_STATUSES } from '../../domain/disputes.ts';
import type { Services } from '../../services/index.ts';
import { ValidationError } from '../../services/kernel/errors.ts';
import { BadRequestError } from '../../services/kernel/validation.ts';
import { requireSignIn } from '../auth/index.ts';
import { readDate, type FormBody } from './forms.ts';
import { COMPLAINT_AGAINST_LABELS, DISPUTE_SUBJECT_LABELS } from './labels.ts';
import { pageNumbers } from './register.ts';
import { signedIn } from './request.ts';

const COMPLAINT_STATUS_LABELS: Record<(typeof COMPLAINT_LIST_STATUSES)[number], string> = { open: 'Open (no outcome yet)', closed: 'Closed (outcome recorded)' };
const DISPUTE_STATUS_LABELS: Record<(typeof DISPUTE_STATUSES)[number], string> = { open: 'Open', referred: 'Referred', resolved: 'Resolved' };
const DATE_WORDS = { from: 'start', to: 'end' } as const;

/** The filters as the services take them, the dates read from their three boxes each. */
function listQuery(request: FastifyRequest) {
  const raw = (request.query ?? {}) as Record<string, unknown>;
  const values: FormBody = {};
  for (const [key, value] of Object.entries(raw)) if (typeof value === 'string') values[key] = value;
  const input: Record<string, string> = {};
  for (const name of ['status', 'person', 'page'] as const) if (values[name]?.trim()) input[name] = values[name].trim();
  const problems: { field: string; message: string }[] = [];
  for (const name of ['from', 'to'] as const) {
    const date = readDate(values, name);
    if (date.problem) problems.push({ field: name, message: `The ${DATE_WORDS[name]} date ${date.problem}` });
    else if (date.value) input[name] = date.value;
  }
  // The filters again, for links to the other pages of the same list (never the page itself).
  const filters = new URLSearchParams(Object.entries(values).filter(([k, v]) => k !== 'page' && v.trim() !== ''));
  return { input, values, problems, filters };
}

function pagesOf(path: string, filters: URLSearchParams, result: { page: number; pages: number }) {
  if (result.pages <= 1) return null;
  const pageHref = (n: number) => {
    const q = new URLSearchParams(filters);
    if (n > 1) q.set('page', String(n));
    return q.toString() ? `${path}?${q.toString()}` : path;
  };
  return {
    previous: result.page > 1 ? { href: pageHref(result.page - 1) } : undefined,
    next: result.page < result.pages ? { href: pageHref(result.page + 1) } : undefined,
    items: pageNumbers(result.page, result.pages).map((n) => (n === null ? { ellipsis: true } : { number: n, href: pageHref(n), current: n === result.page })),
  };
}

async function renderList(
  reply: FastifyReply,
  template: string,
  query: ReturnType<typeof listQuery>,
  base: Record<string, unknown>,
  load: () => Promise<{ items: unknown[]; page: number; pages: number; total: number; pageSize: number }>,
  path: string,
) {
  const context = { ...base, values: query.values, width: 'full', filtered: query.filters.toString() !== '' };
  try {
    if (query.problems.length) throw new ValidationError(query.problems);
    const result = await load();
    return reply.render(template, {
      ...context,
      items: result.items,
      total: result.total,
      firstShown: result.total === 0 ? 0 : (result.page - 1) * result.pageSize + 1,
      lastShown: Math.min(result.total, result.page * result.pageSize),
      pages: pagesOf(path, query.filters, result),
    });
  } catch (error) {
    if (!(error instanceof ValidationError || error instanceof BadRequestError)) throw error;
    return reply.status(422).render(template, { ...context, items: [], total: 0, errors: error.errors });
  }
}

export function registerAcrossPeoplePages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };

  web.get('/complaints', page, async (request, reply) => {
    const actor = signedIn(request);
    const query = listQuery(request);
    const base = {
      title: 'Complaints',
      statusOptions: [{ value: '', text: 'Any status' }, ...COMPLAINT_LIST_STATUSES.map((value) => ({ value, text: COMPLAINT_STATUS_LABELS[value], selected: query.values.status === value }))],
    };
    return renderList(reply, 'pages/complaints-list.njk', query, base, async () => {
      const result = await services.complaints.listAcross(actor, query.input);
      return {
        ...result,
        items: result.items.map((c) => ({
          ...c,
          againstLabel: COMPLAINT_AGAINST_LABELS[c.against],
          statusLabel: COMPLAINT_STATUS_LABELS[c.status],
          href: `/people/${c.person.id}/complaints#complaint-${c.id}`,
        })),
      };
    }, '/complaints');
  });

  web.get('/disputes', page, async (request, reply) => {
    const actor = signedIn(request);
    const query = listQuery(request);
    const base = {
      title: 'Disputes between the bodies',
      statusOptions: [{ value: '', text: 'Any status' }, ...DISPUTE_STATUSES.map((value) => ({ value, text: DISPUTE_STATUS_LABELS[value], selected: query.values.status === value }))],
    };
    return renderList(reply, 'pages/disputes-list.njk', query, base, async () => {
      const result = await services.disputes.listAcross(actor, query.input);
      return {
        ...result,
        items: result.items.map((d) => ({
          ...d,
          subjectText: DISPUTE_SUBJECT_LABELS[d.subject] ?? d.subject,
          statusLabel: DISPUTE_STATUS_LABELS[d.status],
          href: `/people/${d.person.id}/money#dispute-${d.id}`,
        })),
      };
    }, '/disputes');
  });
}
