// Issue 13: the monthly board pack, a tagged PDF (pdfkit): the key figures as of the date with each
// one's definition, then each chart (drawn from its SVG by svg-to-pdfkit, tagged as a Figure whose
// alternative text is the chart's description) followed by its figures as a tagged table, so the pack
// reads the same to someone who cannot see the charts.
import SVGtoPDF from 'svg-to-pdfkit';
import { formatDate } from '../domain/dates.ts';
import { MEASURES, type RegisterReport } from '../domain/reports.ts';
import { addPageFooters, openTaggedPdf } from './document.ts';
import type { Chart, ChartTable } from './report-charts.ts';

export interface BoardPackNames { localAuthority: string | null; icb: string | null; organisation: string }

type Doc = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;

const LEFT = 56;
const WIDTH = 595.28 - LEFT * 2;

function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

/** A table in the structure tree: Table > TR > TH/TD, header row first. */
function table(doc: Doc, root: Struct, t: ChartTable, caption: string): void {
  const columns = t.head.length;
  const first = Math.min(200, WIDTH / 2);
  const rest = (WIDTH - first) / Math.max(1, columns - 1);
  const widths = t.head.map((_, i) => (i === 0 ? first : rest));
  const tableStruct = doc.struct('Table');
  root.add(tableStruct);
  tableStruct.add(doc.struct('Caption', {}, () => doc.font('Helvetica-Oblique').fontSize(9).text(caption, LEFT, doc.y, { width: WIDTH })));
  const row = (cells: (string | number)[], header: boolean) => {
    doc.font(header ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
    const height = Math.max(...cells.map((c, i) => doc.heightOfString(String(c), { width: widths[i]! - 6 }))) + 4;
    ensureRoom(doc, height);
    const y = doc.y;
    const tr = doc.struct('TR');
    tableStruct.add(tr);
    let x = LEFT;
    cells.forEach((cell, i) => {
      const cellX = x;
      tr.add(doc.struct(header ? 'TH' : 'TD', {}, () => doc.text(String(cell), cellX, y, { width: widths[i]! - 6, align: i === 0 ? 'left' : 'right' })));
      x += widths[i]!;
    });
    tr.end();
    doc.y = y + height;
    doc.x = LEFT;
  };
  row(t.head, true);
  for (const r of t.rows) row(r, false);
  tableStruct.end();
  doc.moveDown(0.8);
}

export function renderBoardPack(report: RegisterReport & { peopleRead: number }, charts: readonly Chart[], names: BoardPackNames): Promise<Buffer> {
  const title = `Section 117 aftercare: board report as of ${formatDate(report.asOf)}`;
  const { doc, done, root } = openTaggedPdf({ title, subject: 'Monthly board pack', margin: LEFT });
  const p = (text: string, size = 11, font = 'Helvetica') => root.add(doc.struct('P', {}, () => doc.font(font).fontSize(size).text(text, LEFT, doc.y, { width: WIDTH, lineGap: 2 })));
  const h = (level: 'H1' | 'H2', text: string) => {
    ensureRoom(doc, 60);
    root.add(doc.struct(level, {}, () => doc.font('Helvetica-Bold').fontSize(level === 'H1' ? 20 : 14).text(text, LEFT, doc.y, { width: WIDTH, lineGap: 3 })));
    doc.moveDown(0.4);
  };

  h('H1', title);
  p(`Prepared for ${names.organisation}. Local authority: ${names.localAuthority ?? 'all'}. ICB: ${names.icb ?? 'all'}. People read: ${report.peopleRead} (everyone your organisation may see).`);
  p(`Every figure is worked out as of its date from what had happened by then, and counted for the local authority and ICB responsible at that time; the figures for a past month do not change when later events are recorded. Flows (new, ended, held) cover ${formatDate(report.from)} to ${formatDate(report.asOf)}.`, 10);
  doc.moveDown(0.6);

  h('H2', 'Key figures');
  const key: [keyof typeof MEASURES, string, number][] = [
    ['byStatus', 'People with aftercare active', report.byStatus.active],
    ['byStatus', 'People detained and being planned for', report.byStatus.planning + report.byStatus['entitled-pending-discharge']],
    ['newEntitlements', 'New entitlements in the month', report.newEntitlements],
    ['endings', 'Aftercare ended in the month', report.endings],
    ['superseded', 'Episodes superseded by a new detention', report.superseded],
    ['reviewsInDate', 'Reviews in date', report.reviewsInDate],
    ['reviewsOverdue', 'Reviews overdue', report.reviewsOverdue],
    ['reviewsHeld', 'Reviews held in the month (on time)', report.reviewsHeld],
    ['plansFinalBeforeLeaving', 'Left hospital with a final plan (PLAN-7)', report.plansFinalBeforeLeaving],
    ['plans', 'Running with a final plan', report.plansFinal],
    ['outOfArea', 'Out-of-area placements', report.outOfArea],
    ['disputes', 'Disputes open (past the 4-month clock)', report.disputesOpen],
  ];
  table(doc, root, { head: ['Measure', 'Rule', 'Figure'], rows: key.map(([id, label, value]) => [label, MEASURES[id].rule, id === 'reviewsHeld' ? `${value} (${report.reviewsHeldOnTime})` : id === 'disputes' ? `${value} (${report.disputesPastFourMonths})` : value]) }, `Key figures as of ${formatDate(report.asOf)}`);

  for (const chart of charts) {
    doc.addPage();
    h('H2', chart.title);
    const box = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(chart.svg);
    const [w, hgt] = box ? [Number(box[1]), Number(box[2])] : [600, 300];
    const height = (WIDTH / w) * hgt;
    const svg = chart.svg.replace(' width="100%"', ` width="${w}" height="${hgt}"`);
    const y = doc.y;
    root.add(doc.struct('Figure', { alt: chart.description }, () => SVGtoPDF(doc, svg, LEFT, y, { width: WIDTH, height, assumePt: true })));
    doc.y = y + height + 8;
    p(chart.description, 9);
    doc.moveDown(0.5);
    table(doc, root, chart.table, `The figures of the chart: ${chart.title}`);
  }

  doc.addPage();
  h('H2', 'Definitions');
  for (const m of Object.values(MEASURES)) {
    ensureRoom(doc, 50);
    p(`${m.rule}. ${m.text}`, 9.5);
    doc.moveDown(0.3);
  }
  root.end();
  addPageFooters(doc, title, 8);
  doc.end();
  return done;
}
