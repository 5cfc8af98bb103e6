// Issue 13, api-contract "Reports": the register report as of a date, as JSON, CSV and XLSX.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { AFTERCARE_STATUSES } from '../../domain/aftercare.ts';
import { MEASURES, OVERDUE_BANDS } from '../../domain/reports.ts';
import type { Services } from '../../services/index.ts';
import { ReportQuery } from '../../services/reports/reports-inputs.ts';
import { actorOf } from './request.ts';
import { responses } from './schemas.ts';

const IsoDate = z.string().describe('A UK date, YYYY-MM-DD');
const count = (measure: keyof typeof MEASURES) => z.number().int().describe(`${MEASURES[measure].rule}: ${MEASURES[measure].text}`);
const counts = <const K extends readonly string[]>(keys: K) => z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])) as Record<K[number], z.ZodNumber>);

const Period = z.object({
  from: IsoDate.describe('The first day of the period the flows (new, ended, held) cover'),
  asOf: IsoDate.describe('The date the figures are as of'),
  byStatus: counts(AFTERCARE_STATUSES).describe(`${MEASURES.byStatus.rule}: ${MEASURES.byStatus.text}`),
  newEntitlements: count('newEntitlements'),
  newEntitlementsBySection: z.record(z.string(), z.number().int()).describe('New entitlements by qualifying section'),
  endings: count('endings'),
  endingsByReason: counts(['joint-decision', 'death'] as const),
  superseded: count('superseded'),
  reinstated: count('reinstated'),
  reviewsInDate: count('reviewsInDate'),
  reviewsOverdue: count('reviewsOverdue'),
  overdueBy: counts(OVERDUE_BANDS.map((b) => b.id)).describe('Overdue reviews by days overdue'),
  reviewsByKeyworker: z.array(z.object({ userId: z.string().nullable(), name: z.string().nullable(), team: z.string().nullable(), inDate: z.number().int(), overdue: z.number().int() })).describe('Reviews in date and overdue by keyworker (null: none allocated) and team'),
  reviewsHeld: count('reviewsHeld'),
  reviewsHeldOnTime: z.number().int(),
  outOfArea: count('outOfArea'),
  plansFinalBeforeLeaving: count('plansFinalBeforeLeaving'),
  plansFinal: count('plans'),
  plansWithContingency: z.number().int().describe('RPT-12: of plansFinal, with a complete contingency plan (PLAN-5)'),
  plansSignedOrReason: z.number().int().describe('RPT-12: of plansFinal, signed with a copy given or the reason recorded (PLAN-6)'),
  complaintsReceived: count('complaints'),
  complaintsOpen: z.number().int(),
  complaintsOpenWithinOmbudsmanWindow: z.number().int(),
  s117ChargesPaid: count('money'),
  s117ChargesPence: z.number().int().describe('Integer pence charged for s117 services in the period (must be 0, CHG-1)'),
  refundsOwedPence: z.number().int().describe('Integer pence: refunds calculated by the date (CHG-2)'),
  refundsPaidPence: z.number().int(),
  refundsOutstandingPence: z.number().int(),
  spend: z.array(z.object({ body: z.enum(['local-authority', 'icb']), code: z.string().nullable(), category: z.string(), agreedPence: z.number().int(), paidPence: z.number().int() })).describe(`${MEASURES.spend.rule}: ${MEASURES.spend.text}`),
  directPayments: count('budgets'),
  personalHealthBudgets: z.number().int(),
  budgetReviewsOverdue: z.number().int().describe('RPT-16: of the budgets running, those whose review is overdue (DP-1(d), DP-2)'),
  balances: z.array(z.object({ localAuthority: z.string().nullable(), icb: z.string().nullable(), icbOwesLocalAuthorityPence: z.number().int().describe('Positive: the ICB owes the council; negative: the council owes the ICB') })),
  disputesOpen: count('disputes'),
  disputesPastFourMonths: z.number().int(),
  disputesByAgeMonths: counts(['0', '1', '2', '3', '4+'] as const),
});

export const RegisterReportSchema = Period.extend({
  filter: z.object({ localAuthority: z.string().nullable(), icb: z.string().nullable() }),
  months: z.array(Period).describe('The same figures at each month end, earliest first; the last ends on asOf'),
  peopleRead: z.number().int().describe('How many people the caller may see were read'),
  summaryBuiltAt: z.string().nullable().describe('When the summaries these figures were added up from were made (the nightly `s117 reports refresh`); null when they were worked out from the facts just now. Either way the figures count every fact recorded up to inStepAt'),
  inStepAt: z.string().optional().describe('The moment the figures are in step with: every fact recorded by then counts, from the summaries too (they are corrected for each change since they were made; ADR 0014)'),
});

const download = (type: string, summary: string) => ({ ...responses(200, summary, z.string(), [400, 401, 403, 422]), 200: { description: summary, content: { [type]: { schema: z.string() } } } });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function attachment(reply: FastifyReply, type: string, file: { body: string | Buffer; name: string }) {
  return reply.header('content-type', type).header('content-disposition', `attachment; filename="${file.name}"`).header('cache-control', 'no-store').send(file.body);
}

export function registerReportsApi(api: FastifyInstance, services: Services): void {
  const tags = ['Reports'];
  api.get('/reports/register', { schema: { tags, summary: 'The register report as of a date, over the people the caller may see (issue 13)', querystring: ReportQuery, response: responses(200, 'The report', RegisterReportSchema, [400, 401, 403, 422]) } }, async (request) =>
    services.reports.register(actorOf(request), request.query),
  );
  api.get('/reports/register.csv', { schema: { tags, summary: 'The register report as CSV (RFC 4180, one row per figure and month end)', querystring: ReportQuery, response: download('text/csv', 'CSV with a header row') } }, async (request, reply) =>
    attachment(reply, 'text/csv; charset=utf-8', await services.reports.registerCsv(actorOf(request), request.query)),
  );
  api.get('/reports/register.xlsx', { schema: { tags, summary: 'The register report as an XLSX workbook (figures and definitions)', querystring: ReportQuery, response: download(XLSX, 'XLSX workbook') } }, async (request, reply) =>
    attachment(reply, XLSX, await services.reports.registerXlsx(actorOf(request), request.query)),
  );
  api.get('/reports/board-pack.pdf', { schema: { tags, summary: 'The monthly board pack: a tagged PDF of the figures, the charts with their tables, and the definitions', querystring: ReportQuery, response: download('application/pdf', 'Tagged PDF') } }, async (request, reply) =>
    attachment(reply, 'application/pdf', await services.reports.boardPack(actorOf(request), request.query)),
  );
}
