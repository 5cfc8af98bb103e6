// The s117 entitlement engine: from the recorded facts (detentions, hospital stays, leave, residence,
// GP, decisions) it derives each aftercare episode, its status on a given day, the proposed
// responsible bodies and a plain-English explanation. Statuses are never stored; they are worked out
// here. Where the law is CONTESTED the engine proposes a default and lists the point in
// decisionsNeeded for a person to decide; it never decides silently.

import type { IsoDate } from './dates.ts';
import { addDays, formatDate } from './dates.ts';
import type { SectionCode } from './sections.ts';
import { deemedResidenceCouncil, type Placement } from './bodies.ts';
import {
  SECTION_CODES, isCommunityStatus, isHospitalDetention, isQualifyingSection, sectionLabel, sectionShortName,
} from './sections.ts';

/** Every status an aftercare episode can have: the one list the API, the forms and SQL are built from. */
export const EPISODE_STATUSES = ['planning', 'entitled-pending-discharge', 'active', 'in-custody', 'ended', 'superseded', 'deceased'] as const;
export type EpisodeStatus = (typeof EPISODE_STATUSES)[number];
/** A person's aftercare status: their latest episode's, or not entitled when they have none. */
export const AFTERCARE_STATUSES = ['not-entitled', ...EPISODE_STATUSES] as const;
export type AftercareStatus = (typeof AFTERCARE_STATUSES)[number];
/** END-1, END-5: why an episode ended. */
export const END_REASONS = ['joint-decision', 'new-qualifying-detention', 'death'] as const;
export type EndReason = (typeof END_REASONS)[number];
/** Section 17 leave (ELIG-5): escorted, unescorted, or a trial placement. */
export const LEAVE_KINDS = ['escorted', 'unescorted', 'trial-placement'] as const;
export type LeaveKind = (typeof LEAVE_KINDS)[number];
export interface Explanation { rule: string; text: string }
/**
 * Settings of the law that the derivation applies, from the configuration: MHA25-3's deemed ordinary
 * residence (S117_MHA2025_DEEMED_RESIDENCE, off by default: not yet in force).
 */
export interface LawSettings { deemedResidence: boolean }
export const DEFAULT_LAW_SETTINGS: LawSettings = { deemedResidence: false };

export interface PersonFacts {
  dateOfDeath: IsoDate | null;
  /** Optional: only used to explain ELIG-10 (no age limit); never changes the outcome. */
  dateOfBirth?: IsoDate | null;
  residences: { localAuthority: string; since: IsoDate }[];
  gpRegistrations: { practiceCode: string | null; icb: string; since: IsoDate }[];
  /** `provider`: the provider organisation running the hospital (optional; it gives sight, access.ts). */
  admissions: { id: string; hospital: string; admittedOn: IsoDate; dischargedOn: IsoDate | null; provider?: string | null }[];
  legalStatuses: { id: string; section: SectionCode; startDate: IsoDate; endDate: IsoDate | null; admissionId: string | null }[];
  leaves: { id: string; from: IsoDate; to: IsoDate | null; kind: LeaveKind; triggersAftercare: boolean; reason: string }[];
  /**
   * `parts`: which parts the decision confirms (each body confirms its own, RESP-2 to RESP-6); both when
   * absent. `decidedBy`: who made it, shown beside the part it confirms (optional).
   */
  responsibilityDecisions: {
    episodeId: string; localAuthority: { code: string; basis: string }; icb: { code: string; basis: string }; decidedAt: string;
    parts?: { localAuthority: boolean; icb: boolean }; decidedBy?: { name: string; organisation: string };
  }[];
  jointEndings: { episodeId: string; endedOn: IsoDate }[];
  /** END-6: approved reinstatements of jointly ended episodes (optional: none when absent). */
  reinstatements?: { episodeId: string; reinstatedOn: IsoDate }[];
  /** MHA25-3: accommodation councils arranged (optional), applied only with `deemedResidence` (the setting) on. */
  placements?: Placement[];
  deemedResidence?: boolean;
}
export interface ResponsibleBody {
  code: string | null; basis: string; confirmed: boolean;
  /** Who confirmed this part and when (only once confirmed). */
  confirmedBy?: { name: string; organisation: string }; confirmedAt?: string;
}
export interface Episode {
  id: string;
  status: EpisodeStatus;
  qualifyingSection: SectionCode;
  qualifyingFrom: IsoDate;
  detentionFrom: IsoDate;
  sectionEndedOn: IsoDate | null;
  leftHospitalOn: IsoDate | null;
  endedOn: IsoDate | null;
  endReason: EndReason | null;
  localAuthority: ResponsibleBody;
  icb: ResponsibleBody;
  communityTreatmentOrder: boolean;
  conditionallyDischarged: boolean;
  decisionsNeeded: Explanation[];
  explanation: Explanation[];
}
export interface AftercareResult { status: AftercareStatus; episodes: Episode[]; explanation: Explanation[] }

type Admission = PersonFacts['admissions'][number];
type LegalStatus = PersonFacts['legalStatuses'][number];
type Leave = PersonFacts['leaves'][number];
type Decision = PersonFacts['responsibilityDecisions'][number];
type JointEnding = PersonFacts['jointEndings'][number];
type Reinstatement = NonNullable<PersonFacts['reinstatements']>[number];

/** Facts in canonical order, as they stood at the end of `today`. */
interface Facts {
  today: IsoDate;
  dateOfDeath: IsoDate | null;
  dateOfBirth: IsoDate | null;
  placements: Placement[];
  deemedResidence: boolean;
  residences: PersonFacts['residences'];
  gpRegistrations: PersonFacts['gpRegistrations'];
  admissions: Admission[];
  legalStatuses: LegalStatus[];
  leaves: Leave[];
  responsibilityDecisions: Decision[];
  jointEndings: JointEnding[];
  reinstatements: Reinstatement[];
}

/** The qualifying statuses that make up one episode, and the days it covers. */
interface Draft {
  chain: LegalStatus[];
  from: IsoDate;
  until: IsoDate | null; // the next episode's qualifyingFrom (exclusive)
}

interface Trigger { date: IsoDate; rank: number; lines: Explanation[] }

const QUALIFYING_LIST = 'section 3, 37, 45A, 47 or 48';
const LEAVE_KIND: Record<Leave['kind'], string> = { 'escorted': 'escorted', 'unescorted': 'unescorted', 'trial-placement': 'trial placement' };

// ---------------------------------------------------------------------------------------------
// Canonical facts: the result must never depend on the order facts were given in.

type SortKey = string | number;

function sortBy<T>(items: readonly T[], key: (t: T) => SortKey[]): T[] {
  const keyed = items.map((item) => ({ item, k: key(item) }));
  keyed.sort((a, b) => compareKeys(a.k, b.k));
  return keyed.map((x) => x.item);
}

function compareKeys(a: SortKey[], b: SortKey[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

const onOrBefore = (d: IsoDate | null, limit: IsoDate): IsoDate | null => (d !== null && d <= limit ? d : null);

/** Sorts every list (date, then id, then every other field) and drops what had not happened by `today`. */
function canonicalFacts(facts: PersonFacts, today: IsoDate): Facts {
  return {
    today,
    dateOfDeath: onOrBefore(facts.dateOfDeath, today),
    dateOfBirth: facts.dateOfBirth ?? null,
    placements: (facts.placements ?? []).filter((p) => p.from <= today),
    deemedResidence: facts.deemedResidence ?? false,
    residences: sortBy(facts.residences.filter((r) => r.since <= today), (r) => [r.since, r.localAuthority]),
    gpRegistrations: sortBy(facts.gpRegistrations.filter((g) => g.since <= today), (g) => [g.since, g.icb, g.practiceCode ?? '']),
    admissions: sortBy(
      facts.admissions.filter((a) => a.admittedOn <= today).map((a) => ({ ...a, dischargedOn: onOrBefore(a.dischargedOn, today) })),
      (a) => [a.admittedOn, a.id, a.dischargedOn ?? '', a.hospital],
    ),
    legalStatuses: sortBy(
      facts.legalStatuses.filter((s) => s.startDate <= today).map((s) => ({ ...s, endDate: onOrBefore(s.endDate, today) })),
      (s) => [s.startDate, s.id, s.section, s.endDate ?? '', s.admissionId ?? ''],
    ),
    leaves: sortBy(
      facts.leaves.filter((l) => l.from <= today).map((l) => ({ ...l, to: onOrBefore(l.to, today) })),
      (l) => [l.from, l.id, l.to ?? '', l.kind, String(l.triggersAftercare), l.reason],
    ),
    responsibilityDecisions: sortBy(
      facts.responsibilityDecisions.filter((d) => d.decidedAt.slice(0, 10) <= today),
      (d) => [instant(d.decidedAt), d.decidedAt, d.episodeId, d.localAuthority.code, d.localAuthority.basis, d.icb.code, d.icb.basis],
    ),
    jointEndings: sortBy(facts.jointEndings.filter((j) => j.endedOn <= today), (j) => [j.endedOn, j.episodeId]),
    reinstatements: sortBy((facts.reinstatements ?? []).filter((r) => r.reinstatedOn <= today), (r) => [r.reinstatedOn, r.episodeId]),
  };
}

function instant(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const inForceOn = (s: { startDate: IsoDate; endDate: IsoDate | null }, d: IsoDate): boolean =>
  s.startDate <= d && (s.endDate === null || s.endDate >= d);

const inWindow = (d: IsoDate, draft: Draft): boolean => d >= draft.from && (draft.until === null || d < draft.until);

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function listInWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function quoted(reason: string): string {
  return reason.trim() === '' ? 'no reason recorded' : `"${reason.trim()}"`;
}

/** Section names of a chain, e.g. "section 3" or "section 47 and section 47/49". */
const chainName = (draft: Draft): string => listInWords(draft.chain.map((s) => sectionShortName(s.section)));

/** When the qualifying chain ended: null while any part of it is still running. */
function chainEnd(chain: LegalStatus[]): IsoDate | null {
  let end: IsoDate | null = null;
  for (const s of chain) {
    if (s.endDate === null) return null;
    if (end === null || s.endDate > end) end = s.endDate;
  }
  return end;
}

/** A discharge that is not a same-day transfer to another hospital is the day they left hospital. */
function leftHospitalDates(admissions: Admission[]): IsoDate[] {
  return admissions
    .filter((a) => a.dischargedOn !== null && !admissions.some((b) => b.id !== a.id && b.admittedOn === a.dischargedOn))
    .map((a) => a.dischargedOn as IsoDate);
}

/** Follows same-day transfers between hospitals to the stay they finally left from. */
function finalStay(stay: Admission, admissions: Admission[]): Admission {
  const seen = new Set([stay.id]);
  let current = stay;
  for (;;) {
    const next = admissions.find((a) => !seen.has(a.id) && current.dischargedOn !== null && a.admittedOn === current.dischargedOn);
    if (!next) return current;
    seen.add(next.id);
    current = next;
  }
}

// ---------------------------------------------------------------------------------------------
// Step 2: group qualifying statuses into episodes.

/** Has the duty already started in this episode before `date` (a discharge, CTO, CD, prison or leave)? */
function dutyStartedBefore(draft: Draft, date: IsoDate, facts: Facts): boolean {
  const before = (d: IsoDate): boolean => d >= draft.from && d < date;
  return leftHospitalDates(facts.admissions).some(before)
    || facts.legalStatuses.some((s) => (isCommunityStatus(s.section) || s.section === 'custody') && before(s.startDate))
    || facts.leaves.some((l) => l.triggersAftercare && before(l.from));
}

/** A later qualifying status continues the episode when it follows on without the person leaving hospital. */
function continuesEpisode(draft: Draft, next: LegalStatus, facts: Facts): boolean {
  const end = chainEnd(draft.chain);
  const contiguous = end === null || next.startDate <= addDays(end, 1);
  return contiguous && !dutyStartedBefore(draft, next.startDate, facts);
}

function draftEpisodes(facts: Facts): Draft[] {
  const drafts: Draft[] = [];
  for (const status of facts.legalStatuses.filter((s) => isQualifyingSection(s.section))) {
    const current = drafts[drafts.length - 1];
    if (current && continuesEpisode(current, status, facts)) current.chain.push(status);
    else drafts.push({ chain: [status], from: status.startDate, until: null });
  }
  drafts.forEach((d, i) => { d.until = drafts[i + 1]?.from ?? null; });
  return drafts;
}

// ---------------------------------------------------------------------------------------------
// Step 3 (RESP-4): the start of the continuous detention that led to the qualifying section.

function informalBetween(earlier: LegalStatus, later: LegalStatus, facts: Facts): boolean {
  const gapStart = earlier.endDate;
  return gapStart !== null && facts.legalStatuses.some((s) => s.section === 'informal' && s.startDate >= gapStart && s.startDate < later.startDate);
}

/** The non-qualifying detention (s136, s2, s38 ...) that ran straight into `current`, if any. */
function precedingDetention(current: LegalStatus, facts: Facts, seen: Set<string>): LegalStatus | undefined {
  const dayBefore = addDays(current.startDate, -1);
  return facts.legalStatuses.find((s) => !seen.has(s.id)
    && isHospitalDetention(s.section) && !isQualifyingSection(s.section)
    && s.startDate <= current.startDate
    && (s.endDate === null || s.endDate >= dayBefore)
    && !informalBetween(s, current, facts));
}

/** Walks back from the qualifying status; returns the earlier detentions, earliest first. */
function detentionLeadIn(opening: LegalStatus, facts: Facts): LegalStatus[] {
  const seen = new Set([opening.id]);
  const leadIn: LegalStatus[] = [];
  for (let current = opening; ;) {
    const previous = precedingDetention(current, facts, seen);
    if (!previous) return leadIn;
    seen.add(previous.id);
    leadIn.unshift(previous);
    current = previous;
  }
}

/** RESP-4: were they already in hospital, informally or in another stay, just before detention began? */
function inHospitalBefore(detentionFrom: IsoDate, facts: Facts): Explanation | null {
  const dayBefore = addDays(detentionFrom, -1);
  const informal = facts.legalStatuses.find((s) => s.section === 'informal' && s.startDate < detentionFrom && (s.endDate === null || s.endDate >= dayBefore));
  const stay = facts.admissions.find((a) => a.admittedOn < detentionFrom && (a.dischargedOn === null || a.dischargedOn >= dayBefore));
  const since = informal?.startDate ?? stay?.admittedOn;
  if (since === undefined) return null;
  const how = informal ? 'as an informal patient' : `(at ${stay?.hospital ?? 'hospital'})`;
  return {
    rule: 'RESP-4',
    text: `They were already in hospital ${how} from ${formatDate(since)}, before detention began on ${formatDate(detentionFrom)}. `
      + 'Their ordinary residence may have changed in the meantime (R (Sunderland) v South Tyneside), so a person must confirm which local authority is responsible.',
  };
}

// ---------------------------------------------------------------------------------------------
// Step 4 (ELIG-3 to ELIG-9): what started the duty.

interface DischargeFinding { trigger: Trigger | null; pending: Explanation[] }

/** ELIG-3 and ELIG-7: the qualifying chain ended and the person left hospital. */
function dischargeTrigger(draft: Draft, detentionFrom: IsoDate, facts: Facts): DischargeFinding {
  const ended = chainEnd(draft.chain);
  if (ended === null) return { trigger: null, pending: [] };
  const sections = chainName(draft);
  const covering = facts.admissions.filter((a) => a.admittedOn <= ended && (a.dischargedOn === null || a.dischargedOn >= ended));
  const lastCovering = covering[covering.length - 1];
  if (lastCovering) return leftAfterSectionEnded(finalStay(lastCovering, facts.admissions), ended, sections);
  const earlierStay = facts.admissions.filter((a) => a.admittedOn <= ended && a.dischargedOn !== null && a.dischargedOn >= detentionFrom).pop();
  if (earlierStay) {
    const text = `They had left hospital on ${formatDate(earlierStay.dischargedOn as IsoDate)}, before ${chainName(draft)} ended on ${formatDate(ended)}, `
      + `so aftercare started when the section ended, on ${formatDate(ended)}.`;
    return { trigger: { date: ended, rank: 3, lines: [{ rule: 'ELIG-3', text }] }, pending: [] };
  }
  const text = `${capitalise(sections)} ended on ${formatDate(ended)}, but no hospital stay is recorded for this detention. `
    + 'Record the hospital stay and the date they left hospital, so that the start of aftercare can be worked out.';
  return { trigger: null, pending: [{ rule: 'ELIG-3', text }] };
}

function leftAfterSectionEnded(stay: Admission, ended: IsoDate, sections: string): DischargeFinding {
  if (stay.dischargedOn === null) {
    const text = `${capitalise(sections)} ended on ${formatDate(ended)} but they are still in hospital (at ${stay.hospital}). `
      + 'They are entitled to aftercare, and the duty starts on the day they leave hospital.';
    return { trigger: null, pending: [{ rule: 'ELIG-7', text }] };
  }
  const left = stay.dischargedOn;
  const lines: Explanation[] = [{
    rule: 'ELIG-3',
    text: `${capitalise(sections)} ended on ${formatDate(ended)} and they left hospital on ${formatDate(left)}, so aftercare started on ${formatDate(left)}.`,
  }];
  if (left > ended) {
    lines.push({ rule: 'ELIG-7', text: `They stayed in hospital informally after ${sections} ended; the duty started only when they left hospital.` });
  }
  return { trigger: { date: left, rank: 3, lines }, pending: [] };
}

/** ELIG-5, ELIG-6, ELIG-9: a CTO, conditional discharge or return to prison within the episode. */
function communityTriggers(draft: Draft, facts: Facts): Trigger[] {
  const texts: Partial<Record<SectionCode, (d: string) => Explanation>> = {
    'custody': (d) => ({ rule: 'ELIG-9', text: `They were returned to prison on ${d}. They have left hospital, so the entitlement is kept and aftercare is treated as started on ${d}.` }),
    '17A': (d) => ({ rule: 'ELIG-5', text: `They left hospital on a community treatment order on ${d}, which counts as ceasing to be detained, so aftercare started on ${d}.` }),
    'CD': (d) => ({ rule: 'ELIG-6', text: `They were conditionally discharged on ${d}, which counts as leaving hospital, so aftercare started on ${d}.` }),
  };
  const rank: Partial<Record<SectionCode, number>> = { 'custody': 0, '17A': 1, 'CD': 2 };
  return facts.legalStatuses.flatMap((s) => {
    const explain = texts[s.section];
    if (!explain || !inWindow(s.startDate, draft)) return [];
    return [{ date: s.startDate, rank: rank[s.section] ?? 9, lines: [explain(formatDate(s.startDate))] }];
  });
}

/** ELIG-4: leave starts the duty only when a person has recorded that it does (no default of yes). */
function leaveTriggers(draft: Draft, facts: Facts): Trigger[] {
  return facts.leaves.filter((l) => l.triggersAftercare && inWindow(l.from, draft)).map((l) => ({
    date: l.from,
    rank: 4,
    lines: [{
      rule: 'ELIG-4',
      text: `Section 17 leave (${LEAVE_KIND[l.kind]}) from ${formatDate(l.from)} was recorded as meaning they had left hospital: ${quoted(l.reason)}. `
        + `So aftercare started on ${formatDate(l.from)}.`,
    }],
  }));
}

function earliestTrigger(triggers: Trigger[]): Trigger | null {
  return sortBy(triggers, (t) => [t.date, t.rank])[0] ?? null;
}

/** ELIG-4: leave recorded as not starting the duty, before it started (CXF). */
function leaveNotTriggering(draft: Draft, trigger: Trigger | null, facts: Facts): Explanation[] {
  return facts.leaves
    .filter((l) => !l.triggersAftercare && inWindow(l.from, draft) && (trigger === null || l.from < trigger.date))
    .map((l) => ({
      rule: 'ELIG-4',
      text: `Section 17 leave (${LEAVE_KIND[l.kind]}) from ${formatDate(l.from)}${l.to ? ` to ${formatDate(l.to)}` : ''} was recorded as not starting aftercare: ${quoted(l.reason)}. `
        + 'Leave starts aftercare only when, on the facts, they have stopped being detained and left hospital (R (CXF) v Central Bedfordshire).',
    }));
}

function leaveReasonsMissing(draft: Draft, facts: Facts): Explanation[] {
  return facts.leaves.filter((l) => inWindow(l.from, draft) && l.reason.trim() === '').map((l) => ({
    rule: 'ELIG-4',
    text: `No reason is recorded for the decision on whether section 17 leave from ${formatDate(l.from)} started aftercare. Record why.`,
  }));
}

// ---------------------------------------------------------------------------------------------
// Step 5: status on `today`.

interface Outcome { status: EpisodeStatus; endedOn: IsoDate | null; endReason: EndReason | null; lines: Explanation[] }

function custodyInForce(draft: Draft, facts: Facts): LegalStatus | undefined {
  return facts.legalStatuses.find((s) => s.section === 'custody' && inWindow(s.startDate, draft) && inForceOn(s, facts.today));
}

/**
 * END-1 and END-6: the joint ending in force, if any, and the history of endings that were reversed.
 * Endings and reinstatements are taken in date order (an ending before a reinstatement on the same
 * day); a reinstatement reverses the ending before it. Without reinstatements: the first ending.
 */
function jointEndingInForce(episodeId: string | undefined, facts: Facts): { joint: JointEnding | undefined; history: Explanation[] } {
  const endings = facts.jointEndings.filter((j) => j.episodeId === episodeId);
  const reinstatements = facts.reinstatements.filter((r) => r.episodeId === episodeId);
  if (reinstatements.length === 0) return { joint: endings[0], history: [] };
  const events = sortBy([...endings.map((e) => ({ date: e.endedOn, kind: 0, e })), ...reinstatements.map((r) => ({ date: r.reinstatedOn, kind: 1, e: null }))], (x) => [x.date, x.kind]);
  let joint: JointEnding | undefined;
  const history: Explanation[] = [];
  for (const event of events) {
    if (event.e) joint ??= event.e;
    else if (joint) {
      history.push({
        rule: 'END-6',
        text: `The local authority and the ICB jointly ended aftercare on ${formatDate(joint.endedOn)}, then both agreed to reinstate it on ${formatDate(event.date)}, `
          + 'so aftercare is in place again from that day. Whether an ended duty can revive without a new detention is unsettled in law; the decision and its reasons are recorded.',
      });
      joint = undefined;
    }
  }
  return { joint, history };
}

function decideOutcome(draft: Draft, trigger: Trigger | null, pending: Explanation[], facts: Facts): Outcome {
  const outcome = decideOutcomeOnce(draft, trigger, pending, facts);
  const { history } = jointEndingInForce(draft.chain[0]?.id, facts);
  return history.length === 0 ? outcome : { ...outcome, lines: [...history, ...outcome.lines] };
}

function decideOutcomeOnce(draft: Draft, trigger: Trigger | null, pending: Explanation[], facts: Facts): Outcome {
  const death = facts.dateOfDeath;
  const { joint } = jointEndingInForce(draft.chain[0]?.id, facts);
  const next = draft.until;
  if (death !== null && !(next !== null && next <= death) && !(joint && joint.endedOn < death)) {
    return { status: 'deceased', endedOn: death, endReason: 'death', lines: [{ rule: 'END-7', text: `They died on ${formatDate(death)}, so aftercare ended on that day.` }] };
  }
  if (next !== null && !(joint && joint.endedOn < next)) return superseded(next, facts);
  if (joint) {
    return { status: 'ended', endedOn: joint.endedOn, endReason: 'joint-decision', lines: [{ rule: 'END-1', text: `The local authority and the ICB jointly decided that aftercare was no longer needed; it ended on ${formatDate(joint.endedOn)}.` }] };
  }
  if (trigger) return ongoing(draft, trigger, facts);
  if (chainEnd(draft.chain) !== null) return { status: 'entitled-pending-discharge', endedOn: null, endReason: null, lines: pending };
  return planning(draft);
}

/** END-5, ELIG-8b: a new qualifying detention ends the duty automatically. */
function superseded(next: IsoDate, facts: Facts): Outcome {
  const opening = facts.legalStatuses.find((s) => s.startDate === next && isQualifyingSection(s.section));
  const section = opening ? sectionShortName(opening.section) : 'a qualifying section';
  return {
    status: 'superseded', endedOn: next, endReason: 'new-qualifying-detention',
    lines: [{ rule: 'END-5', text: `A new detention under ${section} began on ${formatDate(next)}. That ended this aftercare automatically, without a joint decision, and a new episode began (ELIG-8b).` }],
  };
}

function ongoing(draft: Draft, trigger: Trigger, facts: Facts): Outcome {
  const custody = custodyInForce(draft, facts);
  const lines: Explanation[] = [{
    rule: 'ELIG-12',
    text: `Aftercare has continued since ${formatDate(trigger.date)}. It does not lapse with time: it lasts until the local authority and the ICB both decide it is no longer needed, or a new qualifying detention begins.`,
  }];
  if (custody && custody.startDate !== trigger.date) { // a remittal that started the duty is explained already
    lines.unshift({ rule: 'ELIG-9', text: `They have been in prison since ${formatDate(custody.startDate)}. The entitlement is kept while they are there, and aftercare should be planned for their release.` });
  }
  return { status: custody ? 'in-custody' : 'active', endedOn: null, endReason: null, lines };
}

/** PLAN-1: still detained under the qualifying section; planning for aftercare starts now. */
function planning(draft: Draft): Outcome {
  const latest = draft.chain[draft.chain.length - 1] ?? draft.chain[0];
  const section = latest ? sectionShortName(latest.section) : 'a qualifying section';
  const since = latest ? formatDate(latest.startDate) : formatDate(draft.from);
  return {
    status: 'planning', endedOn: null, endReason: null,
    lines: [{ rule: 'PLAN-1', text: `Still detained under ${section} (since ${since}). Aftercare planning should be under way now, so that services are ready when they leave hospital.` }],
  };
}

// ---------------------------------------------------------------------------------------------
// What happened after the duty started, explained (ELIG-8a, END-7, ELIG-9).

function afterTrigger(draft: Draft, trigger: Trigger, outcome: Outcome, facts: Facts): Explanation[] {
  const stop = outcome.endedOn ?? draft.until;
  const within = (d: IsoDate): boolean => d > trigger.date && (stop === null || d < stop);
  return [...readmissions(within, facts), ...communityEnded(draft, trigger, stop, facts), ...custodyPeriods(draft, facts)];
}

/** ELIG-8a: informal or s2 (or other non-qualifying) readmissions do not end the duty. */
function readmissions(within: (d: IsoDate) => boolean, facts: Facts): Explanation[] {
  const stays = facts.admissions.filter((a) => within(a.admittedOn));
  const underStay = (s: LegalStatus, a: Admission): boolean => s.startDate >= a.admittedOn && (a.dischargedOn === null || s.startDate <= a.dischargedOn);
  const nonQualifying = facts.legalStatuses.filter((s) => within(s.startDate) && (s.section === 'informal' || (isHospitalDetention(s.section) && !isQualifyingSection(s.section))));
  const stayLines = stays.map((a) => {
    const powers = nonQualifying.filter((s) => underStay(s, a) && s.section !== 'informal').map((s) => sectionShortName(s.section));
    const how = powers.length > 0 ? `under ${listInWords(powers)}` : 'informally';
    return { rule: 'ELIG-8a', text: `They were readmitted to ${a.hospital} on ${formatDate(a.admittedOn)} ${how}. That does not end aftercare.` };
  });
  const otherLines = nonQualifying.filter((s) => !stays.some((a) => underStay(s, a))).map((s) => ({
    rule: 'ELIG-8a',
    text: `They were ${s.section === 'informal' ? 'an informal patient' : `detained under ${sectionShortName(s.section)}`} from ${formatDate(s.startDate)}. That does not end aftercare.`,
  }));
  return [...stayLines, ...otherLines];
}

/** END-7 (ELIG-12): the end of a CTO or conditional discharge does not end aftercare. */
function communityEnded(draft: Draft, trigger: Trigger, stop: IsoDate | null, facts: Facts): Explanation[] {
  const endedWhileDutyRan = (end: IsoDate | null): boolean => end !== null && end >= trigger.date && (stop === null || end < stop);
  return facts.legalStatuses
    .filter((s) => isCommunityStatus(s.section) && inWindow(s.startDate, draft) && endedWhileDutyRan(s.endDate))
    .map((s) => ({ rule: 'END-7', text: `The ${sectionLabel(s.section)} ended on ${formatDate(s.endDate as IsoDate)}. That does not end aftercare.` }));
}

/** ELIG-9: a release from prison is explained; the custody itself is a decision while it lasts. */
function custodyPeriods(draft: Draft, facts: Facts): Explanation[] {
  return facts.legalStatuses
    .filter((s) => s.section === 'custody' && inWindow(s.startDate, draft) && s.endDate !== null && s.endDate < facts.today)
    .map((s) => ({ rule: 'ELIG-9', text: `They were in prison from ${formatDate(s.startDate)} to ${formatDate(s.endDate as IsoDate)}; the entitlement was kept while they were there.` }));
}

function custodyDecision(custody: LegalStatus): Explanation {
  return {
    rule: 'ELIG-9',
    text: `They have been in prison since ${formatDate(custody.startDate)}. Whether aftercare continues during imprisonment is unsettled after Worcestershire. `
      + 'The entitlement is kept and aftercare should be planned for their release; a person must decide.',
  };
}

// ---------------------------------------------------------------------------------------------
// Step 6 (ELIG-8c) and step 7 (RESP-2 to RESP-5): who is responsible.

interface PreviousEpisode { episode: Episode; draft: Draft }

/** ELIG-8c: the CTO or conditional discharge of the previous episode in force when this detention began. */
function recalledFrom(draft: Draft, previous: PreviousEpisode | null, facts: Facts): LegalStatus | undefined {
  if (!previous) return undefined;
  return facts.legalStatuses.find((s) => isCommunityStatus(s.section) && inWindow(s.startDate, previous.draft) && inForceOn(s, draft.from));
}

function proposedLocalAuthority(detentionFrom: IsoDate, leadIn: boolean, facts: Facts): ResponsibleBody {
  const residence = facts.residences.filter((r) => r.since <= detentionFrom).pop();
  const rules = leadIn ? 'RESP-2, RESP-4' : 'RESP-2';
  if (!residence) {
    return {
      code: null, confirmed: false,
      basis: `Proposed: no ordinary residence is recorded before detention began on ${formatDate(detentionFrom)}. Under section 117(3)(c) the authority where they are resident, `
        + `or to which they are sent on discharge, is responsible; a person must decide which (${rules}). To be confirmed.`,
    };
  }
  return {
    code: residence.localAuthority, confirmed: false,
    basis: `Proposed: ordinarily resident in ${residence.localAuthority} (since ${formatDate(residence.since)}) when detention began on ${formatDate(detentionFrom)} (${rules}). To be confirmed.`,
  };
}

function recallLocalAuthority(previous: Episode, recall: LegalStatus): ResponsibleBody {
  const body = previous.localAuthority;
  return {
    code: body.code, confirmed: false,
    basis: `Proposed: ${body.code ?? 'the authority (not yet known)'}, responsible for the episode that began on ${formatDate(previous.qualifyingFrom)}, because this detention began `
      + `while their ${sectionLabel(recall.section)} from ${formatDate(recall.startDate)} was in force (a recall). Whether ordinary residence is worked out again on recall is unsettled (ELIG-8c). To be confirmed.`,
  };
}

function proposedIcb(detentionFrom: IsoDate, facts: Facts): ResponsibleBody {
  const gp = facts.gpRegistrations.filter((g) => g.since <= detentionFrom).pop();
  if (!gp) {
    return {
      code: null, confirmed: false,
      basis: `Proposed: no GP registration is recorded before detention began on ${formatDate(detentionFrom)}. Under Who Pays? the ICB for where they usually live is responsible; `
        + 'a person must decide which (RESP-5). To be confirmed.',
    };
  }
  const practice = gp.practiceCode ? `GP practice ${gp.practiceCode}` : 'GP practice';
  return {
    code: gp.icb, confirmed: false,
    basis: `Proposed: ${gp.icb}, the ICB of their ${practice} (registered since ${formatDate(gp.since)}) when detention began on ${formatDate(detentionFrom)} (RESP-5). To be confirmed.`,
  };
}

/** RESP-5: the originating ICB keeps responsibility through later detentions, even after a GP change. */
function originatingIcb(previous: Episode, detentionFrom: IsoDate, facts: Facts): ResponsibleBody {
  const body = previous.icb;
  const gpNow = facts.gpRegistrations.filter((g) => g.since <= detentionFrom).pop();
  const gpChanged = gpNow !== undefined && body.code !== null && gpNow.icb !== body.code
    ? ` even though they are now registered with a GP in ${gpNow.icb}` : '';
  return {
    code: body.code, confirmed: false,
    basis: `Proposed: ${body.code ?? 'the ICB (not yet known)'}, responsible for the episode that began on ${formatDate(previous.qualifyingFrom)}, stays responsible `
      + `through this new detention as the originating ICB${gpChanged} (RESP-5). To be confirmed.`,
  };
}

/** Moves and GP changes recorded after detention began do not change the proposal (RESP-2, RESP-3, RESP-5). */
function laterChanges(draft: Draft, detentionFrom: IsoDate, facts: Facts): Explanation[] {
  const after = (d: IsoDate): boolean => d > detentionFrom && (draft.until === null || d < draft.until);
  const moves = facts.residences.filter((r) => after(r.since)).map((r) => ({
    rule: 'RESP-2',
    text: `They moved to ${r.localAuthority} on ${formatDate(r.since)}, after detention began on ${formatDate(detentionFrom)}. A later move does not change the responsible local authority.`,
  }));
  const gps = facts.gpRegistrations.filter((g) => after(g.since)).map((g) => ({
    rule: 'RESP-5',
    text: `They registered with a GP in ${g.icb} on ${formatDate(g.since)}, after detention began. The ICB that was responsible when detention began stays responsible.`,
  }));
  return [...moves, ...gps];
}

interface Responsibility { localAuthority: ResponsibleBody; icb: ResponsibleBody; lines: Explanation[]; decisions: Explanation[] }

function proposeResponsibility(draft: Draft, detentionFrom: IsoDate, leadIn: boolean, previous: PreviousEpisode | null, facts: Facts): Responsibility {
  const recall = recalledFrom(draft, previous, facts);
  const lines: Explanation[] = [];
  const decisions: Explanation[] = [];
  let localAuthority = proposedLocalAuthority(detentionFrom, leadIn, facts);
  // MHA25-3 (behind its setting): placed by a council in specified accommodation elsewhere, that council stays responsible.
  const deemed = recall ? null : deemedResidenceCouncil(facts.placements, detentionFrom, facts.dateOfBirth, facts.deemedResidence);
  if (deemed) localAuthority = { code: deemed.code, basis: deemed.basis, confirmed: false };
  if (previous && recall) {
    localAuthority = recallLocalAuthority(previous.episode, recall);
    decisions.push({
      rule: 'ELIG-8c',
      text: `This detention began on ${formatDate(draft.from)} while their ${sectionLabel(recall.section)} was in force (a recall). Whether the old duty ended, and whether ordinary residence is worked out again, is unsettled: confirm.`,
    });
  } else if (previous) {
    lines.push({ rule: 'RESP-3', text: 'This is a new qualifying detention, so the responsible local authority is worked out again from where they were ordinarily resident when it began.' });
  }
  const keepsIcb = previous !== null && previous.episode.status === 'superseded';
  const icb = keepsIcb ? originatingIcb(previous.episode, detentionFrom, facts) : proposedIcb(detentionFrom, facts);
  if (localAuthority.code === null) decisions.push({ rule: 'RESP-2', text: 'No ordinary residence is recorded before detention began: decide the responsible local authority under section 117(3).' });
  if (icb.code === null) decisions.push({ rule: 'RESP-5', text: 'No GP registration is recorded before detention began: decide the responsible ICB from where they usually live (Who Pays?).' });
  lines.push({ rule: recall ? 'ELIG-8c' : deemed ? 'MHA25-3' : 'RESP-2', text: localAuthority.basis }, { rule: 'RESP-5', text: icb.basis }, ...laterChanges(draft, detentionFrom, facts));
  return { localAuthority, icb, lines, decisions };
}

/**
 * RESP-2 to RESP-6: each part (the local authority, the ICB) is settled by the latest decision that
 * confirms that part; a decision by one body confirms its own part only, and the other stays proposed
 * until its own body confirms it. A confirmed part settles its own questions.
 */
function applyConfirmation(episodeId: string, proposed: Responsibility, facts: Facts): Responsibility {
  const decisions = facts.responsibilityDecisions.filter((d) => d.episodeId === episodeId);
  const la = decisions.filter((d) => d.parts?.localAuthority ?? true).pop();
  const icb = decisions.filter((d) => d.parts?.icb ?? true).pop();
  if (!la && !icb) return proposed;
  const on = (d: Decision) => formatDate(d.decidedAt.slice(0, 10));
  // Who and when, where the record says who (the register's own decisions always do).
  const by = (d: Decision) => (d.decidedBy ? { confirmedBy: d.decidedBy, confirmedAt: d.decidedAt } : {});
  const confirmedLines: Explanation[] = [
    ...(la ? [{ rule: 'RESP-2', text: `Confirmed on ${on(la)}: ${la.localAuthority.code} is the responsible local authority. ${la.localAuthority.basis}` }] : []),
    ...(icb ? [{ rule: 'RESP-5', text: `Confirmed on ${on(icb)}: ${icb.icb.code} is the responsible ICB. ${icb.icb.basis}` }] : []),
  ];
  // The part still proposed keeps its proposed working (its basis line).
  const proposedLines = proposed.lines.filter((l) => (!la && l.text === proposed.localAuthority.basis) || (!icb && l.text === proposed.icb.basis));
  const settled = (rule: string) => (rule === 'RESP-5' ? Boolean(icb) : rule.startsWith('RESP-') || rule === 'ELIG-8c' ? Boolean(la) : false);
  return {
    localAuthority: la ? { code: la.localAuthority.code, basis: la.localAuthority.basis, confirmed: true, ...by(la) } : proposed.localAuthority,
    icb: icb ? { code: icb.icb.code, basis: icb.icb.basis, confirmed: true, ...by(icb) } : proposed.icb,
    lines: la && icb ? confirmedLines : [...confirmedLines, ...proposedLines],
    decisions: proposed.decisions.filter((d) => !settled(d.rule)),
  };
}

// ---------------------------------------------------------------------------------------------
// Explanation of how the episode began (ELIG-1, ELIG-10, RESP-4).

function openingLines(draft: Draft, leadIn: LegalStatus[], facts: Facts): Explanation[] {
  const [opening, ...later] = draft.chain;
  if (!opening) return [];
  const interim = leadIn.filter((s) => s.section === '38').pop();
  const afterInterim = interim ? `, after an interim hospital order (section 38) from ${formatDate(interim.startDate)}; the right comes from the hospital order, not the interim order` : '';
  const lines: Explanation[] = [{
    rule: 'ELIG-1',
    text: `Detained under ${sectionLabel(opening.section)} from ${formatDate(opening.startDate)}, which gives a right to section 117 aftercare${afterInterim}.`,
  }];
  for (const s of later) {
    lines.push({ rule: 'ELIG-1', text: `${capitalise(sectionLabel(s.section))} from ${formatDate(s.startDate)} followed on without a break, so it is part of the same episode.` });
  }
  if (draft.chain.some((s) => s.section.includes('/'))) {
    lines.push({ rule: 'ELIG-1', text: 'Restrictions (section 41 or 49) make no difference to the right to aftercare.' });
  }
  const first = leadIn[0];
  if (first) {
    lines.push({
      rule: 'RESP-4',
      text: `Detention began under ${sectionShortName(first.section)} on ${formatDate(first.startDate)} and continued without a break into ${sectionShortName(opening.section)}, `
        + `so responsibility is worked out as at ${formatDate(first.startDate)}.`,
    });
  }
  return [...lines, ...childLine(opening, facts)];
}

/** ELIG-10: no age limit. */
function childLine(opening: LegalStatus, facts: Facts): Explanation[] {
  const born = facts.dateOfBirth;
  if (!born || born > opening.startDate) return [];
  const age = ageOn(born, opening.startDate);
  if (age >= 18) return [];
  return [{ rule: 'ELIG-10', text: `They were ${age} when detained. There is no age limit: children and young people have the same right to aftercare.` }];
}

function ageOn(born: IsoDate, on: IsoDate): number {
  const years = Number(on.slice(0, 4)) - Number(born.slice(0, 4));
  return on.slice(5) < born.slice(5) ? years - 1 : years;
}

// ---------------------------------------------------------------------------------------------
// Putting one episode together.

function buildEpisode(draft: Draft, previous: PreviousEpisode | null, facts: Facts): Episode {
  const opening = draft.chain[0] as LegalStatus; // a draft always has its opening status
  const leadIn = detentionLeadIn(opening, facts);
  const detentionFrom = leadIn[0]?.startDate ?? opening.startDate;
  const discharge = dischargeTrigger(draft, detentionFrom, facts);
  const trigger = earliestTrigger([...(discharge.trigger ? [discharge.trigger] : []), ...communityTriggers(draft, facts), ...leaveTriggers(draft, facts)]);
  const outcome = decideOutcome(draft, trigger, discharge.pending, facts);
  const alive = outcome.status !== 'deceased';
  const custody = outcome.status === 'in-custody' ? custodyInForce(draft, facts) : undefined;
  const responsibility = applyConfirmation(opening.id, proposeResponsibility(draft, detentionFrom, leadIn.length > 0, previous, facts), facts);
  const beforeDetention = inHospitalBefore(detentionFrom, facts);
  const decisionsNeeded = [
    ...(beforeDetention && !responsibility.localAuthority.confirmed ? [beforeDetention] : []),
    ...responsibility.decisions,
    ...leaveReasonsMissing(draft, facts),
    ...(custody ? [custodyDecision(custody)] : []),
  ];
  const explanation = [
    ...openingLines(draft, leadIn, facts),
    ...leaveNotTriggering(draft, trigger, facts),
    ...(trigger ? trigger.lines : []),
    ...(trigger ? afterTrigger(draft, trigger, outcome, facts) : []),
    ...outcome.lines,
    ...responsibility.lines,
  ];
  const communityInForce = (section: SectionCode): boolean =>
    alive && facts.legalStatuses.some((s) => s.section === section && inWindow(s.startDate, draft) && inForceOn(s, facts.today));
  return {
    id: opening.id,
    status: outcome.status,
    qualifyingSection: opening.section,
    qualifyingFrom: opening.startDate,
    detentionFrom,
    sectionEndedOn: chainEnd(draft.chain),
    leftHospitalOn: trigger?.date ?? null,
    endedOn: outcome.endedOn,
    endReason: outcome.endReason,
    localAuthority: responsibility.localAuthority,
    icb: responsibility.icb,
    communityTreatmentOrder: communityInForce('17A'),
    conditionallyDischarged: communityInForce('CD'),
    decisionsNeeded,
    explanation,
  };
}

// ---------------------------------------------------------------------------------------------
// Step 8: the person.

function notEntitledExplanation(facts: Facts): Explanation {
  const recorded = SECTION_CODES.filter((code) => facts.legalStatuses.some((s) => s.section === code));
  if (recorded.length === 0) return { rule: 'ELIG-1', text: `No detention under ${QUALIFYING_LIST} is recorded (ELIG-1).` };
  const names = capitalise(listInWords(recorded.map(sectionShortName)));
  const verb = recorded.length === 1 ? 'does not give' : 'do not give';
  return { rule: 'ELIG-2', text: `${names} ${verb} a right to section 117 aftercare (ELIG-2).` };
}

/** Works out every aftercare episode of a person and their status on `today`. */
export function computeAftercare(input: PersonFacts, today: IsoDate): AftercareResult {
  const facts = canonicalFacts(input, today);
  const episodes: Episode[] = [];
  let previous: PreviousEpisode | null = null;
  for (const draft of draftEpisodes(facts)) {
    const episode = buildEpisode(draft, previous, facts);
    episodes.push(episode);
    previous = { episode, draft };
  }
  const latest = episodes[episodes.length - 1];
  if (!latest) return { status: 'not-entitled', episodes, explanation: [notEntitledExplanation(facts)] };
  return { status: latest.status, episodes, explanation: latest.explanation };
}
