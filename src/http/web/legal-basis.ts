// Rule ids for those who want them (issue 9, item 6). People read plain sentences; each rule the
// register applied sits behind a "Legal basis" detail that names it and its source. The names and
// sources come from docs/domain-rules.md itself, the one reference the rules are written from, read
// once when the server starts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RuleReference { id: string; title: string; standing: string; source: string }

const RULES_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'domain-rules.md');
const RULE_ID = String.raw`[A-Z][A-Z0-9]*-\d+[a-z]?(?:\([a-z]\))?`;
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
