// Issue 13: the /reports page for approvers, finance, auditors and admins (reports:read), filtered by
// date, local authority and ICB (chosen by name), with charts as accessible SVG beside their tables,
// each figure's definition one click away, and the downloads (CSV, XLSX, the board pack PDF). A GET
// form: it changes nothing, so it needs no CSRF token, and works without JavaScript.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MEASURES, OVERDUE_BANDS } from '../../domain/reports.ts';
import { ValidationError } from '../../services/kernel/errors.ts';
import type { Services } from '../../services/index.ts';
import { BadRequestError } from '../../services/kernel/validation.ts';
import { requireSignIn } from '../auth/index.ts';
import { AFTERCARE_STATUS_LABELS } from './labels.ts';
import { queryValues, signedIn } from './request.ts';

const FILTERS = ['asOf', 'localAuthority', 'icb', 'months'] as const;
const OVERDUE_WORDS: Record<string, string> = { '1-30-days': '1 to 30 days', '31-90-days': '31 to 90 days', '91-180-days': '91 to 180 days', 'over-180-days': 'Over 180 days' };
const ENDING_WORDS: Record<string, string> = { 'joint-decision': 'Joint decision (END-1)', death: 'Death (END-5)' };

/** Pence as people read money: £1,234.50. */
const pounds = (pence: number) => `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The filters typed in the GET form: an empty box means "any". */
const filtersOf = (request: FastifyRequest) => queryValues(request, FILTERS);

function download(reply: FastifyReply, type: string, file: { body: string | Buffer; name: string }) {
  return reply.header('content-type', type).header('content-disposition', `attachment; filename="${file.name}"`).header('cache-control', 'no-store').send(file.body);
}

export function registerReportPages(web: FastifyInstance, services: Services): void {
  const page = { schema: { hide: true }, preHandler: requireSignIn };

  web.get('/reports', page, async (request, reply) => {
    const actor = signedIn(request);
    const values = filtersOf(request);
    const query = new URLSearchParams(values).toString();
    try {
      const { report, charts, bodies } = await services.reports.page(actor, values);
      const bodyName = (code: string | null) => (code === null ? null : (bodies.find((b) => b.code === code)?.name ?? code));
      const option = (type: string, none: string) => [{ value: '', text: none }, ...bodies.filter((b) => b.type === type).map((b) => ({ value: b.code, text: b.name, selected: b.code === report.filter.localAuthority || b.code === report.filter.icb }))];
      return reply.render('pages/reports.njk', {
        values: { ...values, asOf: report.asOf },
        report,
        charts,
        measures: MEASURES,
        statuses: Object.entries(AFTERCARE_STATUS_LABELS).map(([code, label]) => ({ code, label, count: report.byStatus[code as keyof typeof report.byStatus] })),
        overdueBands: OVERDUE_BANDS.map((b) => ({ label: OVERDUE_WORDS[b.id], count: report.overdueBy[b.id] })),
        endingReasons: Object.entries(report.endingsByReason).map(([code, count]) => ({ label: ENDING_WORDS[code] ?? code, count })),
        sections: Object.entries(report.newEntitlementsBySection).map(([section, count]) => ({ section, count })),
        localAuthorities: option('local-authority', 'All local authorities'),
        icbs: option('icb', 'All ICBs'),
        filterNames: {
          localAuthority: bodies.find((b) => b.code === report.filter.localAuthority)?.name ?? null,
          icb: bodies.find((b) => b.code === report.filter.icb)?.name ?? null,
        },
        spendRows: report.spend.map((x) => [{ text: bodyName(x.code) ?? 'Not known' }, { text: x.category }, { text: pounds(x.agreedPence), format: 'numeric' }, { text: pounds(x.paidPence), format: 'numeric' }]),
        balanceRows: report.balances.map((b) => [{ text: bodyName(b.localAuthority) ?? 'Not known' }, { text: bodyName(b.icb) ?? 'Not known' }, { text: b.icbOwesLocalAuthorityPence >= 0 ? `The ICB owes the council ${pounds(b.icbOwesLocalAuthorityPence)}` : `The council owes the ICB ${pounds(-b.icbOwesLocalAuthorityPence)}` }]),
        money: Object.fromEntries((['s117ChargesPence', 'refundsOwedPence', 'refundsPaidPence', 'refundsOutstandingPence'] as const).map((k) => [k, pounds(report[k])])),
        downloads: { csv: `/reports/register.csv${query ? `?${query}` : ''}`, xlsx: `/reports/register.xlsx${query ? `?${query}` : ''}`, pdf: `/reports/board-pack.pdf${query ? `?${query}` : ''}` },
        workedOut: report.summaryBuiltAt ? new Date(report.summaryBuiltAt).toLocaleString('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }).replace(', ', ' at ') : null,
        width: 'full',
      });
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof BadRequestError)) throw error;
      return reply.status(422).render('pages/reports.njk', { values, errors: error.errors, report: null, localAuthorities: [{ value: '', text: 'All local authorities' }], icbs: [{ value: '', text: 'All ICBs' }], width: 'full' });
    }
  });

  web.get('/reports/register.csv', page, async (request, reply) => download(reply, 'text/csv; charset=utf-8', await services.reports.registerCsv(signedIn(request), filtersOf(request))));
  web.get('/reports/register.xlsx', page, async (request, reply) => download(reply, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', await services.reports.registerXlsx(signedIn(request), filtersOf(request))));
  web.get('/reports/board-pack.pdf', page, async (request, reply) => download(reply, 'application/pdf', await services.reports.boardPack(signedIn(request), filtersOf(request))));
}
