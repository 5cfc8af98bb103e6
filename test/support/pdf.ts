// Reads a generated PDF as a person would: its text, line by line, and its document information (title,
// language, tagged, pages). Uses pdfjs-dist (a JavaScript PDF reader) so that the tests need no system tool.
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';

async function open(pdf: Uint8Array): Promise<PDFDocumentProxy> {
  // pdfjs takes ownership of (detaches) the bytes it is given: give it a copy.
  return getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise;
}

// Text items on one baseline make a line; lines run top to bottom and pages are separated by a form feed,
// as pdftotext writes them, so that patterns spanning words on one line match.
export async function pdfText(pdf: Uint8Array): Promise<string> {
  const document = await open(pdf);
  try {
    const pages: string[] = [];
    for (let number = 1; number <= document.numPages; number += 1) {
      const page = await document.getPage(number);
      // Artifacts (page footers) are skipped, as a screen reader skips them: the text reads on across pages.
      const content = await page.getTextContent({ includeMarkedContent: true });
      const lines: { y: number; items: { x: number; text: string }[] }[] = [];
      const marked: boolean[] = [];
      for (const item of content.items) {
        if ('type' in item && (item.type === 'beginMarkedContent' || item.type === 'beginMarkedContentProps')) {
          marked.push((item as { tag?: string }).tag === 'Artifact');
          continue;
        }
        if ('type' in item && item.type === 'endMarkedContent') {
          marked.pop();
          continue;
        }
        if (!('str' in item) || marked.includes(true)) continue;
        const text = (item as TextItem).str;
        const [, , , , x = 0, y = 0] = (item as TextItem).transform as number[];
        if (text === '') continue;
        let line = lines.find((l) => Math.abs(l.y - y) < 2);
        if (!line) {
          line = { y, items: [] };
          lines.push(line);
        }
        line.items.push({ x, text });
      }
      lines.sort((a, b) => b.y - a.y);
      pages.push(lines.map((l) => l.items.sort((a, b) => a.x - b.x).map((i) => i.text).join('').replace(/\s+$/, '')).join('\n'));
      page.cleanup();
    }
    return `${pages.join('\n\f')}\n`;
  } finally {
    await document.destroy();
  }
}

// The fields pdfinfo printed that the tests read: Title, Language, Tagged ('yes' / 'no') and Pages.
export async function pdfInfo(pdf: Uint8Array): Promise<Record<string, string>> {
  const document = await open(pdf);
  try {
    const { info } = (await document.getMetadata()) as unknown as { info: Record<string, unknown> };
    const markInfo = await document.getMarkInfo();
    const fields: Record<string, string> = { Tagged: markInfo?.Marked ? 'yes' : 'no', Pages: String(document.numPages) };
    for (const [key, value] of Object.entries(info)) if (typeof value === 'string') fields[key] = value;
    return fields;
  } finally {
    await document.destroy();
  }
}
