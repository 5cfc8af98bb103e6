// Plain English, measured (issue 11): Flesch reading ease and Flesch-Kincaid grade of what the
// person reads, counted with `syllable`, `flesch` and `flesch-kincaid`. A page is its <main> text;
// a letter is its content. Each heading, paragraph, list item, table cell, label and button ends a
// sentence, as it does for a reader. Numbers (dates, phone numbers) are not counted as words.
import { flesch } from 'flesch';
import { fleschKincaid } from 'flesch-kincaid';
import { syllable } from 'syllable';

export const MAX_GRADE = 5.5;
export const MIN_EASE = 75;

export interface Reading { ease: number; grade: number; sentences: number; words: number; text: string }

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ', rsquo: '’', lsquo: '‘' };

/** The words a person reads on a page: its main part, without markup. */
export function pageText(html: string): string {
  const main = /<main[^>]*>([\s\S]*?)<\/main>/i.exec(html)?.[1] ?? html;
  return main
    .replace(/<(script|style|template)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<input[^>]*type="hidden"[^>]*>/gi, ' ')
    .replace(/<\/?(p|li|h[1-6]|td|th|dt|dd|legend|label|button|summary|div|caption|tr|ul|ol|table|form)\b[^>]*>/gi, '\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#?\w+);/g, (_, name: string) => ENTITIES[name] ?? ' ');
}

/** Reading ease and grade of text in which each line is a block (a line without an end stop ends a sentence). */
export function readingOf(text: string): Reading {
  const sentences = text
    .split(/\n|(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => /[A-Za-z]/.test(s));
  const words = sentences.flatMap((s) => s.split(/[\s/–—-]+/)).map((w) => w.replace(/[^A-Za-z’']/g, '')).filter((w) => /[A-Za-z]/.test(w));
  const counts = { sentence: sentences.length, word: words.length, syllable: words.reduce((n, w) => n + Math.max(1, syllable(w)), 0) };
  return { ease: flesch(counts), grade: fleschKincaid(counts), sentences: counts.sentence, words: counts.word, text };
}

export interface LetterLike {
  title: string;
  salutation?: string;
  blocks: { heading?: string; paragraphs?: string[]; list?: string[]; facts?: { label: string; value: string }[] }[];
  closing?: string[];
}

/** The text of a letter's content, one block to a line (the address and sender lines are not prose). */
export function letterText(letter: LetterLike): string {
  return [
    letter.title,
    letter.salutation ?? '',
    ...letter.blocks.flatMap((b) => [b.heading ?? '', ...(b.paragraphs ?? []), ...(b.list ?? []), ...(b.facts ?? []).map((f) => `${f.label}: ${f.value}`)]),
    ...(letter.closing ?? []),
  ].join('\n');
}
