// The two bodies that share the s117 duty (s117(2)): the local authority and the ICB. Each decides,
// approves and pays its own part, so many rules speak of "a body": this is the one list of them.

import { formatDate } from './dates.ts';

export const BODIES = ['local-authority', 'icb'] as const;
export type Body = (typeof BODIES)[number];

// ---- MHA25-3: deemed ordinary residence (Mental Health Act 2025 s46(3), new s117(3A)) -------------
// Behind a setting (S117_MHA2025_DEEMED_RESIDENCE, off by default: not yet in force). For periods when
// the person was 18 or over, Care Act s39 applies to s117: a person placed by council A in specified
// accommodation (a care home, supported living or shared lives) in council B's area is treated as
// ordinarily resident in A. So when they are detained again from that placement, A stays the proposed
// responsible council for the new episode, not B (reversing the outcome of Worcestershire, RESP-3, for
// specified accommodation). Under 18 the Children Act 1989 s105(6) applies instead (not handled here:
// the current rules then stand). The proposal is confirmed by a person as any other (RESP-4).

export const PLACEMENT_KINDS = ['care-home', 'supported-living', 'shared-lives'] as const;
export type PlacementKind = (typeof PLACEMENT_KINDS)[number];

/** Accommodation a council arranged for the person: where (the council of its area), of what kind, by whom, when. */
export interface Placement {
  localAuthority: string;
  kind: PlacementKind;
  arrangedBy: string;
  from: string;
  to: string | null;
}

const KIND_WORDS: Record<PlacementKind, string> = { 'care-home': 'a care home', 'supported-living': 'supported living', 'shared-lives': 'shared lives' };

function dayBefore(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * MHA25-3: the council deemed responsible for a detention beginning on `detentionFrom`, or null when
 * the rule does not apply (setting off; no specified placement in place the day before detention
 * began; the placement was in the arranging council's own area; the person was under 18).
 */
export function deemedResidenceCouncil(
  placements: readonly Placement[],
  detentionFrom: string,
  dateOfBirth: string | null,
  enabled: boolean,
): { code: string; basis: string } | null {
  if (!enabled) return null;
  if (dateOfBirth && ageOn(dateOfBirth, detentionFrom) < 18) return null;
  const before = dayBefore(detentionFrom);
  const inPlace = placements
    .filter((p) => (PLACEMENT_KINDS as readonly string[]).includes(p.kind) && p.from <= before && (p.to === null || p.to >= before))
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))
    .pop();
  if (!inPlace || inPlace.arrangedBy === inPlace.localAuthority) return null;
  return {
    code: inPlace.arrangedBy,
    // Plain words, dates as people read them; the rule id at the end goes behind the page's "Legal basis".
    basis: `Proposed: ${inPlace.arrangedBy} arranged their place in ${KIND_WORDS[inPlace.kind]} in the area of ${inPlace.localAuthority} from ${formatDate(inPlace.from)}, and they were living there when detention began on ${formatDate(detentionFrom)}. Under the Mental Health Act 2025 they count as ordinarily resident in the area of the council that placed them, so ${inPlace.arrangedBy} stays responsible (MHA25-3). To be confirmed.`,
  };
}
