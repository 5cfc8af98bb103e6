// Builders for the facts of a person, and a fast-check generator of realistic, date-ordered
// legal histories for the property tests of the entitlement engine and the validators.
import fc from 'fast-check';
import type { PersonFacts } from '../../../src/domain/aftercare.ts';
import type { IsoDate } from '../../../src/domain/dates.ts';
import { addDays, maxDate } from '../../../src/domain/dates.ts';
import type { SectionCode } from '../../../src/domain/sections.ts';

export type Admission = PersonFacts['admissions'][number];
export type LegalStatus = PersonFacts['legalStatuses'][number];
export type Leave = PersonFacts['leaves'][number];

export const HOME_LA = 'E09000007'; // Camden
export const OTHER_LA = 'E08000025'; // Birmingham
export const HOME_ICB = 'QMJ'; // North Central London
export const OTHER_ICB = 'QHL'; // Birmingham and Solihull

export function person(overrides: Partial<PersonFacts> = {}): PersonFacts {
  return {
    dateOfDeath: null,
    residences: [{ localAuthority: HOME_LA, since: '2015-06-01' }],
    gpRegistrations: [{ practiceCode: 'F83004', icb: HOME_ICB, since: '2015-06-01' }],
    admissions: [],
    legalStatuses: [],
    leaves: [],
    responsibilityDecisions: [],
    jointEndings: [],
    ...overrides,
  };
}

export function stay(id: string, admittedOn: IsoDate, dischargedOn: IsoDate | null = null, hospital = 'Highgate Mental Health Centre'): Admission {
  return { id, hospital, admittedOn, dischargedOn };
}

export function status(id: string, section: SectionCode, startDate: IsoDate, endDate: IsoDate | null = null, admissionId: string | null = null): LegalStatus {
  return { id, section, startDate, endDate, admissionId };
}

export function leave(id: string, from: IsoDate, to: IsoDate | null, kind: Leave['kind'], triggersAftercare: boolean, reason = 'Recorded by the responsible clinician'): Leave {
  return { id, from, to, kind, triggersAftercare, reason };
}

/** A person detained under `section` from `from` to `to` in one hospital stay, discharged on `left`. */
export function detainedAndDischarged(section: SectionCode, from: IsoDate, to: IsoDate | null, left: IsoDate | null, overrides: Partial<PersonFacts> = {}): PersonFacts {
  return person({
    admissions: [stay('stay-1', from, left)],
    legalStatuses: [status('q-1', section, from, to, 'stay-1')],
    ...overrides,
  });
}

// ---------------------------------------------------------------------------------------------
// Generator of realistic histories

const QUALIFYING: SectionCode[] = ['3', '37', '37/41', '45A', '47', '47/49', '48', '48/49'];
const NON_QUALIFYING_MAIN: SectionCode[] = ['2', '4', '5(2)', '5(4)', '35', '36', '38', '135', '136'];
const LEAD_IN: SectionCode[] = ['136', '135', '5(2)', '5(4)', '4', '2', '35', '36', '38'];
const RESTRICTED: ReadonlySet<SectionCode> = new Set<SectionCode>(['37/41', '45A', '47/49', '48/49']);
const FROM_PRISON: ReadonlySet<SectionCode> = new Set<SectionCode>(['45A', '47', '47/49', '48', '48/49']);
const CONTINUES_AS: Partial<Record<SectionCode, SectionCode>> = { '47': '47/49', '48': '48/49', '3': '37', '37': '37/41' };
const LAS = [HOME_LA, OTHER_LA, 'E06000047', 'W06000015'];
const ICBS = [HOME_ICB, OTHER_ICB, 'QWE', 'QSL'];

type Ending = 'discharge' | 'stay-on' | 'still-in-hospital' | 'cto' | 'cd' | 'custody' | 'still-detained' | 'left-on-leave';

interface StayPlan {
  gap: number;
  informalDays: number;
  leadIn: { section: SectionCode; days: number }[];
  main: SectionCode | null;
  continuation: boolean;
  mainDays: number;
  ending: Ending;
  extraDays: number;
  openCommunity: boolean;
  leave: { offset: number; days: number; kind: Leave['kind']; triggers: boolean } | null;
}

export interface HistoryOptions { qualifying: boolean; nonQualifying: boolean; allowOpen: boolean; decisions: boolean }

function stayPlan(options: HistoryOptions): fc.Arbitrary<StayPlan> {
  const mains: SectionCode[] = [...(options.qualifying ? QUALIFYING : []), ...(options.nonQualifying ? NON_QUALIFYING_MAIN : [])];
  const endings: Ending[] = ['discharge', 'stay-on', 'cto', 'cd', 'custody', 'left-on-leave', ...(options.allowOpen ? ['still-in-hospital', 'still-detained'] as Ending[] : [])];
  return fc.record({
    gap: fc.integer({ min: 1, max: 900 }),
    informalDays: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 30 })),
    leadIn: fc.array(fc.record({ section: fc.constantFrom(...LEAD_IN), days: fc.integer({ min: 0, max: 28 }) }), { maxLength: 3 }),
    main: mains.length > 0 ? fc.option(fc.constantFrom(...mains), { freq: 6 }) : fc.constant(null),
    continuation: fc.boolean(),
    mainDays: fc.integer({ min: 2, max: 400 }),
    ending: fc.constantFrom(...endings),
    extraDays: fc.integer({ min: 0, max: 600 }),
    openCommunity: fc.boolean(),
    leave: fc.option(fc.record({
      offset: fc.nat({ max: 400 }), days: fc.integer({ min: 0, max: 60 }),
      kind: fc.constantFrom<Leave['kind']>('escorted', 'unescorted', 'trial-placement'), triggers: fc.boolean(),
    })),
  });
}

/** Builds facts from plans; `id` hides the date order in ids so that sorting by id alone cannot pass. */
class HistoryBuilder {
  facts: PersonFacts = person({ residences: [], gpRegistrations: [] });
  last: IsoDate;
  readonly base: IsoDate;
  private readonly salt: number;
  private counter = 0;
  constructor(base: IsoDate, salt: number) {
    this.base = base;
    this.salt = salt;
    this.last = base;
  }

  id(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${((this.counter * 7919 + this.salt) % 100_003).toString(36)}`;
  }

  seen(...dates: (IsoDate | null)[]): void {
    for (const d of dates) if (d !== null) this.last = maxDate(this.last, d);
  }

  addStatus(section: SectionCode, start: IsoDate, end: IsoDate | null, admissionId: string | null): LegalStatus {
    const s = status(this.id('ls'), section, start, end, admissionId);
    this.facts.legalStatuses.push(s);
    this.seen(start, end);
    return s;
  }
}

function addStay(b: HistoryBuilder, plan: StayPlan, cursor: IsoDate, isLast: boolean): IsoDate {
  const admittedOn = addDays(cursor, plan.gap);
  const admission = stay(b.id('adm'), admittedOn, null);
  b.facts.admissions.push(admission);
  let t = admittedOn;
  if (plan.informalDays > 0) {
    b.addStatus('informal', t, addDays(t, plan.informalDays), admission.id);
    t = addDays(t, plan.informalDays);
  }
  for (const part of plan.leadIn) {
    b.addStatus(part.section, t, addDays(t, part.days), admission.id);
    t = addDays(t, part.days);
  }
  const ending: Ending = !isLast && (plan.ending === 'still-in-hospital' || plan.ending === 'still-detained') ? 'discharge' : plan.ending;
  const end = addDays(t, plan.mainDays);
  if (plan.main === null) return closeInformalStay(b, admission, t, end, ending === 'still-in-hospital');
  const lastStart = addMainStatuses(b, plan, admission.id, t, ending === 'still-detained' ? null : end);
  addLeave(b, plan, t, end);
  return finishStay(b, plan, ending, admission, { end, lastStart }, isLast);
}

function closeInformalStay(b: HistoryBuilder, admission: Admission, from: IsoDate, end: IsoDate, open: boolean): IsoDate {
  b.addStatus('informal', from, open ? null : end, admission.id);
  admission.dischargedOn = open ? null : end;
  b.seen(end);
  return end;
}

/** Adds the qualifying (or other) section, sometimes followed on by another; returns when the last began. */
function addMainStatuses(b: HistoryBuilder, plan: StayPlan, admissionId: string, start: IsoDate, end: IsoDate | null): IsoDate {
  const main = plan.main as SectionCode;
  const next = CONTINUES_AS[main];
  if (plan.continuation && next && plan.mainDays > 2) {
    const changeover = addDays(start, Math.floor(plan.mainDays / 2));
    b.addStatus(main, start, changeover, admissionId);
    b.addStatus(next, changeover, end, admissionId);
    return changeover;
  }
  b.addStatus(main, start, end, admissionId);
  return start;
}

function addLeave(b: HistoryBuilder, plan: StayPlan, start: IsoDate, end: IsoDate): void {
  if (!plan.leave) return;
  const from = addDays(start, plan.leave.offset % plan.mainDays);
  const to = addDays(from, Math.min(plan.leave.days, plan.mainDays - (plan.leave.offset % plan.mainDays)));
  b.facts.leaves.push(leave(b.id('leave'), from, to > end ? end : to, plan.leave.kind, plan.leave.triggers, plan.leave.triggers ? 'Living in the care home on trial' : 'Escorted visit to family'));
  b.seen(from, to);
}

/** Records how the stay ended and returns the day the next stay may follow from. */
function finishStay(b: HistoryBuilder, plan: StayPlan, ending: Ending, admission: Admission, main: { end: IsoDate; lastStart: IsoDate }, isLast: boolean): IsoDate {
  const end = main.end;
  const section = plan.main as SectionCode;
  const extra = addDays(end, plan.extraDays);
  switch (ending) {
    case 'still-detained':
    case 'still-in-hospital':
      if (ending === 'still-in-hospital') b.addStatus('informal', end, null, admission.id);
      return end;
    case 'stay-on':
      b.addStatus('informal', end, extra, admission.id);
      admission.dischargedOn = extra;
      b.seen(extra);
      return extra;
    case 'left-on-leave': {
      admission.dischargedOn = maxDate(addDays(end, -plan.extraDays), main.lastStart); // left while the section ran
      return end;
    }
    case 'cto':
    case 'cd': {
      const community: SectionCode = RESTRICTED.has(section) || ending === 'cd' ? 'CD' : '17A';
      admission.dischargedOn = end;
      b.addStatus(community, end, plan.openCommunity ? null : extra, null);
      return end; // the next stay may begin during the CTO or CD: a recall (ELIG-8c)
    }
    case 'custody':
      admission.dischargedOn = end;
      if (!FROM_PRISON.has(section)) return end;
      b.addStatus('custody', end, plan.openCommunity && isLast ? null : extra, null); // still in prison only at the end
      return extra;
    case 'discharge':
      admission.dischargedOn = addDays(end, plan.extraDays % 21);
      b.seen(admission.dischargedOn);
      return admission.dischargedOn;
  }
}

function addChanges(b: HistoryBuilder, residences: { offset: number; pick: number }[], gps: { offset: number; pick: number }[]): void {
  for (const r of residences) b.facts.residences.push({ localAuthority: LAS[r.pick % LAS.length] as string, since: addDays(b.base, r.offset) });
  for (const g of gps) b.facts.gpRegistrations.push({ practiceCode: g.pick % 3 === 0 ? null : `F8300${g.pick % 10}`, icb: ICBS[g.pick % ICBS.length] as string, since: addDays(b.base, g.offset) });
}

function addDecisions(b: HistoryBuilder, picks: { episode: number; la: number; icb: number; when: number }[], endings: { episode: number; offset: number }[]): void {
  const ids = b.facts.legalStatuses.map((s) => s.id);
  if (ids.length === 0) return;
  for (const p of picks) {
    b.facts.responsibilityDecisions.push({
      episodeId: ids[p.episode % ids.length] as string,
      localAuthority: { code: LAS[p.la % LAS.length] as string, basis: `Agreed at panel ${p.la}` },
      icb: { code: ICBS[p.icb % ICBS.length] as string, basis: `Agreed at panel ${p.icb}` },
      decidedAt: `${addDays(b.base, 3000 + (p.when % 4) * 500)}T10:00:00Z`, // few distinct instants, so ties happen
    });
  }
  for (const e of endings) b.facts.jointEndings.push({ episodeId: ids[e.episode % ids.length] as string, endedOn: addDays(b.last, -(e.offset % 400)) });
}

export interface GeneratedHistory { facts: PersonFacts; today: IsoDate }

export function historyArbitrary(options: HistoryOptions): fc.Arbitrary<GeneratedHistory> {
  const change = fc.record({ offset: fc.nat({ max: 6000 }), pick: fc.nat({ max: 40 }) });
  return fc.record({
    base: fc.integer({ min: 0, max: 12_000 }).map((n) => addDays('1990-01-01', n)),
    salt: fc.nat({ max: 100_000 }),
    stays: fc.array(stayPlan(options), { minLength: 0, maxLength: 4 }),
    residences: fc.array(change, { maxLength: 4 }),
    gps: fc.array(change, { maxLength: 4 }),
    decisions: fc.array(fc.record({ episode: fc.nat(), la: fc.nat(), icb: fc.nat(), when: fc.nat() }), { maxLength: options.decisions ? 4 : 0 }),
    endings: fc.array(fc.record({ episode: fc.nat(), offset: fc.nat() }), { maxLength: options.decisions ? 2 : 0 }),
    knownAtStart: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
    death: fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: fc.nat({ max: 3000 }), weight: 1 }),
    todayOffset: fc.oneof(fc.nat({ max: 30 }), fc.nat({ max: 4000 })),
  }).map((g) => {
    const b = new HistoryBuilder(g.base, g.salt);
    const initial = g.knownAtStart ? [{ offset: 0, pick: g.salt }] : [];
    addChanges(b, [...initial, ...g.residences], [...initial, ...g.gps]);
    let cursor = g.base;
    g.stays.forEach((plan, i) => { cursor = addStay(b, plan, cursor, i === g.stays.length - 1); });
    addDecisions(b, g.decisions, g.endings);
    b.seen(...b.facts.residences.map((r) => r.since), ...b.facts.gpRegistrations.map((r) => r.since));
    if (g.death !== null) b.facts.dateOfDeath = addDays(b.last, g.death);
    const today = addDays(b.facts.dateOfDeath ?? b.last, g.todayOffset);
    return { facts: b.facts, today };
  });
}

/** A deterministic shuffle of every list in the facts. */
export function shuffleFacts(facts: PersonFacts, seed: number): PersonFacts {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const shuffle = <T>(items: T[]): T[] => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  };
  return {
    ...facts,
    residences: shuffle(facts.residences),
    gpRegistrations: shuffle(facts.gpRegistrations),
    admissions: shuffle(facts.admissions),
    legalStatuses: shuffle(facts.legalStatuses),
    leaves: shuffle(facts.leaves),
    responsibilityDecisions: shuffle(facts.responsibilityDecisions),
    jointEndings: shuffle(facts.jointEndings),
  };
}
