// Rule ids for those who want them (issue 9, item 6). People read plain sentences; each rule the
// register applied sits behind a "Legal basis" detail that names it and its source. The names and
// sources come from docs/domain-rules.md itself, the one reference the rules are written from, read
// once when the server starts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RuleReference { id: string; title: string; standing: string; source: string }

const RULES_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'domain-rules.md');
/**
 * The families of the register's rules: those of docs/domain-rules.md, and the reports' (RPT) and
 * the letters' (LTR) rules of the issues that added them. Only these are rule ids on a page: a local
 * id (NB-0001234), a ward (A-1) or "UTF-16" in a sentence is text people need to read.
 * test/unit/legal-basis.test.ts checks that every rule of the reference is of one of them.
 */
export const RULE_FAMILIES = ['ADV', 'CHG', 'CMP', 'DP', 'ELIG', 'END', 'LTR', 'MHA25', 'PLAN', 'REG', 'RESP', 'REV', 'RPT', 'SCOPE'] as const;
const RULE_ID = String.raw`(?:${RULE_FAMILIES.join('|')})-\d+[a-z]?(?:\([a-z]\))?`;
/** " (ELIG-1)", " (RESP-2, RESP-4)", " (PLAN-7; PLAN-8)" at the end of a clause of a sentence. */
const REFERENCE = new RegExp(String.raw`\s*\((${RULE_ID}(?:\s*[,;]\s*(?:and\s+)?${RULE_ID})*)\)`, 'g');
const STANDING: Record<string, string> = { LAW: 'law', GUIDANCE: 'statutory guidance', OMBUDSMAN: 'the Ombudsmen’s view', LOCAL: 'local practice' };

/** Each rule of the reference: its title, its standing ([LAW], [GUIDANCE]...) and its source in words. */
export function parseRuleCatalogue(markdown: string): Map<string, RuleReference> {
  const sources = new Map<string, string>();
  for (const [, id, name] of markdown.matchAll(/^\| (S\d+) \| ([^|]+) \|/gm)) sources.set(id!, name!.split(/;|, incl\./)[0]!.trim());
  const rules = new Map<string, RuleReference>();
  // A rule is a paragraph starting with its bold id; the Mental Health Act 2025's (MHA25-n) are list items.
  const blocks = markdown.split(/\n(?:- )?(?=\*\*[A-Z][A-Z0-9]*-\d)/);
  for (const block of blocks) {
    const head = /^\*\*([A-Z][A-Z0-9]*-\d+[a-z]?):\s*(.+?)\.?\s*(?:\[([A-Z]+)\][^*]*)?\*\*/.exec(block);
    if (!head) continue;
    // The rule's "- Source:" line, or a source it cites in its text ("(S19 principle 6)").
    // The 2025 Act's rules name the section of that Act after their title: "(s46(3), new s117(3A))".
    const actSection = head[1]!.startsWith('MHA25-') ? /^\*\*[^*]+\*\*\s*\(((?:[^()]|\([^()]*\))+)\)/.exec(block)?.[1] : undefined;
    const sourceLine = /^- Source: (.+)$/m.exec(block)?.[1] ?? (actSection && `Mental Health Act 2025 ${actSection}`) ?? /\((S\d+[^)]*)\)/.exec(block)?.[1] ?? '';
    const source = sourceLine
      .replace(/\s*Seeds?:.*$/, '')
      .replace(/\bS(\d+)\b/g, (s) => sources.get(s) ?? s)
      .replace(/\*/g, '')
      .replace(/\.$/, '')
      .trim();
    // "Prescription charges for MH medication. UNVERIFIED/CONTESTED": the words after the title are its standing.
    const [title = '', doubt] = head[2]!.replace(/\s*\[.*$/, '').split(/\.?\s+(?=UNVERIFIED|CONTESTED)/);
    const standing = [STANDING[head[3] ?? ''], doubt?.toLowerCase().replace('/', ', ')].filter(Boolean).join('; ');
    // Some rules rest on the leaflets the register started from alone.
    rules.set(head[1]!, { id: head[1]!, title: title.trim(), standing, source: source || (/^- Seeds?:/m.test(block) ? 'the councils’ and NHS leaflets the register started from' : '') });
  }
  return rules;
}

let catalogue: Map<string, RuleReference> | null = null;
function rules(): Map<string, RuleReference> {
  if (!catalogue) {
    try {
      catalogue = parseRuleCatalogue(readFileSync(RULES_FILE, 'utf8'));
    } catch {
      catalogue = new Map();
    }
  }
  return catalogue;
}

/** The sentence without its rule ids, and the ids it named, in order. */
export function plainSentence(text: string | null | undefined): { text: string; rules: string[] } {
  const found: string[] = [];
  const plain = (text ?? '').replace(REFERENCE, (_match, ids: string) => {
    for (const id of ids.split(/\s*[,;]\s*(?:and\s+)?/)) if (!found.includes(id)) found.push(id);
    return '';
  });
  return { text: plain.replace(/\s+([.,;:])/g, '$1').replace(/\s{2,}/g, ' ').trim(), rules: found };
}

/** The references of these rule ids (a rule the reference does not name keeps its id alone). */
export function legalBasis(ids: readonly (string | null | undefined)[]): RuleReference[] {
  const unique = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  // ELIG-8b and DP-1(e) are parts of ELIG-8 and DP-1: the reference names the rule.
  return unique.map((id) => rules().get(id) ?? { ...(rules().get(id.replace(/(\([a-z]\)|[a-z])$/, '')) ?? { title: '', standing: '', source: '' }), id });
}

// ---------------------------------------------------------------------------------------------
// Every page (issue 9 item 6): a rule id written into a sentence, by a template or by the rules'
// own messages ("Nobody is charged for section 117 aftercare (CHG-1)."), is taken out of the
// sentence and put behind a "Legal basis" detail beside it, naming the rule and its source. Done
// once, on the rendered page, so that no template or message can forget it. Only text people read
// is changed: attribute values, scripts, styles, form fields' contents and the legal-basis details
// themselves are left as they are.

const ANY_RULE_ID = new RegExp(String.raw`\b${RULE_ID}`, 'g');
/** A parenthesis with a rule id in it: " (CHG-1)", " (REV-1; direct payments DP-1)", " (END-1 to END-4)". */
const PAREN_WITH_RULE = new RegExp(String.raw`\s*\(([^()]*\b${RULE_ID}[^()]*)\)`, 'g');
const CONNECTIVES = /^(?:and|or|to|see|under|rule|rules)?$/i;

/** The text with its rule ids taken out, and the ids, in order. */
export function withoutRuleIds(text: string): { text: string; rules: string[] } {
  const rules: string[] = [];
  const take = (s: string) => s.replace(ANY_RULE_ID, (id) => {
    if (!rules.includes(id)) rules.push(id);
    return '';
  });
  let out = text.replace(PAREN_WITH_RULE, (_match, inner: string) => {
    const kept = inner.split(/\s*[;,]\s*/).map((part) => take(part).replace(/\s+/g, ' ').trim()).filter((part) => !CONNECTIVES.test(part));
    return kept.length ? ` (${kept.join(', ')})` : '';
  });
  // An id standing alone in a sentence ("see ELIG-4"): taken out with the word that pointed to it.
  out = out.replace(new RegExp(String.raw`(?:\b(?:see|under|rule)\s+)?\b${RULE_ID}`, 'g'), (words) => {
    take(words);
    return '';
  });
  if (rules.length === 0) return { text, rules };
  return { text: out.replace(/[ \t]+([.,;:])/g, '$1').replace(/([^\s])[ \t]{2,}/g, '$1 '), rules };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The "Legal basis" detail for these rules (the markup of the person page's detail). */
export function legalBasisHtml(ids: readonly string[]): string {
  const items = legalBasis(ids).map((r) => `<li><strong class="s117-rule">${escapeHtml(r.id)}</strong>${r.title ? `: ${escapeHtml(r.title)}` : ''}${r.standing ? ` (${escapeHtml(r.standing)})` : ''}${r.source ? `. Source: ${escapeHtml(r.source)}` : ''}</li>`).join('');
  return `<details class="nhsuk-details s117-legal-basis"><summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Legal basis</span></summary><div class="nhsuk-details__text"><ul class="nhsuk-list">${items}</ul></div></details>`;
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
/** Elements the detail goes inside of, at their end (a term of a definition list may hold it too). */
const INSIDE = new Set(['li', 'td', 'th', 'dd', 'dt', 'div', 'form', 'fieldset', 'main']);
/** Elements that hold only phrasing: the detail goes just after them. */
const AFTER = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'label', 'legend']);
/** Text inside these is left alone. */
const UNTOUCHED = new Set(['textarea', 'title', 'svg', 'script', 'style']);

interface Open { tag: string; legalBasis: boolean; rules: string[]; host: boolean }

const SCRIPT_OR_STYLE = /^<(script|style)\b/;
const CLOSING_TAG = /^<\/([a-zA-Z0-9]+)/;
const OPENING_TAG = /^<([a-zA-Z0-9]+)/;
/** True of a text (or a page) in which withoutRuleIds would find a rule id: one test, cheaper than taking them out. */
const HOLDS_RULE_ID = new RegExp(String.raw`\b${RULE_ID}`);

/** The index of the innermost open element with this tag, or -1. */
function lastOpen(stack: readonly Open[], tag: string): number {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.tag === tag) return i;
  return -1;
}

/**
 * A text between tags with its rule ids taken out, and given to the innermost element that hosts
 * them; left as it is inside a legal-basis detail or an untouched element, or with no host. Most
 * texts (the whitespace between tags, most words) hold no rule id and are let through at once.
 */
function rehost(stack: readonly Open[], text: string): string {
  if (!HOLDS_RULE_ID.test(text)) return text;
  let host: Open | undefined;
  for (let i = stack.length - 1; i >= 0; i--) {
    const entry = stack[i]!;
    if (entry.legalBasis || UNTOUCHED.has(entry.tag)) return text;
    host ??= entry.host ? entry : undefined;
  }
  if (!host) return text;
  const plain = withoutRuleIds(text);
  for (const id of plain.rules) if (!host.rules.includes(id)) host.rules.push(id);
  return plain.text;
}

/** The page with every rule id in its reading text moved behind a "Legal basis" detail. */
export function moveRuleIdsBehindLegalBasis(html: string): string {
  if (!HOLDS_RULE_ID.test(html)) return html;
  const tokens = html.split(/(<script\b[\s\S]*?<\/script>|<style\b[\s\S]*?<\/style>|<!--[\s\S]*?-->|<[^>]*>)/);
  const out: string[] = [];
  const stack: Open[] = [];
  const close = (entry: Open, closingTag: string) => {
    const details = entry.rules.length ? legalBasisHtml(entry.rules) : '';
    if (INSIDE.has(entry.tag)) out.push(details, closingTag);
    else out.push(closingTag, details);
  };
  for (const token of tokens) {
    if (token === '') continue;
    if (token.charCodeAt(0) !== 60 /* < */) {
      out.push(rehost(stack, token));
      continue;
    }
    if (token.startsWith('<!') || SCRIPT_OR_STYLE.test(token)) { out.push(token); continue; }
    const closing = CLOSING_TAG.exec(token);
    if (closing) {
      const tag = closing[1]!.toLowerCase();
      const at = lastOpen(stack, tag);
      if (at === -1) { out.push(token); continue; }
      while (stack.length - 1 > at) close(stack.pop()!, '');
      close(stack.pop()!, token);
      continue;
    }
    out.push(token);
    const opening = OPENING_TAG.exec(token);
    if (!opening || token.endsWith('/>')) continue;
    const tag = opening[1]!.toLowerCase();
    if (VOID.has(tag)) continue;
    // A row of a definition list (a div in a dl) may hold only its term and description.
    const rowOfList = tag === 'div' && stack.at(-1)?.tag === 'dl';
    stack.push({ tag, legalBasis: tag === 'details' && /\bs117-legal-basis\b/.test(token), rules: [], host: (INSIDE.has(tag) || AFTER.has(tag)) && !rowOfList });
  }
  return out.join('');
}
