// Issue 9 item 10: every letter to the person names someone to contact, with a telephone number, and
// carries a reference the person can quote. LTR-1 (contact): the allocated keyworker (PLAN-3) first,
// because they are the person's named point of contact for the plan; otherwise the member of staff
// who sends the letter; otherwise the section 117 team of the responsible body. The telephone is the
// keyworker's own when recorded, else their organisation's. LTR-2 (reference): the person's register
// reference, the kind of letter and its date (or the plan's version), so that a call about a letter
// finds both the person and the letter.
import type { IsoDate } from './dates.ts';

export interface LetterContact {
  /** The named contact ("Kim Keyworker") or, with no one named, the team ("Section 117 aftercare team"). */
  name: string;
  /** Their job title and team, when recorded ("Care co-ordinator, Community mental health team"). */
  role: string | null;
  /** Their organisation by name, with its code beside ("Northbridge Borough Council (E09000099)"). */
  organisation: string | null;
  telephone: string | null;
  email: string | null;
}

export interface ContactOrganisation { code: string; name: string; telephone: string | null; email: string | null }

export interface ContactCandidates {
  /** PLAN-3: the allocated keyworker, with the contact details recorded at allocation. */
  keyworker: { name: string; jobTitle: string | null; team: string | null; phone: string | null; email: string | null; organisation: ContactOrganisation } | null;
  /** The member of staff sending the letter (null when the person downloads it themselves). */
  sender: { name: string; email: string | null; organisation: ContactOrganisation } | null;
  /** The responsible body whose team answers when no one is named (the local authority, else the ICB). */
  body: ContactOrganisation | null;
}

const named = (o: ContactOrganisation) => `${o.name} (${o.code})`;

/** LTR-1: who the letter names as its contact, and how to reach them. */
export function letterContact(c: ContactCandidates): LetterContact {
  if (c.keyworker) {
    const k = c.keyworker;
    const role = [k.jobTitle, k.team].filter((s): s is string => Boolean(s && s.trim())).join(', ');
    return { name: k.name, role: role || 'Your keyworker', organisation: named(k.organisation), telephone: k.phone || k.organisation.telephone, email: k.email || k.organisation.email };
  }
  if (c.sender) {
    const s = c.sender;
    return { name: s.name, role: null, organisation: named(s.organisation), telephone: s.organisation.telephone, email: s.email ?? s.organisation.email };
  }
  return {
    name: 'Section 117 aftercare team',
    role: null,
    organisation: c.body ? named(c.body) : null,
    telephone: c.body?.telephone ?? null,
    email: c.body?.email ?? null,
  };
}

export const LETTER_KIND_CODES = {
  plan: 'PLAN',
  ending: 'END',
  refund: 'REF',
  invitation: 'INV',
  outcome: 'REV',
  'top-up': 'TOP',
} as const;
export type LetterKindCode = keyof typeof LETTER_KIND_CODES;

/** The person's register reference: "S117-" and the first eight characters of their record's id. */
export function registerReference(personId: string): string {
  return `S117-${personId.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
}

/**
 * LTR-2: "S117-1A2B3C4D/PLAN-3" for version 3 of the plan, "S117-1A2B3C4D/END-20261204" for the
 * ending letter of 4 December 2026: the person, the kind of letter, and which one.
 */
export function letterReference(personId: string, kind: LetterKindCode, which: { version: number } | { on: IsoDate }): string {
  const suffix = 'version' in which ? String(which.version) : which.on.replace(/-/g, '');
  return `${registerReference(personId)}/${LETTER_KIND_CODES[kind]}-${suffix}`;
}
