// Issue 15, "Every name prints": letters embed a font that covers the names of the people the register
// serves (Latin Extended, Vietnamese, Greek, Cyrillic), stay tagged, and read back the names as written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderLetter } from '../../../src/letters/document.ts';
import { pdfInfo, pdfText } from '../../support/pdf.ts';

const NAMES = ['Zoë Łukasiewicz-Nguyễn', 'Đặng Thị Hương', 'Ελένη Παπαδοπούλου', 'Анна Кузнецова', 'Şükrü Gözde Ærøskøbing', 'Siobhán Ó Súilleabháin', 'Dvořák Ŕíša'];

for (const largePrint of [false, true]) {
  test(`every name prints as written${largePrint ? ' in large print' : ''}, in headings, paragraphs, lists and facts`, async () => {
    const pdf = await renderLetter(
      {
        title: `Your aftercare plan, ${NAMES[0]}`,
        to: NAMES,
        blocks: [{ heading: NAMES[2], paragraphs: [`Dear ${NAMES[1]},`], list: [NAMES[3]!], facts: [{ label: 'Keyworker', value: NAMES[4]! }] }],
        footer: NAMES[5],
      },
      { largePrint },
    );
    const text = (await pdfText(pdf)).normalize('NFC');
    for (const name of NAMES) assert.ok(text.includes(name), `"${name}" does not print as written in:\n${text}`);
    assert.equal((await pdfInfo(pdf)).Tagged, 'yes');
  });
}
