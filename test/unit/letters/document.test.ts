// Letters are tagged, titled PDFs whose text reads in order, with a large-print option.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderLetter } from '../../../src/letters/document.ts';
import { pdfInfo, pdfText } from '../../support/pdf.ts';

const content = {
  title: 'Your aftercare plan',
  from: ['Northbridge Borough Council'],
  to: ['Sam Example'],
  date: '22 November 2026',
  blocks: [{ heading: 'What aftercare is', paragraphs: ['Aftercare is free.'], list: ['Support with medication'], facts: [{ label: 'Next review', value: '1 March 2027' }] }],
};

describe('accessible letters', () => {
  test('a letter is a tagged PDF with its title and its text in reading order', async () => {
    const pdf = await renderLetter(content);
    const info = await pdfInfo(pdf);
    assert.equal(info.Tagged, 'yes');
    assert.equal(info.Title, 'Your aftercare plan');
    assert.equal(info.Pages, '1');
    const text = await pdfText(pdf);
    const order = ['Northbridge Borough Council', 'Sam Example', 'Your aftercare plan', 'What aftercare is', 'Aftercare is free.', 'Next review: 1 March 2027', 'Support with medication'];
    let at = -1;
    for (const piece of order) {
      const next = text.indexOf(piece, at + 1);
      assert.ok(next > at, `"${piece}" is missing or out of order`);
      at = next;
    }
  });

  test('large print uses bigger type, so the same letter is longer', async () => {
    const long = { ...content, blocks: Array.from({ length: 30 }, (_, i) => ({ heading: `Part ${i + 1}`, paragraphs: ['A paragraph of plain English that explains something to the person.'] })) };
    const standard = Number((await pdfInfo(await renderLetter(long))).Pages);
    const large = Number((await pdfInfo(await renderLetter(long, { largePrint: true }))).Pages);
    assert.ok(large > standard, `large print ${large} pages, standard ${standard}`);
  });
});
