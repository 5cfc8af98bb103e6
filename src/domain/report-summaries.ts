// Issue 13, national scale (ADR 0014): the register report read from summaries instead of from
// every person's facts. A refresh works out, once, what each person adds to each period, by the very
// same derivation as the report (reports.ts personFigures, as of each period's end), and keeps the sums
// by:
// - the period (every whole month of the last two years, and the month of the refresh up to its day),
// - the pair of bodies the figures are counted for at that date (RPT-1: local authority and ICB, exact),
// - who may read them: everyone ('*', an admin) or one organisation with sight of the person, and
// - the part: 'base' (everything but money), 'money' (RPT-14/15 for every person: admins, auditors) and
//   'money-own' (RPT-14/15 for people whose episodes at the date include that organisation: the
//   canSeeMoney rule for everyone else who may read money).
// A report is then the sum of the few rows for its periods, reader and filter: what it would have
// counted person by person, because each figure is a sum over people and over pairs of bodies (the
// integration test compares the two on generated data). Pure: the services load and store the rows.
import { isDeepStrictEqual } from 'node:util';
import { canSeeMoney, organisationScope, type Viewer } from './access.ts';
import type { IsoDate } from './dates.ts';
import { aftercareAsOf, countedBodies, emptyFigures, inSectionOrder, monthlyPeriods, personFigures, sortKeyworkers, type BalanceFigure, type KeyworkerCount, type PeriodFigures, type RegisterReport, type ReportFilter, type ReportPerson, type SpendFigure } from './reports.ts';
import type { ReviewSettings } from './reviews.ts';

/** The reader of every person's summaries: an admin (organisationScope null). */
export const EVERYONE = '*';
export type SummaryPart = 'base' | 'money' | 'money-own';

/** How many whole months before the refresh's own month the summaries keep (the query allows 24 month ends). */
export const SUMMARY_MONTHS = 24;

export interface Period { from: IsoDate; asOf: IsoDate }

/** The periods a refresh on `builtOn` keeps: each whole month of the last `months`, then builtOn's month up to builtOn. */
export function summaryPeriods(builtOn: IsoDate, months = SUMMARY_MONTHS): Period[] {
  return monthlyPeriods(builtOn, months + 1);
}

/** The summaries answer a report only when they hold every one of its periods. */
export function summariesCover(kept: readonly Period[], wanted: readonly Period[]): boolean {
  const have = new Set(kept.map((p) => `${p.from}/${p.asOf}`));
  return wanted.every((p) => have.has(`${p.from}/${p.asOf}`));
}

/** Which summaries a reader adds up: their scope, and the parts whose money they may see (access.ts canSeeMoney). */
export function summaryReader(viewer: Viewer): { scope: string; parts: SummaryPart[] } {
  const scope = organisationScope(viewer) ?? EVERYONE;
  if (canSeeMoney(viewer, [])) return { scope, parts: ['base', 'money'] };
  if (canSeeMoney(viewer, [viewer.organisationCode])) return { scope, parts: ['base', 'money-own'] };
  return { scope, parts: ['base'] };
}

const MONEY_COUNTS = ['s117ChargesPaid', 's117ChargesPence', 'refundsOwedPence', 'refundsPaidPence', 'refundsOutstandingPence'] as const;

/** A period's figures without money, and the money alone (RPT-14, RPT-15): the part a reader may not see is left out whole. */
export function splitMoney(f: PeriodFigures): { base: PeriodFigures; money: PeriodFigures | null } {
  const base: PeriodFigures = { ...f, spend: [], balances: [] };
  const money = emptyFigures(f.from, f.asOf);
  for (const k of MONEY_COUNTS) {
    base[k] = 0;
    money[k] = f[k];
  }
  money.spend = f.spend;
  money.balances = f.balances;
  const any = MONEY_COUNTS.some((k) => f[k] !== 0) || f.spend.length > 0 || f.balances.length > 0;
  return { base, money: any ? money : null };
}

/**
 * What one person adds to one period, for each pair of bodies it is counted for at its end (RPT-1:
 * the latest episode's, or where they lived and their GP's ICB; every episode's own for the flows),
 * and the bodies of every episode at that date (whose money the person's is, canSeeMoney).
 */
export function personContributions(person: ReportPerson, period: Period, settings: ReviewSettings): { moneyBodies: (string | null)[]; parts: { localAuthority: string | null; icb: string | null; figures: PeriodFigures }[] } {
  const aftercare = aftercareAsOf(person, period.asOf);
  const pairs = new Map<string, { localAuthority: string | null; icb: string | null }>();
  const add = (localAuthority: string | null, icb: string | null) => pairs.set(JSON.stringify([localAuthority, icb]), { localAuthority, icb });
  const counted = countedBodies(person, aftercare, period.asOf);
  add(counted.localAuthority, counted.icb);
  for (const e of aftercare.episodes) add(e.localAuthority.code, e.icb.code);
  const parts = [...pairs.values()].map((pair) => {
    const figures = emptyFigures(period.from, period.asOf);
    const keyworkers = new Map<string, KeyworkerCount>();
    personFigures(person, period, { ...pair, exact: true }, settings, figures, keyworkers, aftercare);
    figures.reviewsByKeyworker = [...keyworkers.values()];
    return { ...pair, figures };
  });
  return { moneyBodies: aftercare.episodes.flatMap((e) => [e.localAuthority.code, e.icb.code]), parts };
}

/**
 * A keyed row (a keyworker, a spend line, a balance) carries how many contributions it sums (`n`), so
 * that a row the summariser's differences bring back to no contribution disappears, as it is absent
 * from the report worked out from the facts, while a row of £0 that someone still adds stays.
 */
type Counted<T> = T & { n?: number };
type Figures = Partial<PeriodFigures>;

const rowIsZero = (row: Record<string, unknown>) => Object.entries(row).every(([, v]) => typeof v !== 'number' || v === 0);

/**
 * A running sum of period figures (reports.ts addFigures, with maps instead of sorting at each step),
 * and of signed ones (`subtract`): the summariser's difference of a person's new and old contribution.
 * Figures may be given without their zeros (`compactFigures`).
 */
export class FiguresSum {
  private readonly figures: PeriodFigures;
  private readonly keyworkers = new Map<string, Counted<KeyworkerCount>>();
  private readonly spend = new Map<string, Counted<SpendFigure>>();
  private readonly balances = new Map<string, Counted<BalanceFigure>>();

  constructor(from: IsoDate, asOf: IsoDate) {
    this.figures = emptyFigures(from, asOf);
  }

  add(more: Figures, sign: 1 | -1 = 1): void {
    const into = this.figures as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(more)) {
      if (typeof value === 'number') into[key] = (into[key] as number) + sign * value;
      else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const record = into[key] as Record<string, number>;
        for (const [k, n] of Object.entries(value as Record<string, number>)) if (n !== undefined) record[k] = (record[k] ?? 0) + sign * n;
      }
    }
    for (const k of (more.reviewsByKeyworker ?? []) as Counted<KeyworkerCount>[]) {
      const row = this.keyworkers.get(k.userId ?? '') ?? this.keyworkers.set(k.userId ?? '', { userId: k.userId, team: k.team, inDate: 0, overdue: 0, n: 0 }).get(k.userId ?? '')!;
      row.inDate += sign * k.inDate;
      row.overdue += sign * k.overdue;
      row.n! += sign * (k.n ?? 1);
    }
    for (const x of (more.spend ?? []) as Counted<SpendFigure>[]) {
      const key = JSON.stringify([x.body, x.code, x.category]);
      const row = this.spend.get(key) ?? this.spend.set(key, { body: x.body, code: x.code, category: x.category, agreedPence: 0, paidPence: 0, n: 0 }).get(key)!;
      row.agreedPence += sign * x.agreedPence;
      row.paidPence += sign * x.paidPence;
      row.n! += sign * (x.n ?? 1);
    }
    for (const b of (more.balances ?? []) as Counted<BalanceFigure>[]) {
      const key = JSON.stringify([b.localAuthority, b.icb]);
      const row = this.balances.get(key) ?? this.balances.set(key, { localAuthority: b.localAuthority, icb: b.icb, icbOwesLocalAuthorityPence: 0, n: 0 }).get(key)!;
      row.icbOwesLocalAuthorityPence += sign * b.icbOwesLocalAuthorityPence;
      row.n! += sign * (b.n ?? 1);
    }
  }

  subtract(more: Figures): void {
    this.add(more, -1);
  }

  /**
   * The sum, with its lists in the order the report gives them. Keyed rows that no contribution adds
   * any more are left out, and sections counted for nobody; `counted` keeps each row's `n` (the sums
   * stored, which later differences are added to), otherwise it is dropped (the report's answer).
   */
  result({ counted = false } = {}): PeriodFigures {
    const keep = <T extends Counted<object>>(rows: Iterable<T>): T[] =>
      [...rows].filter((r) => r.n !== 0 || !rowIsZero(r)).map((r) => {
        if (counted) return { ...r };
        const { n: _, ...rest } = r;
        return rest as T;
      });
    const sections = Object.fromEntries(Object.entries(this.figures.newEntitlementsBySection).filter(([, n]) => n !== 0));
    return {
      ...this.figures,
      byStatus: { ...this.figures.byStatus },
      endingsByReason: { ...this.figures.endingsByReason },
      overdueBy: { ...this.figures.overdueBy },
      disputesByAgeMonths: { ...this.figures.disputesByAgeMonths },
      newEntitlementsBySection: inSectionOrder(sections),
      reviewsByKeyworker: sortKeyworkers(new Map(keep(this.keyworkers.values()).map((k) => [k.userId ?? '', k]))),
      spend: keep(this.spend.values()).sort((a, b) => a.body.localeCompare(b.body) || (a.code ?? '').localeCompare(b.code ?? '') || a.category.localeCompare(b.category)),
      balances: keep(this.balances.values()).sort((a, b) => (a.localAuthority ?? '').localeCompare(b.localAuthority ?? '') || (a.icb ?? '').localeCompare(b.icb ?? '')),
    };
  }
}

/** The figures without their zeros, dates and empty lists (what a person adds is mostly zeros): FiguresSum reads either. */
export function compactFigures(f: Figures): Figures {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(f)) {
    if (key === 'from' || key === 'asOf') continue;
    if (typeof value === 'number') {
      if (value !== 0) out[key] = value;
    } else if (Array.isArray(value)) {
      if (value.length > 0) out[key] = value;
    } else if (value !== null && typeof value === 'object') {
      const kept = Object.entries(value as Record<string, number>).filter(([, n]) => n !== 0);
      if (kept.length > 0) out[key] = Object.fromEntries(kept);
    }
  }
  return out as Figures;
}

const isEmpty = (f: Figures) => Object.keys(f).length === 0;

/** One stored summary: the sum of what everyone it covers adds to one period, for one reader, part and pair of bodies. */
export interface SummaryRow { periodFrom: IsoDate; asOf: IsoDate; scope: string; part: SummaryPart; localAuthority: string | null; icb: string | null; figures: Figures }

/**
 * What one person adds to the snapshot's periods (kept per person, migration 0130, so that the
 * summariser can take it away when their facts change): the organisations with sight of them, and
 * for each period the parts by pair of bodies, money apart, and the organisations that may see their
 * money (canSeeMoney). Zeros are left out, and so are periods and parts the person adds nothing to.
 */
export interface PersonContribution {
  sight: string[];
  periods: { from: IsoDate; asOf: IsoDate; own: string[]; parts: { localAuthority: string | null; icb: string | null; base: Figures; money: Figures | null }[] }[];
}

export function personContribution(person: ReportPerson, sight: readonly string[], periods: readonly Period[], settings: ReviewSettings): PersonContribution {
  const scopes = [...new Set(sight)].sort();
  const out: PersonContribution = { sight: scopes, periods: [] };
  for (const period of periods) {
    const { moneyBodies, parts } = personContributions(person, period, settings);
    const kept = parts.flatMap(({ localAuthority, icb, figures }) => {
      const { base, money } = splitMoney(figures);
      const compact = { base: compactFigures(base), money: money ? compactFigures(money) : null };
      return isEmpty(compact.base) && compact.money === null ? [] : [{ localAuthority, icb, ...compact }];
    });
    if (kept.length > 0) out.periods.push({ from: period.from, asOf: period.asOf, own: scopes.filter((scope) => moneyBodies.includes(scope)), parts: kept });
  }
  return out;
}

/** The readers a contribution counts the person for (report_summary_people): everyone, and each organisation with sight. */
export const contributionScopes = (c: PersonContribution): string[] => [EVERYONE, ...c.sight];

/** A contribution as the summary rows it adds to, for each reader and part (summaryBuilder's rows, for one person). */
export function contributionRows(c: PersonContribution, only?: { scope: string; parts: readonly SummaryPart[]; asOf: ReadonlySet<IsoDate> }): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const wanted = (scope: string, part: SummaryPart) => !only || (only.scope === scope && only.parts.includes(part));
  for (const period of c.periods) {
    if (only && !only.asOf.has(period.asOf)) continue;
    for (const { localAuthority, icb, base, money } of period.parts) {
      const row = (scope: string, part: SummaryPart, figures: Figures) => {
        if (wanted(scope, part)) rows.push({ periodFrom: period.from, asOf: period.asOf, scope, part, localAuthority, icb, figures });
      };
      for (const scope of contributionScopes(c)) {
        if (!isEmpty(base)) row(scope, 'base', base);
        if (money) row(scope, 'money', money);
      }
      if (money) for (const scope of period.own) row(scope, 'money-own', money);
    }
  }
  return rows;
}

/**
 * What a person's change adds to the sums: their new contribution minus their old (null: not counted,
 * a person not yet in the snapshot or merged into another), as signed summary rows (zeros and rows that
 * net to nothing left out) and people per reader. `only` narrows it to one reader's rows and periods.
 * `unchanged`: the two are the same (the same sight and every period alike), found by the comparison
 * the rows need anyway, so the summariser need not compare them again before keeping the new one.
 */
export function contributionDelta(old: PersonContribution | null, now: PersonContribution | null, only?: { scope: string; parts: readonly SummaryPart[]; asOf: ReadonlySet<IsoDate> }): { rows: SummaryRow[]; people: Map<string, number>; unchanged: boolean } {
  let unchanged = old === null && now === null;
  if (old && now) {
    [old, now] = withoutSamePeriods(old, now);
    unchanged = old.periods.length === 0 && now.periods.length === 0 && isDeepStrictEqual(old.sight, now.sight);
  }
  const rows = addUpRows([...(now ? contributionRows(now, only) : []).map((r) => ({ ...r, sign: 1 as const })), ...(old ? contributionRows(old, only) : []).map((r) => ({ ...r, sign: -1 as const }))]);
  const people = new Map<string, number>();
  for (const scope of now ? contributionScopes(now) : []) people.set(scope, (people.get(scope) ?? 0) + 1);
  for (const scope of old ? contributionScopes(old) : []) people.set(scope, (people.get(scope) ?? 0) - 1);
  for (const [scope, n] of people) if (n === 0 || (only && scope !== only.scope)) people.delete(scope);
  return { rows, people, unchanged };
}

/**
 * The two contributions without the periods they count alike. With the same organisations having
 * sight, such a period's rows net to nothing, so only the periods that differ need adding up: a review
 * held today changes the latest periods, not the two years before (issue 14, the summariser's cost).
 * The old contribution is read back from the database, so periods are compared as values, not as text.
 */
export function withoutSamePeriods(old: PersonContribution, now: PersonContribution): [PersonContribution, PersonContribution] {
  if (!isDeepStrictEqual(old.sight, now.sight)) return [old, now];
  const key = (p: PersonContribution['periods'][number]) => `${p.from}/${p.asOf}`;
  const before = new Map(old.periods.map((p) => [key(p), p]));
  const same = new Set(now.periods.filter((p) => isDeepStrictEqual(before.get(key(p)), p)).map(key));
  if (same.size === 0) return [old, now];
  return [{ ...old, periods: old.periods.filter((p) => !same.has(key(p))) }, { ...now, periods: now.periods.filter((p) => !same.has(key(p))) }];
}

/** Summary rows added up by period, reader, part and pair of bodies (each with its sign, default +1): zeros, and rows that come to nothing, left out. */
export function addUpRows(rows: readonly (SummaryRow & { sign?: 1 | -1 })[]): SummaryRow[] {
  const sums = new Map<string, { row: Omit<SummaryRow, 'figures'>; sum: FiguresSum }>();
  for (const r of rows) {
    const key = JSON.stringify([r.asOf, r.periodFrom, r.scope, r.part, r.localAuthority, r.icb]);
    const entry = sums.get(key) ?? sums.set(key, { row: { periodFrom: r.periodFrom, asOf: r.asOf, scope: r.scope, part: r.part, localAuthority: r.localAuthority, icb: r.icb }, sum: new FiguresSum(r.periodFrom, r.asOf) }).get(key)!;
    entry.sum.add(r.figures, r.sign ?? 1);
  }
  return [...sums.values()].flatMap(({ row, sum }) => {
    const figures = compactFigures(sum.result({ counted: true }));
    return isEmpty(figures) ? [] : [{ ...row, figures }];
  });
}

/**
 * A refresh, person by person: `add` each person with the organisations that have sight of them (it
 * answers what the person adds, which the refresh keeps), then `rows` and `people`. People are first
 * summed by period, pair of bodies, the set of organisations with sight and the part of it whose money
 * they are (most people share a few such sets), and only the group sums are given to each reader at
 * the end: the same sums, with far fewer additions.
 */
export function summaryBuilder(periods: readonly Period[], settings: ReviewSettings) {
  interface Group { period: Period; localAuthority: string | null; icb: string | null; sight: string[]; own: string[]; base: FiguresSum; money: FiguresSum | null }
  const groups = new Map<string, Group>();
  const people = new Map<string, number>();
  return {
    add(person: ReportPerson, sight: readonly string[]): PersonContribution {
      const contribution = personContribution(person, sight, periods, settings);
      for (const scope of contributionScopes(contribution)) people.set(scope, (people.get(scope) ?? 0) + 1);
      for (const period of contribution.periods) {
        for (const { localAuthority, icb, base, money } of period.parts) {
          const own = money ? period.own : [];
          const key = `${period.asOf}\u0000${localAuthority}\u0000${icb}\u0000${contribution.sight.join(',')}\u0000${own.join(',')}`;
          let group = groups.get(key);
          if (!group) {
            group = { period, localAuthority, icb, sight: contribution.sight, own, base: new FiguresSum(period.from, period.asOf), money: null };
            groups.set(key, group);
          }
          group.base.add(base);
          if (money) (group.money ??= new FiguresSum(period.from, period.asOf)).add(money);
        }
      }
      return contribution;
    },
    rows(): SummaryRow[] {
      const sums = new Map<string, { row: Omit<SummaryRow, 'figures'>; sum: FiguresSum }>();
      const into = (g: Group, scope: string, part: SummaryPart, figures: PeriodFigures) => {
        const key = JSON.stringify([g.period.asOf, g.period.from, scope, part, g.localAuthority, g.icb]);
        let entry = sums.get(key);
        if (!entry) {
          entry = { row: { periodFrom: g.period.from, asOf: g.period.asOf, scope, part, localAuthority: g.localAuthority, icb: g.icb }, sum: new FiguresSum(g.period.from, g.period.asOf) };
          sums.set(key, entry);
        }
        entry.sum.add(figures);
      };
      for (const g of groups.values()) {
        const base = g.base.result({ counted: true });
        const money = g.money?.result({ counted: true }) ?? null;
        for (const scope of [EVERYONE, ...g.sight]) {
          into(g, scope, 'base', base);
          if (money) into(g, scope, 'money', money);
        }
        if (money) for (const scope of g.own) into(g, scope, 'money-own', money);
      }
      return [...sums.values()].map(({ row, sum }) => ({ ...row, figures: sum.result({ counted: true }) }));
    },
    people(): Map<string, number> {
      return people;
    },
  };
}

const matches = (value: string | null, wanted: string | null) => wanted === null || value === wanted;

/** The register report from the summaries a reader may add up (summaryReader), for the filter's bodies at the time. */
export function reportFromSummaries(rows: readonly SummaryRow[], periods: readonly Period[], filter: ReportFilter): RegisterReport {
  const months = periods.map((p) => {
    const sum = new FiguresSum(p.from, p.asOf);
    for (const r of rows) if (r.periodFrom === p.from && r.asOf === p.asOf && matches(r.localAuthority, filter.localAuthority) && matches(r.icb, filter.icb)) sum.add(r.figures);
    return sum.result();
  });
  return { ...months.at(-1)!, filter: { localAuthority: filter.localAuthority, icb: filter.icb }, months };
}
