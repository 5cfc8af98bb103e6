// Who pays what share of a service: the split between the local authority and the ICB (RESP-1), the
// partnership's versioned joint funding policy (RESP-7), and the weekly cost in pence that each pays.
// Pure: money is integer pence, percentages are integers.
import type { AftercareResult, Episode } from './aftercare.ts';
import { compareDates, type IsoDate } from './dates.ts';

export const SERVICE_CATEGORIES = ['healthcare', 'social-care', 'medication', 'employment', 'accommodation', 'social-cultural-spiritual', 'other'] as const;
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number];

export interface Split { localAuthorityPercent: number; icbPercent: number }

import type { Violation } from './violations.ts';

export type { Violation };

/**
 * RESP-1: every service records who funds it: the local authority, the ICB or both, in whole
 * percentages that add up to 100.
 */
export function splitViolations(split: Split, field = 'funding'): Violation[] {
  const out: Violation[] = [];
  for (const [key, value] of Object.entries(split) as [keyof Split, number][]) {
    if (!Number.isInteger(value) || value < 0 || value > 100) out.push({ field: `${field}.${key}`, message: `${key} must be a whole number from 0 to 100` });
  }
  if (out.length === 0 && split.localAuthorityPercent + split.icbPercent !== 100) {
    out.push({ field, message: 'The local authority’s and the ICB’s percentages must add up to 100', rule: 'RESP-1' });
  }
  return out;
}

export interface WeeklyShares { localAuthorityPence: number; icbPence: number }

/**
 * The weekly cost each body pays. Each share is rounded down to a whole penny and the penny left over
 * (there is at most one with two shares) goes to the share with the larger fraction, the local authority
 * when the fractions are equal (largest remainder, local authority first). The shares always add up
 * exactly to the weekly cost.
 */
export function weeklyShares(weeklyCostPence: number, split: Split): WeeklyShares {
  const la = weeklyCostPence * split.localAuthorityPercent;
  const icb = weeklyCostPence * split.icbPercent;
  let localAuthorityPence = Math.floor(la / 100);
  let icbPence = Math.floor(icb / 100);
  let left = weeklyCostPence - localAuthorityPence - icbPence;
  const laRemainder = la % 100;
  const icbRemainder = icb % 100;
  while (left > 0) {
    if (laRemainder >= icbRemainder) localAuthorityPence += 1;
    else icbPence += 1;
    left -= 1;
  }
  return { localAuthorityPence, icbPence };
}

// ---------------------------------------------------------------------------------------------
// RESP-7: the partnership's joint funding policy, in versions that never change once made.

export interface FundingPolicy {
  id: string;
  localAuthority: string;
  icb: string;
  version: number;
  effectiveFrom: IsoDate;
  /** The default split for each category the policy names. */
  splits: Partial<Record<ServiceCategory, Split>>;
}

/** RESP-7: the latest version of the partnership's policy in effect on the service's start date. */
export function policyInEffect<P extends FundingPolicy>(policies: readonly P[], partnership: { localAuthority: string | null; icb: string | null }, on: IsoDate): P | null {
  const candidates = policies
    .filter((p) => p.localAuthority === partnership.localAuthority && p.icb === partnership.icb && compareDates(p.effectiveFrom, on) <= 0)
    .sort((a, b) => compareDates(a.effectiveFrom, b.effectiveFrom) || a.version - b.version);
  return candidates.at(-1) ?? null;
}

/** The split a policy sets for a category, or null when it sets none (or there is no policy). */
export function policySplit(policy: FundingPolicy | null, category: ServiceCategory): Split | null {
  return policy?.splits[category] ?? null;
}

export function sameSplit(a: Split, b: Split): boolean {
  return a.localAuthorityPercent === b.localAuthorityPercent && a.icbPercent === b.icbPercent;
}

/**
 * RESP-7: a service takes its category's default from the policy in effect; a different split is a
 * decision that needs a recorded reason. Where no policy sets a default there is nothing to depart from.
 */
export function fundingDecisionViolations(split: Split, policyDefault: Split | null, overrideReason: string | null | undefined): Violation[] {
  if (!policyDefault || sameSplit(split, policyDefault)) return [];
  if (overrideReason && overrideReason.trim() !== '') return [];
  return [
    {
      field: 'fundingOverrideReason',
      message: `The joint funding policy’s split for this kind of service is ${policyDefault.localAuthorityPercent}% local authority and ${policyDefault.icbPercent}% ICB; give the reason for a different split`,
      rule: 'RESP-7',
    },
  ];
}

/**
 * RESP-7: the split a new service takes: the one entered, else the policy's default for its
 * category. With neither there is no default to take, so the split has to be entered.
 */
export function serviceSplit(given: Split | null | undefined, policyDefault: Split | null): { split: Split; violations: [] } | { split: null; violations: Violation[] } {
  const split = given ?? policyDefault;
  if (split) return { split, violations: [] };
  return {
    split: null,
    violations: [{ field: 'funding', message: 'No joint funding policy sets a default for this kind of service: enter the local authority’s and the ICB’s percentages', rule: 'RESP-7' }],
  };
}

/**
 * RESP-7: a change reopens the funding decision only when it changes what decides the split (the
 * split itself, the category whose default applies, or the start date that picks the policy
 * version); otherwise the split stays as it was decided, with its policy and reason.
 */
export function fundingDecisionReopened(change: { funding?: unknown; category?: unknown; startDate?: unknown }): boolean {
  return change.funding !== undefined || change.category !== undefined || change.startDate !== undefined;
}

/** The episode a service starting on that date belongs to: the latest that had begun by then, else the first. */
export function episodeOn(aftercare: Pick<AftercareResult, 'episodes'>, on: IsoDate): Episode | null {
  const begun = aftercare.episodes.filter((e) => compareDates(e.qualifyingFrom, on) <= 0);
  return begun.at(-1) ?? aftercare.episodes[0] ?? null;
}

/** What decides a partnership: the person's episodes, and where they live and their GP's ICB now. */
export interface PartnershipFacts {
  aftercare: Pick<AftercareResult, 'episodes'>;
  currentLocalAuthority: string | null;
  currentIcb: string | null;
}

/** RESP-7: the partnership whose policy applies: the episode's bodies, or where the person lives now. */
export function partnershipOn(facts: PartnershipFacts, on: IsoDate): { localAuthority: string | null; icb: string | null } {
  const episode = episodeOn(facts.aftercare, on);
  return { localAuthority: episode?.localAuthority.code ?? facts.currentLocalAuthority, icb: episode?.icb.code ?? facts.currentIcb };
}

/** Checks a policy version's splits (each adds up to 100). */
export function policyViolations(splits: Partial<Record<string, Split>>): Violation[] {
  const out: Violation[] = [];
  for (const [category, split] of Object.entries(splits)) {
    if (!(SERVICE_CATEGORIES as readonly string[]).includes(category)) out.push({ field: `splits.${category}`, message: `${category} is not a service category` });
    else if (split) out.push(...splitViolations(split, `splits.${category}`));
  }
  return out;
}

/** Pence as pounds for people: 123456 -> "£1,234.56". */
export function formatPence(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const abs = Math.abs(pence);
  const pounds = Math.floor(abs / 100).toLocaleString('en-GB');
  return `${sign}£${pounds}.${String(abs % 100).padStart(2, '0')}`;
}

/** "1234.5" or "1,234.50" or "£12" as pence, or null when it is not an amount of money. */
export function parsePounds(text: string): number | null {
  const cleaned = text.trim().replace(/^£/, '').replace(/,/g, '');
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}
