// The register: search, filter, sort and page through the people the signed-in user's organisation
// may see, and download the filtered register as CSV or XLSX (formula-safe, audited with the people
// in it).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../domain/access.ts';
import { formatDate, todayInLondon } from '../../domain/dates.ts';
import { formatNhsNumber } from '../../domain/nhs-number.ts';
import { ValidationError } from '../../services/kernel/errors.ts';
import type { Services } from '../../services/index.ts';
import { toCsv } from '../../services/kernel/csv.ts';
import { toXlsx } from '../../services/kernel/xlsx.ts';
import { BadRequestError } from '../../services/kernel/validation.ts';
import { requireSignIn } from '../auth/index.ts';
import { AFTERCARE_STATUS_LABELS } from './labels.ts';
import { queryValues, signedIn } from './request.ts';
import { keyworkerFilterOptions } from './keyworkers.ts';
import type { OrganisationDirectory } from './organisations.ts';

const FILTERS = ['q', 'status', 'localAuthority', 'icb', 'reviewOverdue', 'caseload', 'keyworker'] as const;
const ORDERING = ['sort', 'order'] as const;

/** The sortable columns, in the table's order, with what their header says. */
const COLUMNS = [
  { sort: 'name', text: 'Name' },
  { sort: null, text: 'NHS number' },
  { sort: 'dateOfBirth', text: 'Date of birth' },
  { sort: 'status', text: 'Status' },
  { sort: 'localAuthority', text: 'Local authority' },
  { sort: 'icb', text: 'ICB' },
  { sort: 'nextReview', text: 'Next review' },
] as const;

const href = (path: string, params: Record<string, string | number | undefined>) => {
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '').map(([k, v]): [string, string] => [k, String(v)])).toString();
  return query ? `${path}?${query}` : path;
};

/**
 * Numbered pages around the current one, with the first and last, and gaps as ellipses. When the
 * last is not known (more people than the register page counts), count is the one after the current
 * and no last page is offered.
 */
export function pageNumbers(current: number, count: number, lastKnown = true): (number | null)[] {
  const wanted = new Set([1, ...(lastKnown ? [count] : []), current - 1, current, current + 1].filter((n) => n >= 1 && n <= count));
  const sorted = [...wanted].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  for (const n of sorted) {
    const previous = out.at(-1);
    if (typeof previous === 'number' && n - previous > 1) out.push(null);
    out.push(n);
  }
  return out;
}

export function registerRegisterPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };

  web.get('/register', page, async (request, reply) => {
    const actor = signedIn(request);
    const values = queryValues(request, [...FILTERS, ...ORDERING, 'page']);
    const filters = Object.fromEntries(Object.entries(values).filter(([name]) => (FILTERS as readonly string[]).includes(name)));
    const filtered = Object.keys(filters).length > 0;
    const context = {
      values,
      filtered,
      mayAdd: can(actor.role, 'person:create'),
      statusOptions: [{ value: '', text: 'Any status' }, ...Object.entries(AFTERCARE_STATUS_LABELS).map(([value, text]) => ({ value, text }))],
      keyworkerOptions: await keyworkerFilterOptions(services, actor),
    };
    try {
      const result = await services.people.registerPage(actor, values);
      const ordering = { sort: result.sort === 'name' ? undefined : result.sort, order: result.order === 'ascending' ? undefined : result.order };
      const pageHref = (n: number) => href('/register', { ...filters, ...ordering, page: n === 1 ? undefined : n });
      const head = COLUMNS.map((column) => {
        if (!column.sort) return { text: column.text };
        const current = result.sort === column.sort;
        const next = current && result.order === 'ascending' ? 'descending' : 'ascending';
        return {
          text: column.text,
          sort: current ? result.order : 'none',
          href: href('/register', { ...filters, sort: column.sort === 'name' ? undefined : column.sort, order: next === 'ascending' ? undefined : next }),
        };
      });
      return reply.render('pages/register.njk', {
        ...context,
        items: result.items,
        total: result.total,
        head,
        sortedBy: COLUMNS.find((c) => c.sort === result.sort)?.text.toLowerCase() ?? 'name',
        order: result.order,
        totalExact: result.totalExact,
        // Only when the total is not known can a page lie past the last (an exact total shows the last instead).
        pastTheEnd: result.items.length === 0 && result.page > 1 ? { page: result.page, firstHref: pageHref(1) } : null,
        // Past the count's cap the page says so ("More than 1,000"), rather than counting everyone on each view.
        totalText: result.totalExact ? String(result.total) : `More than ${result.total.toLocaleString('en-GB')}`,
        firstShown: result.items.length === 0 ? 0 : (result.page - 1) * result.pageSize + 1,
        lastShown: (result.page - 1) * result.pageSize + result.items.length,
        pages: result.page > 1 || result.hasNext ? {
          previous: result.page > 1 ? { href: pageHref(result.page - 1) } : undefined,
          next: result.hasNext ? { href: pageHref(result.page + 1) } : undefined,
          items: pageNumbers(result.page, result.pageCount ?? (result.hasNext ? result.page + 1 : result.page), result.pageCount !== null).map((n) => (n === null ? { ellipsis: true } : { number: n, href: pageHref(n), current: n === result.page })),
        } : null,
        downloads: { csv: href('/register.csv', { ...filters, ...ordering }), xlsx: href('/register.xlsx', { ...filters, ...ordering }) },
      });
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof BadRequestError)) throw error;
      return reply.status(422).render('pages/register.njk', { ...context, items: [], errors: error.errors });
    }
  });

  web.get('/register.csv', page, async (request, reply) => sendRegister(request, reply, 'csv'));
  web.get('/register.xlsx', page, async (request, reply) => sendRegister(request, reply, 'xlsx'));

  async function sendRegister(request: FastifyRequest, reply: FastifyReply, format: 'csv' | 'xlsx') {
    const result = await services.people.registerExport(signedIn(request), queryValues(request, [...FILTERS, ...ORDERING]));
    const rows = result.items.map((p) => registerLine(p, request.organisations));
    const name = `s117-register-${todayInLondon()}`;
    reply.header('cache-control', 'no-store');
    if (format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(toCsv([REGISTER_HEADER, ...rows]));
    }
    const workbook = await toXlsx([{ name: 'Register', header: REGISTER_HEADER, rows }]);
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('content-disposition', `attachment; filename="${name}.xlsx"`).send(workbook);
  }
}

const REGISTER_HEADER = ['Given name', 'Family name', 'NHS number', 'Local ID', 'Date of birth', 'Status', 'Local authority', 'Local authority code', 'ICB', 'ICB code', 'Next review due', 'Review overdue'];

type RegisterItem = Awaited<ReturnType<Services['people']['registerExport']>>['items'][number];

function registerLine(p: RegisterItem, directory: OrganisationDirectory | null): (string | null)[] {
  const name = (code: string | null) => (code ? (directory?.get(code)?.name ?? null) : null);
  return [
    p.givenName, p.familyName, p.nhsNumber ? formatNhsNumber(p.nhsNumber) : null, p.localId, formatDate(p.dateOfBirth),
    AFTERCARE_STATUS_LABELS[p.status] ?? p.status, name(p.localAuthority), p.localAuthority, name(p.icb), p.icb,
    p.nextReviewDue ? formatDate(p.nextReviewDue) : null, p.reviewOverdue ? 'Yes' : 'No',
  ];
}
