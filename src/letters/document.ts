// Accessible letters and documents for the person: tagged PDF (headings, paragraphs and lists in
// the structure tree, document language and title), a plain embedded font, and a large-print option.
// Content is built by the caller (plain English, in the tone of the leaflets); this only lays it out.
import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { LetterContact } from '../domain/letters.ts';

// Every name must print as written (issue 15): the standard PDF fonts hold only WinAnsi, so
// "Łukasiewicz-Nguyễn" came out as mojibake. DejaVu Sans covers Latin Extended (with Vietnamese),
// Greek and Cyrillic; it is embedded (subset to the characters used) under its licence (fonts/).
const FONT_FILES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const;
let fontData: Record<keyof typeof FONT_FILES, Buffer> | null = null;
function fonts(): Record<keyof typeof FONT_FILES, Buffer> {
  fontData ??= {
    regular: readFileSync(new URL(`./fonts/${FONT_FILES.regular}`, import.meta.url)),
    bold: readFileSync(new URL(`./fonts/${FONT_FILES.bold}`, import.meta.url)),
  };
  return fontData;
}
const REGULAR = 'Body';
const BOLD = 'Body-Bold';

export interface LetterBlock {
  heading?: string;
  paragraphs?: string[];
  /** A bulleted list. */
  list?: string[];
  /** Label and value lines, e.g. "Date of the decision: 4 March 2025". */
  facts?: { label: string; value: string }[];
}

export interface LetterContent {
  /** The document title (also the PDF title shown by readers and assistive technology). */
  title: string;
  /** Sender lines at the top right, e.g. the two responsible bodies. */
  from?: string[];
  /** Recipient lines, e.g. the person's name and address. */
  to?: string[];
  /** The date of the letter, already formatted ("4 March 2025"). */
  date?: string;
  salutation?: string;
  blocks: LetterBlock[];
  closing?: string[];
  /** A short line at the foot of every page, e.g. "Section 117 aftercare: your plan". */
  footer?: string;
  /** LTR-2: the reference to quote, printed under the date ("Our reference: S117-1A2B3C4D/PLAN-3"). */
  reference?: string;
  /**
   * LTR-1: the named contact. Printed as "Who to contact about this letter" (name, role,
   * organisation, telephone, email, reference) after the blocks, and signs the letter when
   * `closing` ends with "Yours sincerely," (the contact's name and organisation follow it).
   */
  contact?: LetterContact;
}

export interface LetterOptions { largePrint?: boolean }

const SIZES = { standard: { body: 12, h1: 20, h2: 15, small: 9 }, large: { body: 17, h1: 26, h2: 21, small: 13 } };

/**
 * A tagged A4 PDF (document language and title, pages buffered for footers) with its Document
 * structure element, and the bytes once `doc.end()` is called.
 */
export function openTaggedPdf(options: { title: string; subject: string; margin: number }): { doc: PDFKit.PDFDocument; done: Promise<Buffer>; root: PDFKit.PDFStructureElement } {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 64, left: options.margin, right: options.margin },
    tagged: true,
    lang: 'en-GB',
    displayTitle: true,
    pdfVersion: '1.7',
    bufferPages: true,
    info: { Title: options.title, Author: 'Section 117 Aftercare Register', Subject: options.subject },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  // Every name prints: the embedded DejaVu Sans covers Latin Extended, Vietnamese, Greek and Cyrillic.
  doc.registerFont(REGULAR, fonts().regular);
  doc.registerFont(BOLD, fonts().bold);
  const root = doc.struct('Document');
  doc.addStructure(root);
  return { doc, done, root };
}

export function renderLetter(content: LetterContent, options: LetterOptions = {}): Promise<Buffer> {
  const size = options.largePrint ? SIZES.large : SIZES.standard;
  const { doc, done, root } = openTaggedPdf({ title: content.title, subject: content.title, margin: 64 });
  const paragraph = (text: string, fontSize = size.body, font = REGULAR, align: 'left' | 'right' = 'left') =>
    root.add(doc.struct('P', {}, () => doc.font(font).fontSize(fontSize).text(text, { align, lineGap: 3 })));

  for (const line of content.from ?? []) paragraph(line, size.body, REGULAR, 'right');
  if (content.from?.length) doc.moveDown();
  for (const line of content.to ?? []) paragraph(line);
  if (content.date) {
    doc.moveDown(0.5);
    paragraph(content.date);
  }
  if (content.reference) paragraph(`Our reference: ${content.reference}`);
  doc.moveDown();
  root.add(doc.struct('H1', {}, () => doc.font(BOLD).fontSize(size.h1).text(content.title, { lineGap: 4 })));
  doc.moveDown(0.5);
  if (content.salutation) {
    paragraph(content.salutation);
    doc.moveDown(0.5);
  }

  for (const block of content.blocks) {
    if (block.heading) {
      doc.moveDown(0.5);
      const heading = block.heading;
      root.add(doc.struct('H2', {}, () => doc.font(BOLD).fontSize(size.h2).text(heading, { lineGap: 3 })));
      doc.moveDown(0.3);
    }
    for (const text of block.paragraphs ?? []) {
      paragraph(text);
      doc.moveDown(0.4);
    }
    for (const fact of block.facts ?? []) {
      root.add(
        doc.struct('P', {}, () => {
          doc.font(BOLD).fontSize(size.body).text(`${fact.label}: `, { continued: true, lineGap: 3 });
          doc.font(REGULAR).text(fact.value);
        }),
      );
    }
    if (block.facts?.length) doc.moveDown(0.4);
    if (block.list?.length) {
      const list = doc.struct('L');
      root.add(list);
      doc.font(REGULAR).fontSize(size.body).list(block.list, { structParent: list, bulletRadius: options.largePrint ? 3 : 2, lineGap: 3, textIndent: 14 });
      list.end();
      doc.moveDown(0.4);
    }
  }

  for (const block of contactBlocks(content)) {
    doc.moveDown(0.5);
    const heading = block.heading!;
    root.add(doc.struct('H2', {}, () => doc.font(BOLD).fontSize(size.h2).text(heading, { lineGap: 3 })));
    doc.moveDown(0.3);
    for (const fact of block.facts ?? []) {
      root.add(
        doc.struct('P', {}, () => {
          doc.font(BOLD).fontSize(size.body).text(`${fact.label}: `, { continued: true, lineGap: 3 });
          doc.font(REGULAR).text(fact.value);
        }),
      );
    }
    for (const text of block.paragraphs ?? []) {
      doc.moveDown(0.3);
      paragraph(text);
    }
  }

  const closing = closingLines(content);
  if (closing.length) {
    doc.moveDown();
    for (const line of closing) paragraph(line);
  }
  root.end();
  addPageFooters(doc, content.footer ?? content.title, size.small);
  doc.end();
  return done;
}

/** LTR-1, LTR-2: the named contact, their telephone and the reference, as a block of its own. */
export function contactBlocks(content: Pick<LetterContent, 'contact' | 'reference'>): LetterBlock[] {
  const c = content.contact;
  if (!c) return [];
  return [{
    heading: 'Who to contact about this letter',
    facts: [
      { label: 'Name', value: c.name },
      ...(c.role ? [{ label: 'Role', value: c.role }] : []),
      ...(c.organisation ? [{ label: 'Organisation', value: c.organisation }] : []),
      { label: 'Telephone', value: c.telephone ?? 'Ask your GP or NHS 111 to put you in touch with your mental health team' },
      ...(c.email ? [{ label: 'Email', value: c.email }] : []),
      ...(content.reference ? [{ label: 'Please quote', value: content.reference }] : []),
    ],
    paragraphs: ['In an emergency, or if your life is at risk, call 999. If you need help urgently but it is not an emergency, call NHS 111.'],
  }];
}

/** The closing lines, signed by the named contact when the letter ends "Yours sincerely,". */
export function closingLines(content: Pick<LetterContent, 'closing' | 'contact'>): string[] {
  const closing = content.closing ?? [];
  const c = content.contact;
  if (!c || closing.length === 0) return closing;
  const at = closing.indexOf('Yours sincerely,');
  if (at < 0) return closing;
  const onBehalfOf = closing.slice(at + 1).join(' ');
  return [...closing.slice(0, at + 1), c.name, ...(c.role ? [c.role] : []), ...(onBehalfOf ? [`On behalf of ${onBehalfOf}`] : c.organisation ? [c.organisation] : [])];
}

/** "Page N of M" and the footer line on every page, marked as artifacts so readers skip them. */
export function addPageFooters(doc: PDFKit.PDFDocument, footer: string, fontSize: number): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    // Writing below the bottom margin would start a new page: lift the margin while drawing the footer.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const bottom = doc.page.height - margin + 20;
    doc.markContent('Artifact', { type: 'Pagination' });
    doc.font(REGULAR).fontSize(fontSize).text(`${footer} · Page ${i + 1} of ${range.count}`, doc.page.margins.left, bottom, {
      width: doc.page.width - doc.page.margins.left - doc.page.margins.right,
      align: 'center',
      lineBreak: false,
    });
    doc.endMarkedContent();
    doc.page.margins.bottom = margin;
  }
}
