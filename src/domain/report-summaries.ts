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

/** A running sum of period figures (reports.ts addFigures, with maps instead of sorting at each step). */
export class FiguresSum {
  private readonly figures: PeriodFigures;
  private readonly keyworkers = new Map<string, KeyworkerCount>();
  private readonly spend = new Map<string, SpendFigure>();
  private readonly balances = new Map<string, BalanceFigure>();

  constructor(from: IsoDate, asOf: IsoDate) {
    this.figures = emptyFigures(from, asOf);
  }

  add(more: PeriodFigures): void {
    const into = this.figures as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(more)) {
      if (typeof value === 'number') into[key] = (into[key] as number) + value;
      else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const record = into[key] as Record<string, number>;
        for (const [k, n] of Object.entries(value as Record<string, number>)) if (n !== undefined) record[k] = (record[k] ?? 0) + n;
      }
    }
    for (const k of more.reviewsByKeyworker) {
      const row = this.keyworkers.get(k.userId ?? '');
      if (row) {
        row.inDate += k.inDate;
        row.overdue += k.overdue;
      } else this.keyworkers.set(k.userId ?? '', { userId: k.userId, team: k.team, inDate: k.inDate, overdue: k.overdue });
    }
    for (const s of more.spend) {
      const key = JSON.stringify([s.body, s.code, s.category]);
      const row = this.spend.get(key);
      if (row) {
        row.agreedPence += s.agreedPence;
        row.paidPence += s.paidPence;
      } else this.spend.set(key, { ...s });
    }
    for (const b of more.balances) {
      const key = JSON.stringify([b.localAuthority, b.icb]);
      const row = this.balances.get(key);
      if (row) row.icbOwesLocalAuthorityPence += b.icbOwesLocalAuthorityPence;
      else this.balances.set(key, { ...b });
    }
  }

  /** The sum, with its lists in the order the report gives them. */
  result(): PeriodFigures {
    return {
      ...this.figures,
      newEntitlementsBySection: inSectionOrder(this.figures.newEntitlementsBySection),
      reviewsByKeyworker: sortKeyworkers(this.keyworkers),
      spend: [...this.spend.values()].sort((a, b) => a.body.localeCompare(b.body) || (a.code ?? '').localeCompare(b.code ?? '') || a.category.localeCompare(b.category)),
      balances: [...this.balances.values()].sort((a, b) => (a.localAuthority ?? '').localeCompare(b.localAuthority ?? '') || (a.icb ?? '').localeCompare(b.icb ?? '')),
    };
  }
}

/** One stored summary: the sum of what everyone it covers adds to one period, for one reader, part and pair of bodies. */
export interface SummaryRow { periodFrom: IsoDate; asOf: IsoDate; scope: string; part: SummaryPart; localAuthority: string | null; icb: string | null; figures: PeriodFigures }

/**
 * A refresh, person by person: `add` each person with the organisations that have sight of them, then
 * `rows` and `people`. People are first summed by period, pair of bodies, the set of organisations
 * with sight and the part of it whose money they are (most people share a few such sets), and only
 * the group sums are given to each reader at the end: the same sums, with far fewer additions.
 */
export function summaryBuilder(periods: readonly Period[], settings: ReviewSettings) {
  interface Group { period: Period; localAuthority: string | null; icb: string | null; sight: string[]; own: string[]; base: FiguresSum; money: FiguresSum | null }
  const groups = new Map<string, Group>();
  const people = new Map<string, number>();
  return {
    add(person: ReportPerson, sight: readonly string[]): void {
      const scopes = [...new Set(sight)].sort();
      for (const scope of [EVERYONE, ...scopes]) people.set(scope, (people.get(scope) ?? 0) + 1);
      for (const [i, period] of periods.entries()) {
        const { moneyBodies, parts } = personContributions(person, period, settings);
        const own = scopes.filter((scope) => moneyBodies.includes(scope));
        for (const { localAuthority, icb, figures } of parts) {
          const { base, money } = splitMoney(figures);
          const key = `${i}\u0000${localAuthority}\u0000${icb}\u0000${scopes.join(',')}\u0000${money ? own.join(',') : ''}`;
          let group = groups.get(key);
          if (!group) {
            group = { period, localAuthority, icb, sight: scopes, own: money ? own : [], base: new FiguresSum(period.from, period.asOf), money: null };
            groups.set(key, group);
          }
          group.base.add(base);
          if (money) (group.money ??= new FiguresSum(period.from, period.asOf)).add(money);
        }
      }
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
        const base = g.base.result();
        const money = g.money?.result() ?? null;
        for (const scope of [EVERYONE, ...g.sight]) {
          into(g, scope, 'base', base);
          if (money) into(g, scope, 'money', money);
        }
        if (money) for (const scope of g.own) into(g, scope, 'money-own', money);
      }
      return [...sums.values()].map(({ row, sum }) => ({ ...row, figures: sum.result() }));
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
