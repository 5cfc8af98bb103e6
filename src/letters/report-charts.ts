// Issue 13: the reports' charts, drawn on the server by vega-lite and vega (View.toSVG with the
// 'none' renderer: no browser, no JavaScript on the page), for the /reports page and the board pack.
// Each chart is an SVG with role="img", a <title> and a <desc> that says what it shows in words, and
// the same figures as a table beside it. Colours are from the NHS palette, and no meaning is carried
// by colour alone: every series also has its own point shape, named in the legend, and single-series
// bar charts have their values written on the bars.
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { RegisterReport } from '../domain/reports.ts';
import { formatDate } from '../domain/dates.ts';

/** NHS identity colours: blue, dark blue, green, warm yellow, red, purple, dark grey, aqua green. */
export const NHS_PALETTE = ['#005EB8', '#003087', '#007F3B', '#FFB81C', '#DA291C', '#330072', '#425563', '#00A499'];
const SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'stroke'];

export interface ChartTable { head: string[]; rows: (string | number)[][] }
export interface Chart { id: string; title: string; description: string; svg: string; table: ChartTable }

const STATUS_WORDS: Record<string, string> = {
  planning: 'Planning (detained)',
  'entitled-pending-discharge': 'Entitled, awaiting discharge',
  active: 'Active',
  'in-custody': 'In custody',
  ended: 'Ended',
  deceased: 'Deceased',
};
const BAND_WORDS: Record<string, string> = { '1-30-days': '1 to 30 days', '31-90-days': '31 to 90 days', '91-180-days': '91 to 180 days', 'over-180-days': 'Over 180 days' };

const monthName = (asOf: string) => formatDate(asOf).replace(/^\d+ /, '');

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const FONT = 'Arial, Helvetica, sans-serif';
const CONFIG = {
  // The SVG is one image (role="img" with its title and description): vega's own ARIA roles are off.
  aria: false,
  font: FONT,
  background: 'white',
  axis: { labelFontSize: 12, titleFontSize: 12, labelColor: '#212B32', titleColor: '#212B32', gridColor: '#D8DDE0', domainColor: '#425563', tickColor: '#425563' },
  legend: { labelFontSize: 12, titleFontSize: 12, labelColor: '#212B32', titleColor: '#212B32', orient: 'bottom', columns: 2, labelLimit: 0, symbolSize: 120, symbolStrokeWidth: 2 },
  view: { stroke: null },
};

/** Renders a vega-lite spec to an accessible SVG string. */
async function toSvg(spec: Record<string, unknown>, id: string, title: string, description: string): Promise<string> {
  const compiled = vl.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v5.json', config: CONFIG, ...spec } as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const open = svg.indexOf('>') + 1;
  const head = svg
    .slice(0, open)
    .replace(/ width="(\d+)" height="(\d+)"/, ' width="100%"')
    .replace('<svg ', `<svg role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false" preserveAspectRatio="xMinYMin meet" `);
  // Inside one image, marks carry no roles of their own (vega still writes some with aria off).
  const body = svg.slice(open).replace(/ (role|aria-[a-z]+)="[^"]*"/g, '');
  return `${head}<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(description)}</desc>${body}`;
}

interface SeriesPoint { month: string; series: string; value: number }

/** Several series over the months: lines with a distinct shape and colour each, named in the legend. */
function seriesSpec(points: SeriesPoint[], series: string[], yTitle: string, yFormat = 'd') {
  return {
    width: 560,
    height: 220,
    data: { values: points },
    encoding: {
      x: { field: 'month', type: 'ordinal', sort: null, title: null, axis: { labelAngle: -40 } },
      y: { field: 'value', type: 'quantitative', title: yTitle, axis: { tickMinStep: 1, format: yFormat } },
      color: { field: 'series', type: 'nominal', sort: series, title: null, scale: { domain: series, range: NHS_PALETTE.slice(0, series.length) } },
      shape: { field: 'series', type: 'nominal', sort: series, title: null, scale: { domain: series, range: SHAPES.slice(0, series.length) } },
    },
    layer: [{ mark: { type: 'line', strokeWidth: 2 } }, { mark: { type: 'point', filled: true, size: 70, opacity: 1 } }],
  };
}

/** One series as bars, each value written on its bar (one colour: nothing rests on it). */
function barSpec(values: { label: string; value: number }[], xTitle: string) {
  return {
    width: 560,
    height: Math.max(60, values.length * 34),
    data: { values },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null, title: null },
      x: { field: 'value', type: 'quantitative', title: xTitle, axis: { tickMinStep: 1, format: 'd' } },
    },
    layer: [
      { mark: { type: 'bar', color: NHS_PALETTE[0] } },
      { mark: { type: 'text', align: 'left', dx: 4, color: '#212B32', fontSize: 12 }, encoding: { text: { field: 'value', type: 'quantitative' } } },
    ],
  };
}

function seriesChart(id: string, title: string, report: RegisterReport, series: { name: string; value: (m: RegisterReport['months'][number]) => number }[], yTitle: string, summary: string, money = false): Promise<Chart> {
  const months = report.months.map((m) => monthName(m.asOf));
  // Money is drawn in pounds and tabled in pounds and pence; counts as they are.
  const drawn = (n: number) => (money ? n / 100 : n);
  const tabled = (n: number) => (money ? pounds(n) : n);
  const points = report.months.flatMap((m, i) => series.map((s) => ({ month: months[i]!, series: s.name, value: drawn(s.value(m)) })));
  const table = { head: ['Month end', ...series.map((s) => s.name)], rows: report.months.map((m) => [formatDate(m.asOf), ...series.map((s) => tabled(s.value(m)))]) };
  const description = `${summary} Each month from ${months[0]} to ${months.at(-1)}; the table beside the chart gives every figure.`;
  return toSvg(seriesSpec(points, series.map((s) => s.name), yTitle, money ? ',.0f' : 'd'), id, title, description).then((svg) => ({ id, title, description, svg, table }));
}

/** Integer pence as pounds and pence (£1,234.56). */
export function pounds(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(pence);
  return `${sign}£${Math.floor(abs / 100).toLocaleString('en-GB')}.${String(abs % 100).padStart(2, '0')}`;
}

/** RPT-15: each body's agreed share or payments in a period, over every category and body code. */
const spendOf = (m: RegisterReport['months'][number], body: 'local-authority' | 'icb', what: 'agreedPence' | 'paidPence') => m.spend.filter((x) => x.body === body).reduce((n, x) => n + x[what], 0);

function barChart(id: string, title: string, values: { label: string; value: number }[], xTitle: string, summary: string): Promise<Chart> {
  const description = `${summary} ${values.map((v) => `${v.label}: ${v.value}`).join('; ')}.`;
  const table = { head: [xTitle.replace(/^./, (c) => c.toUpperCase()), 'Count'], rows: values.map((v) => [v.label, v.value]) };
  return toSvg(barSpec(values, xTitle), id, title, description).then((svg) => ({ id, title, description, svg, table }));
}

/** The report's charts, in the order the page and the board pack show them. */
export async function reportCharts(report: RegisterReport): Promise<Chart[]> {
  const statuses = Object.keys(STATUS_WORDS) as (keyof RegisterReport['byStatus'])[];
  const last = report.months.at(-1)!;
  const on = formatDate(report.asOf);
  return Promise.all([
    seriesChart('chart-status', 'People on the register by status at each month end', report,
      statuses.map((s) => ({ name: STATUS_WORDS[s]!, value: (m) => m.byStatus[s] })), 'people',
      `Line chart of how many people had each aftercare status at each month end. On ${on}: ${statuses.map((s) => `${STATUS_WORDS[s]} ${last.byStatus[s]}`).join(', ')}.`),
    seriesChart('chart-flows', 'New entitlements, endings and superseded episodes each month', report, [
      { name: 'New entitlements', value: (m) => m.newEntitlements },
      { name: 'Ended (joint decision or death)', value: (m) => m.endings },
      { name: 'Superseded by a new detention', value: (m) => m.superseded },
      { name: 'Reinstated', value: (m) => m.reinstated },
    ], 'episodes', `Line chart of episodes whose aftercare started, ended, was superseded or was reinstated in each month. In the month to ${on}: ${last.newEntitlements} new, ${last.endings} ended, ${last.superseded} superseded, ${last.reinstated} reinstated.`),
    seriesChart('chart-reviews', 'Reviews in date and overdue at each month end', report, [
      { name: 'In date', value: (m) => m.reviewsInDate },
      { name: 'Overdue', value: (m) => m.reviewsOverdue },
    ], 'people', `Line chart of people whose aftercare review (REV-1) was in date or overdue at each month end. On ${on}: ${last.reviewsInDate} in date, ${last.reviewsOverdue} overdue.`),
    barChart('chart-overdue', `Overdue reviews by how long overdue, on ${on}`, Object.entries(last.overdueBy).map(([band, value]) => ({ label: BAND_WORDS[band] ?? band, value })), 'people',
      'Bar chart of overdue reviews by how many days they are overdue.'),
    barChart('chart-disputes', `Open disputes by age, on ${on}`, Object.entries(last.disputesByAgeMonths).map(([age, value]) => ({ label: age === '4+' ? '4 months or more' : `${age} month${age === '1' ? '' : 's'}`, value })), 'disputes',
      `Bar chart of open disputes by whole months since they were raised; ${last.disputesPastFourMonths} are past the 4-month referral clock (RESP-6).`),
    seriesChart('chart-plans-before-leaving', 'People who left hospital each month, and those with a final plan before they left', report, [
      { name: 'Left hospital (new entitlements)', value: (m) => m.newEntitlements },
      { name: 'Of them, plan final before leaving', value: (m) => m.plansFinalBeforeLeaving },
    ], 'people', `Line chart of the people whose aftercare started in each month and of those, how many had a care and support plan finalised before they left hospital (PLAN-7). In the month to ${on}: ${last.plansFinalBeforeLeaving} of ${last.newEntitlements}.`),
    seriesChart('chart-plans', 'Final care and support plans of the people whose aftercare is running, at each month end', report, [
      { name: 'Final plan', value: (m) => m.plansFinal },
      { name: 'Contingency plan complete', value: (m) => m.plansWithContingency },
      { name: 'Signed, or reason recorded', value: (m) => m.plansSignedOrReason },
    ], 'people', `Line chart of the people whose aftercare is running with a final plan at each month end, with a complete contingency plan (PLAN-5) and signed or with the reason recorded (PLAN-6). On ${on}: ${last.plansFinal} with a final plan, ${last.plansWithContingency} with a contingency plan, ${last.plansSignedOrReason} signed or with the reason.`),
    seriesChart('chart-spend', 'Spend each month: each body’s agreed share and what it paid', report, [
      { name: 'Council: agreed share', value: (m) => spendOf(m, 'local-authority', 'agreedPence') },
      { name: 'ICB: agreed share', value: (m) => spendOf(m, 'icb', 'agreedPence') },
      { name: 'Council: paid', value: (m) => spendOf(m, 'local-authority', 'paidPence') },
      { name: 'ICB: paid', value: (m) => spendOf(m, 'icb', 'paidPence') },
    ], 'pounds', `Line chart, in pounds, of the councils' and ICBs' agreed shares of the cost of aftercare services in each month (at the cost in force at the time, RESP-7) and what they recorded paying (RESP-1), for the people whose money you may see. In the month to ${on}: council share ${pounds(spendOf(last, 'local-authority', 'agreedPence'))}, ICB share ${pounds(spendOf(last, 'icb', 'agreedPence'))}, council paid ${pounds(spendOf(last, 'local-authority', 'paidPence'))}, ICB paid ${pounds(spendOf(last, 'icb', 'paidPence'))}.`, true),
    seriesChart('chart-charges-refunds', 'Charges for s117 services and refunds, each month', report, [
      { name: 'Charged for s117 services in the month (must be none)', value: (m) => m.s117ChargesPence },
      { name: 'Refunds owed by the month end', value: (m) => m.refundsOwedPence },
      { name: 'Refunds outstanding at the month end', value: (m) => m.refundsOutstandingPence },
    ], 'pounds', `Line chart, in pounds, of what people were charged for s117 services in each month, which must be nothing (CHG-1), and of the refunds with interest owed and still outstanding at each month end (CHG-2). On ${on}: ${pounds(last.s117ChargesPence)} charged in the month, ${pounds(last.refundsOwedPence)} owed, ${pounds(last.refundsOutstandingPence)} outstanding.`, true),
  ]);
}
