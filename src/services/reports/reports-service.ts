// Issue 13: the register's reports for s117 leads, commissioners and boards (api-contract "Reports").
// One use case across people: permission (reports:read), one transaction (one consistent snapshot),
// the people the caller's organisation may see read a page at a time, each figure derived in the
// domain as of the date (src/domain/reports.ts), and one audit event with the filters and how many
// people were read (never who: the answer holds counts only).
import { organisationScope } from '../../domain/access.ts';
import { contingencyComplete, signatureComplete } from '../../domain/plans.ts';
import { compareDates, todayInLondon, type IsoDate } from '../../domain/dates.ts';
import { monthlyPeriods, registerReportBuilder, type RegisterReport, type ReportPerson } from '../../domain/reports.ts';
import { addUpRows, contributionDelta, EVERYONE, personContribution, reportFromSummaries, summariesCover, summaryBuilder, summaryPeriods, summaryReader, type Period, type PersonContribution, type SummaryRow } from '../../domain/report-summaries.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReviewSettings } from '../../domain/reviews.ts';
import * as repo from '../../data/reports-repository.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { ValidationError } from '../kernel/errors.ts';
import type { UseCases } from '../kernel/use-case.ts';
import { parseInput } from '../kernel/validation.ts';
import { ReportQuery } from './reports-inputs.ts';
import { disputeFromRow } from '../disputes/disputes-service.ts';
import { reportCsv, reportXlsx, type RegisterReportAnswer } from './reports-export.ts';
import { reportCharts } from '../../letters/report-charts.ts';
import { renderBoardPack } from '../../letters/board-pack.ts';

export type { RegisterReportAnswer };

export interface ReportsServiceOptions {
  useCases: UseCases;
  reviews: ReviewSettings;
  /** For the summaries' refresh, a job of its own (no signed-in user): the database and the clock. */
  db?: Db;
  clock?: () => Date;
}

/** People read per page: a fixed number of queries per page, and memory bounded by the page. */
export const REPORT_PAGE_SIZE = 1000;
/** The most marks one round of the summariser takes (one transaction), and the server's most in one run. */
export const SUMMARISE_MARKS = 2000;
/**
 * The server's summariser takes its marks in rounds this small, each its own transaction, and rests
 * between them: during one round of 2,000 marks at 1,000,000 people the server's rate fell from about
 * 220 requests a second to 12 to 72 for two seconds, some waiting 0.9 s (issue 14, performance.md round 10).
 */
export const SERVER_ROUND_MARKS = 200;
/** The rest between two rounds: as long as the round took, at most this (the summariser keeps most of its pace). */
const MOST_REST_MS = 100;
/** How many difference rows a snapshot gathers before the summariser folds them into its sums. */
export const FOLD_AT = 5000;

/** A stored summary or difference row as the domain's. */
const toSummaryRow = (r: { period_from: string; as_of: string; scope: string; part: SummaryRow['part']; local_authority_code: string | null; icb_code: string | null; figures: unknown }): SummaryRow =>
  ({ periodFrom: r.period_from, asOf: r.as_of, scope: r.scope, part: r.part, localAuthority: r.local_authority_code, icb: r.icb_code, figures: r.figures as SummaryRow['figures'] });


/**
 * Works through people a few milliseconds at a time, letting waiting requests in between: the nightly
 * refresh and the summariser run inside the server, and a page of 1,000 people's derivations held the
 * event loop for about 0.4 s, which every request arriving meanwhile waited for. How long a fixed
 * number of people takes depends on the machine and the people: the time is what is bounded (issue 14,
 * docs/performance.md round 10).
 */
export async function eachYielding<T>(items: readonly T[], work: (item: T) => unknown, sliceMs = 5): Promise<void> {
  let since = performance.now();
  for (const item of items) {
    work(item);
    if (performance.now() - since >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
}

const dayOf = (instant: Date | string) => todayInLondon(new Date(instant));

/** PostgreSQL's "could not serialize access" (40001). */
const isSerializationFailure = (error: unknown) => (error as { code?: string } | null)?.code === '40001' || /could not serialize/i.test(String((error as Error | null)?.message ?? ''));

/** The rows of one page, as the domain's people. */
export function toReportPeople(rows: readonly repo.ReportPersonRow[], loaded: repo.ReportFactsRows): ReportPerson[] {
  const byPerson = <T extends { person_id: string }>(list: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const item of list) map.set(item.person_id, [...(map.get(item.person_id) ?? []), item]);
    return map;
  };
  const held = byPerson(loaded.reviewsHeld);
  const requested = byPerson(loaded.reviewRequests);
  const disputes = byPerson(loaded.disputes);
  const keyworkers = byPerson(loaded.keyworkers);
  const plans = byPerson(loaded.planVersions);
  const complaints = byPerson(loaded.complaints);
  const charges = byPerson(loaded.s117Charges);
  const refunds = byPerson(loaded.refunds);
  const services = byPerson(loaded.services);
  const personOfService = new Map(loaded.services.map((x) => [x.id, x.person_id]));
  const costs = new Map<string, { from: string; weeklyCostPence: number }[]>();
  for (const c of loaded.costs ?? []) costs.set(c.service_id, [...(costs.get(c.service_id) ?? []), { from: c.effective_from, weeklyCostPence: c.weekly_cost_pence }]);
  const budgets = byPerson(loaded.budgets);
  const payments = byPerson(loaded.payments.map((x) => ({ ...x, person_id: personOfService.get(x.service_id)! })));
  return rows.map((row) => ({
    id: row.id,
    facts: loaded.facts.get(row.id)!,
    reviewsHeld: (held.get(row.id) ?? []).map((r) => ({ episodeId: r.episode_id, heldOn: r.held_on })),
    reviewRequests: (requested.get(row.id) ?? []).map((r) => ({ episodeId: r.episode_id, requestedOn: r.requested_on })),
    disputes: (disputes.get(row.id) ?? []).map(disputeFromRow),
    keyworkers: (keyworkers.get(row.id) ?? []).map((k) => ({ userId: k.user_id, team: k.team, from: dayOf(k.allocated_at), to: k.ended_at === null ? null : dayOf(k.ended_at) })),
    planVersions: (plans.get(row.id) ?? []).map((v) => ({ finalisedOn: dayOf(v.finalised_at), contingency: contingencyComplete(v.content.contingency), signedOrReason: signatureComplete(v.content) })),
    complaints: (complaints.get(row.id) ?? []).map((c) => ({ receivedOn: c.received_on, awareOn: c.aware_on, outcomeOn: c.outcome_on })),
    s117Charges: (charges.get(row.id) ?? []).map((c) => ({ paidOn: c.paid_on, amountPence: c.amount_pence })),
    refunds: (refunds.get(row.id) ?? []).map((r) => ({ calculatedOn: r.calculated_on, paidOn: r.paid_on, totalPence: r.total_principal_pence + r.total_interest_pence })),
    services: (services.get(row.id) ?? []).map((x) => ({ serviceId: x.id, personId: x.person_id, category: x.category, provider: x.provider, weeklyCostPence: x.weekly_cost_pence, funding: { localAuthorityPercent: x.la_percent, icbPercent: x.icb_percent }, startDate: x.start_date, endDate: x.end_date, costs: costs.get(x.id) ?? [] })),
    payments: (payments.get(row.id) ?? []).map((x) => ({ serviceId: x.service_id, body: x.body, periodFrom: x.period_from, periodTo: x.period_to, amountPence: x.amount_pence })),
    budgets: (budgets.get(row.id) ?? []).map((b) => ({
      kind: b.kind,
      startDate: b.start_date,
      endDate: b.end_date,
      reviewsHeldOn: loaded.budgetReviews.filter((r) => r.budget_id === b.id).map((r) => r.held_on),
      triggersOn: loaded.budgetTriggers.filter((t) => t.budget_id === b.id).map((t) => t.occurred_on),
    })),
  }));
}

export function createReportsService({ useCases, reviews, db, clock = () => new Date() }: ReportsServiceOptions) {
  const settingsText = JSON.stringify(reviews);

  /**
   * The report from the latest finished summaries (ADR 0014, national scale), when they hold every
   * period asked for, were worked out with the same REV-1 settings and keep each person's contribution
   * (migration 0130); undefined otherwise (the report is then worked out from the facts). In step with
   * every fact committed when the report's repeatable-read transaction began: the snapshot's sums, plus
   * the summariser's differences, plus for each person still marked (changed and not yet summarised)
   * their contribution worked out now minus the one the sums hold, for this reader only.
   */
  async function fromSummaries(trx: Db, actor: Actor, q: { asOf: IsoDate; localAuthority: string | null; icb: string | null; months: number }) {
    const snapshot = await repo.latestSnapshot(trx);
    if (!snapshot || snapshot.settings !== settingsText || !snapshot.in_step) return undefined;
    const periods = monthlyPeriods(q.asOf, q.months);
    if (!summariesCover(summaryPeriods(snapshot.built_on), periods)) return undefined;
    const reader = summaryReader({ role: actor.role, organisationCode: actor.organisationCode });
    const query = { snapshotId: snapshot.id, scope: reader.scope, parts: reader.parts, asOf: periods.map((p) => p.asOf), localAuthority: q.localAuthority, icb: q.icb };
    const [sums, deltas, marked] = await Promise.all([repo.readSummaries(trx, query), repo.readDeltas(trx, query), repo.markedPeople(trx)]);
    const summaries: SummaryRow[] = [...sums, ...deltas].map(toSummaryRow);
    let people = (await repo.summaryPeople(trx, snapshot.id, reader.scope)) + (await repo.peopleDelta(trx, snapshot.id, reader.scope));
    const only = { scope: reader.scope, parts: reader.parts, asOf: new Set(periods.map((p) => p.asOf)) };
    for (const { old, now } of await changesOf(trx, snapshot.id, marked, periods, reader.scope)) {
      const delta = contributionDelta(old, now, only);
      summaries.push(...delta.rows);
      people += delta.people.get(reader.scope) ?? 0;
    }
    const report = reportFromSummaries(summaries, periods, { localAuthority: q.localAuthority, icb: q.icb });
    return { report, peopleRead: people, builtAt: new Date(snapshot.finished_at!).toISOString() };
  }

  /** What these people add to the periods now (null: no longer counted, merged into another), from their facts, the report's own way. */
  async function contributionsNow(trx: Db, ids: readonly string[], periods: readonly Period[]): Promise<Map<string, PersonContribution | null>> {
    const now = new Map<string, PersonContribution | null>(ids.map((id) => [id, null]));
    for (let i = 0; i < ids.length; i += REPORT_PAGE_SIZE) {
      const rows = await repo.reportPeople(trx, ids.slice(i, i + REPORT_PAGE_SIZE));
      const [loaded, sight] = await Promise.all([repo.loadReportFacts(trx, rows), repo.sightOf(trx, rows.map((r) => r.id))]);
      await eachYielding(toReportPeople(rows, loaded), (person) => now.set(person.id, personContribution(person, sight.get(person.id) ?? [], periods, reviews)));
    }
    return now;
  }

  /**
   * For each of these people, the contribution the snapshot holds and the one their facts give now.
   * With `reader` (a report's correction), only people that reader's rows could count, then or now:
   * an organisation's report need not work out people it neither saw nor sees (both are nothing).
   */
  async function changesOf(trx: Db, snapshotId: string, ids: readonly string[], periods: readonly Period[], reader?: string) {
    if (ids.length === 0) return [];
    const held = await repo.contributionsOf(trx, snapshotId, ids);
    const oldOf = (id: string) => (held.get(id) as PersonContribution | undefined) ?? null;
    let wanted = ids;
    if (reader !== undefined && reader !== EVERYONE) {
      const sight = await repo.sightOf(trx, ids);
      wanted = ids.filter((id) => (sight.get(id) ?? []).includes(reader) || (oldOf(id)?.sight ?? []).includes(reader));
    }
    const now = await contributionsNow(trx, wanted, periods);
    return wanted.map((id) => ({ id, old: oldOf(id), now: now.get(id) ?? null }));
  }

  /** The query, checked: asOf defaults to today and may not be after it. */
  function parse(query: unknown, today: IsoDate) {
    const q = parseInput(ReportQuery, query ?? {});
    const asOf = q.asOf ?? today;
    if (compareDates(asOf, today) > 0) throw new ValidationError([{ field: 'asOf', message: 'asOf is in the future: enter today’s date or an earlier one' }]);
    return { asOf, localAuthority: q.localAuthority ?? null, icb: q.icb ?? null, months: q.months ?? 12 };
  }

  async function register(actor: Actor, query: unknown, { summaries = true } = {}): Promise<RegisterReportAnswer> {
    requirePermission(actor, 'reports:read');
    return useCases.run(
      actor,
      {
        permission: 'reports:read',
        // One view of the facts, the sums, the differences and the marks (ADR 0014, "kept in step").
        isolation: 'repeatable read',
        audit: (r: RegisterReportAnswer) => ({ action: 'reports.register', recordType: 'report', recordId: null, details: { asOf: r.asOf, localAuthority: r.filter.localAuthority, icb: r.filter.icb, months: r.months.length, peopleRead: r.peopleRead, summaryBuiltAt: r.summaryBuiltAt ?? null, inStepAt: r.inStepAt ?? null } }),
      },
      async ({ trx, today, now }) => {
        const q = parse(query, today);
        const summarised = summaries ? await fromSummaries(trx, actor, q) : undefined;
        if (summarised) return named(trx, summarised.report, summarised.peopleRead, summarised.builtAt, now);
        const filter = { localAuthority: q.localAuthority, icb: q.icb, viewer: { role: actor.role, organisationCode: actor.organisationCode } };
        const builder = registerReportBuilder(q.asOf, filter, reviews, q.months);
        // Every person the caller may see is read, filtered or not: a body proposed for an episode
        // before another was confirmed has no sight of it today, yet those months were its own, and a
        // month's figures must not change when a later decision is recorded (ADR 0014).
        let after: string | null = null;
        let peopleRead = 0;
        for (;;) {
          const rows = await repo.visiblePeoplePage(trx, organisationScope(actor), after, REPORT_PAGE_SIZE);
          if (rows.length === 0) break;
          builder.add(toReportPeople(rows, await repo.loadReportFacts(trx, rows)));
          peopleRead += rows.length;
          after = rows.at(-1)!.id;
        }
        return named(trx, builder.result(), peopleRead, null, now);
      },
    );
  }

  /** The answer: keyworkers by name (staff), how many people were read, and when the summaries it came from were made. */
  async function named(trx: Db, report: RegisterReport, peopleRead: number, summaryBuiltAt: string | null, inStepAt: Date): Promise<RegisterReportAnswer> {
    const ids = new Set(report.months.flatMap((m) => m.reviewsByKeyworker.flatMap((k) => (k.userId ? [k.userId] : []))));
    const names = await repo.userNames(trx, [...ids]);
    const withNames = (rows: RegisterReport['reviewsByKeyworker']) => rows.map((k) => ({ ...k, name: k.userId ? (names.get(k.userId) ?? null) : null }));
    return { ...report, reviewsByKeyworker: withNames(report.reviewsByKeyworker), months: report.months.map((m) => ({ ...m, reviewsByKeyworker: withNames(m.reviewsByKeyworker) })), peopleRead, summaryBuiltAt, inStepAt: inStepAt.toISOString() };
  }

  /**
   * The nightly job (`s117 reports refresh`): works out the summaries of every person as of each
   * period the reports can ask for (summaryPeriods), in one repeatable-read transaction (one
   * consistent view of the facts), keeping what each person adds (for the summariser); readers use it
   * once it commits (finishSnapshot keeps the one before). It deletes the marks its view holds (their
   * facts are in it) and no other: a mark committed after its view began stays for the summariser.
   * Recorded in the audit trail with counts only.
   */
  async function refreshSummaries(progress: (people: number) => unknown = () => {}): Promise<{ snapshotId: string; builtOn: IsoDate; people: number; rows: number; seconds: number }> {
    if (!db) throw new Error('The reports service was created without a database for the summaries');
    for (let attempt = 1; ; attempt++) {
      try {
        return await refreshOnce(db, progress);
      } catch (error) {
        // A summariser committed after this refresh's view began (report_summariser): start again.
        if (attempt >= 20 || !isSerializationFailure(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  /**
   * The nightly job: a refresh, unless today's summaries are already made with these settings (by
   * `s117 reports refresh`, or by another process before a restart). A server started in the day
   * must not spend minutes re-making what is there (at 1,000,000 people a refresh takes ten).
   */
  async function refreshSummariesIfStale(): Promise<{ skipped: true } | Awaited<ReturnType<typeof refreshSummaries>>> {
    if (!db) throw new Error('The reports service was created without a database for the summaries');
    const latest = await repo.latestSnapshot(db);
    if (latest && latest.in_step && latest.settings === settingsText && latest.built_on === todayInLondon(clock())) return { skipped: true };
    return refreshSummaries();
  }

  async function refreshOnce(db: Db, progress: (people: number) => unknown) {
    const started = clock();
    const builtOn = todayInLondon(started);
    const id = randomUUID();
    const t0 = performance.now();
    const answer = await db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
      await repo.takeSummariserTurn(trx, true);
      const marks = await repo.allMarks(trx);
      await repo.startSnapshot(trx, { id, builtOn, settings: settingsText, startedAt: started });
      const builder = summaryBuilder(summaryPeriods(builtOn), reviews);
      let after: string | null = null;
      let people = 0;
      for (;;) {
        const rows = await repo.visiblePeoplePage(trx, null, after, REPORT_PAGE_SIZE);
        if (rows.length === 0) break;
        const [loaded, sight] = await Promise.all([repo.loadReportFacts(trx, rows), repo.sightOf(trx, rows.map((r) => r.id))]);
        const contributions = new Map<string, PersonContribution>();
        await eachYielding(toReportPeople(rows, loaded), (person) => contributions.set(person.id, builder.add(person, sight.get(person.id) ?? [])));
        await repo.putContributions(trx, id, contributions, false);
        people += rows.length;
        after = rows.at(-1)!.id;
        await progress(people);
      }
      const summaries = builder.rows();
      await repo.insertSummaries(trx, id, summaries, builder.people());
      await repo.deleteMarks(trx, marks.map((m) => m.id));
      const finished = clock();
      await repo.finishSnapshot(trx, id, finished, people);
      return { snapshotId: id, builtOn, people, rows: summaries.length, seconds: Math.round(performance.now() - t0) / 1000, finished };
    });
    // The audit trail's chain is appended to in a transaction of its own: the refresh's repeatable-read
    // view would not see events appended while it ran.
    const { finished, ...result } = answer;
    await db.transaction().execute((trx) => appendAuditEvent(trx, { userId: null, organisationId: null, action: 'reports.refresh', recordType: 'report', details: { builtOn, people: result.people, rows: result.rows, seconds: result.seconds } }, finished));
    return result;
  }

  /**
   * The summariser (every few seconds in the server, and `s117 reports summarise`): takes the oldest
   * marks, works out those people's contributions again against the latest snapshot's periods, appends
   * the difference from the ones kept, keeps the new ones and deletes exactly the marks it read, in
   * one transaction. Skips its round while a refresh or another summariser runs.
   */
  async function summarise({ limit = SUMMARISE_MARKS, foldAt = FOLD_AT } = {}): Promise<{ marks: number; people: number; rows: number; skipped: boolean; folded: boolean }> {
    if (!db) throw new Error('The reports service was created without a database for the summaries');
    return db.transaction().execute(async (trx) => {
      // Read committed: each statement after the turn sees what the summariser before it committed.
      if (!(await repo.takeSummariserTurn(trx, false))) return { marks: 0, people: 0, rows: 0, skipped: true, folded: false };
      const snapshot = await repo.latestSnapshot(trx);
      // No snapshot kept in step (none yet, older, other REV-1 settings): the next refresh counts the marked people.
      if (!snapshot || !snapshot.in_step || snapshot.settings !== settingsText) return { marks: 0, people: 0, rows: 0, skipped: true, folded: false };
      const marks = await repo.oldestMarks(trx, limit);
      if (marks.length === 0) return { marks: 0, people: 0, rows: 0, skipped: false, folded: false };
      const ids = [...new Set(marks.map((m) => m.person_id))];
      const changes = await changesOf(trx, snapshot.id, ids, summaryPeriods(snapshot.built_on));
      const rows: SummaryRow[] = [];
      const people = new Map<string, number>();
      const changed: typeof changes = [];
      await eachYielding(changes, (change) => {
        const delta = contributionDelta(change.old, change.now);
        rows.push(...delta.rows);
        for (const [scope, n] of delta.people) people.set(scope, (people.get(scope) ?? 0) + n);
        // A contribution that came out the same is kept as it is (no rewrite of the same document).
        if (!delta.unchanged) changed.push(change);
      });
      const summed = addUpRows(rows);
      await repo.insertDeltas(trx, snapshot.id, summed, people);
      await repo.putContributions(trx, snapshot.id, new Map(changed.map((c) => [c.id, c.now])), true);
      await repo.deleteMarks(trx, marks.map((m) => m.id));
      // The differences are folded into the sums once they are many, so that a report reads few rows.
      const folded = (await repo.deltaRows(trx, snapshot.id)) > foldAt;
      if (folded) await repo.foldDeltas(trx, snapshot.id, addUpRows((await repo.sumsAndDeltas(trx, snapshot.id)).map(toSummaryRow)));
      return { marks: marks.length, people: ids.length, rows: summed.length, skipped: false, folded };
    });
  }

  /**
   * The summariser as the server runs it (a job every few seconds): rounds of `roundMarks`, each its
   * own transaction, with a rest between them (as long as the round, at most MOST_REST_MS) so that
   * requests are served meanwhile, until a round finds fewer marks than it could take or `marks`
   * have been taken in all (the next run carries on).
   */
  async function summariseInRounds({ roundMarks = SERVER_ROUND_MARKS, marks = SUMMARISE_MARKS } = {}): Promise<{ rounds: number; marks: number; people: number }> {
    const total = { rounds: 0, marks: 0, people: 0 };
    while (total.marks < marks) {
      const started = performance.now();
      const limit = Math.min(roundMarks, marks - total.marks);
      const round = await summarise({ limit });
      if (round.skipped || round.marks === 0) break;
      total.rounds += 1;
      total.marks += round.marks;
      total.people += round.people;
      if (round.marks < limit) break;
      await sleep(Math.min(MOST_REST_MS, Math.max(1, performance.now() - started)));
    }
    return total;
  }

  /** Issue 9 item 1: exports name each body, its code beside. */
  async function bodyNames(actor: Actor): Promise<Map<string, string>> {
    const bodies = await useCases.run(actor, { permission: 'reports:read', audit: null }, ({ trx }) => repo.responsibleBodies(trx));
    return new Map(bodies.map((b) => [b.code, b.name]));
  }

  return {
    register: (actor: Actor, query: unknown) => register(actor, query),
    /** The register report worked out from the facts, whatever summaries there are (the tests' and the bench's yardstick). */
    registerFromFacts: (actor: Actor, query: unknown) => register(actor, query, { summaries: false }),
    refreshSummaries,
    refreshSummariesIfStale,
    summarise,
    summariseInRounds,
    /** The register report as CSV, with the file name it is downloaded as. */
    async registerCsv(actor: Actor, query: unknown) {
      const report = await register(actor, query);
      return { body: reportCsv(report, await bodyNames(actor)), name: `s117-register-report-${report.asOf}.csv` };
    },
    /** The register report as an XLSX workbook (figures and definitions). */
    async registerXlsx(actor: Actor, query: unknown) {
      const report = await register(actor, query);
      return { body: await reportXlsx(report, await bodyNames(actor)), name: `s117-register-report-${report.asOf}.xlsx` };
    },
    /** The /reports page: the report, its charts (accessible SVG) and the bodies the filters offer by name. */
    async page(actor: Actor, query: unknown) {
      const report = await register(actor, query);
      const bodies = await useCases.run(actor, { permission: 'reports:read', audit: null }, ({ trx }) => repo.responsibleBodies(trx));
      return { report, charts: await reportCharts(report), bodies };
    },
    /** The monthly board pack: a tagged PDF of the figures, their definitions and the charts with their tables. */
    async boardPack(actor: Actor, query: unknown) {
      const report = await register(actor, query);
      const names = await useCases.run(actor, { permission: 'reports:read', audit: null }, ({ trx }) => repo.responsibleBodies(trx));
      const nameOf = (code: string | null) => (code === null ? null : (names.find((b) => b.code === code)?.name ?? code));
      const body = await renderBoardPack(report, await reportCharts(report), { localAuthority: nameOf(report.filter.localAuthority), icb: nameOf(report.filter.icb), organisation: actor.organisationName });
      return { body, name: `s117-board-pack-${report.asOf}.pdf`, peopleRead: report.peopleRead };
    },
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
