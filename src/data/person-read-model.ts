// One person's read model in ONE database round trip (issue 14, "fewer round trips"): the person
// (only when the viewer may see them: the visibility check is in the same statement), their
// residence and GP histories, their projections and, when asked, every fact the entitlement rules
// read (hospital stays, legal statuses, leave, confirmed responsibility, joint endings and
// reinstatements). The child rows travel as JSON arrays (json_agg) beside the person's own columns
// and are turned back into exactly the rows the per-table queries return (timestamps as Date), so
// the services and the domain see the same values whichever way the record was read.
// PostgreSQL 15 and PGlite accept every statement here (json_agg with ORDER BY, row_to_json).
import { sql, type RawBuilder } from 'kysely';
import { withPersonReadEvent, type PersonReadEvent } from './audit-repository.ts';
import { PREPARED, PREPARED_READ_MODEL, type Db } from './database.ts';
import { objectsOf, rowsOf, withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
import type { LegalHistoryRows } from './legal-history-repository.ts';
import { KEYWORKER_HISTORY_JSON, KEYWORKER_REASON, keyworkerRowOf, type KeyworkerRow } from './keyworkers-repository.ts';
import { MEETING_INVITEES_JSON, MEETINGS_JSON, meetingRowOf } from './planning-repository.ts';
import { draftOfJson, PLAN_COLUMN, PLAN_SERVICES_JSON, type CurrentKeyworkerRow, type PlanRow, type PlanServiceRow } from './plans-repository.ts';

export { partsTogether, rowsOf, withInstants, type Json, type ReadModelPart } from './read-model-parts.ts';
export type { PlanServiceRow } from './plans-repository.ts';
import type {
  AdmissionRow, BudgetReductionRow, BudgetReviewRow, BudgetReviewTriggerRow, BudgetRow, Database, LeaveRow, LegalStatusRow, PersonRow, ReviewInvitationRow, ReviewRequestRow, ReviewRow,
} from './schema.ts';
import type { Selectable } from 'kysely';

type ResidenceRow = Selectable<Database['residences']>;
type GpRow = Selectable<Database['gp_registrations']>;
type SummaryRow = Selectable<Database['person_summaries']>;
type DecisionRow = Selectable<Database['responsibility_decisions']>;
type PlacementRow = Selectable<Database['placements']>;
type MeetingRow = Selectable<Database['planning_meetings']>;
type InviteeRow = Selectable<Database['meeting_invitees']>;
/** As listResponsibilityDecisions: the decision with who made it (name and organisation). */
type DecisionWithWho = DecisionRow & { decided_by_name: string | null; decided_by_organisation: string | null };

export interface PersonReadModel {
  person: PersonRow;
  /** As listResidences: by since, then recorded_at. */
  residences: ResidenceRow[];
  /** As listGpRegistrations: by since, then recorded_at. */
  gps: GpRow[];
  /** As findPersonSummary: undefined until first derived (or when not asked for). */
  summary: SummaryRow | undefined;
  /** Present when `facts` was asked for: as loadLegalHistory, listResponsibilityDecisions and endingFacts. */
  facts?: {
    history: LegalHistoryRows;
    decisions: DecisionWithWho[];
    endings: { jointEndings: { episodeId: string; endedOn: string }[]; reinstatements: { episodeId: string; reinstatedOn: string }[] };
    /** As listPlacements (MHA25-3): by from_date, then id. */
    placements: PlacementRow[];
  };
  /** Present when `panels` was asked for: the person page's other panels (see PersonPagePanels). */
  panels?: PersonPagePanels;
  /** Present when `plan` was asked for: what plans.get reads besides the facts and the summary (PlanReadRows). */
  plan?: PlanReadRows;
  /** Present when `reviews` was asked for: the reviews held, requests and invitations (ReviewReadRows). */
  reviews?: ReviewReadRows;
}



/**
 * What plans.get reads besides the facts and the summary, each as its repository's query gives it:
 * the draft or final plan (findPlan), the keyworker allocated now (currentKeyworker's row), the latest
 * final version number (latestPlanVersionNumber) and the person's services (listServices: only the
 * columns the plan reads; the unconfirmed ones PLAN-7 counts are among them).
 */
export interface PlanReadRows {
  plan: PlanRow | undefined;
  keyworker: CurrentKeyworkerRow | undefined;
  latestFinalVersion: number;
  services: PlanServiceRow[];
}

/** As listReviews, listReviewRequests and listReviewInvitations give them (newest first). */
export interface ReviewReadRows {
  reviews: ReviewRow[];
  requests: ReviewRequestRow[];
  invitations: ReviewInvitationRow[];
}

/**
 * What the person page's panels read besides the record (issue 14 item 2), each as the per-table
 * query of its service gives it, so that the services derive the panels from either path:
 * the plan (plans.findPlan: only what the summary shows), the latest final version number
 * (latestPlanVersionNumber), the end dates of the planned services not yet confirmed
 * (countUnconfirmedPlannedServices counts those ending on or after today), the keyworker history
 * (keyworkerHistory), the planning meetings and their invitees (listMeetings, listInvitees) and the
 * budgets' review clocks (listBudgetClocksOf, listBudgetReviewTriggers, listBudgetReductions: only
 * the columns the clocks read).
 */
export interface PersonPagePanels {
  plan: { version: number; finalised_number: number | null; needs: number } | undefined;
  latestFinalVersion: number;
  unconfirmedServiceEnds: (string | null)[];
  keyworkers: KeyworkerRow[];
  meetings: MeetingRow[];
  invitees: InviteeRow[];
  budgets: Pick<BudgetRow, 'id' | 'person_id' | 'kind' | 'start_date' | 'end_date'>[];
  budgetReviews: Pick<BudgetReviewRow, 'budget_id' | 'held_on'>[];
  budgetTriggers: Pick<BudgetReviewTriggerRow, 'budget_id' | 'occurred_on'>[];
  budgetReductions: Pick<BudgetReductionRow, 'budget_id' | 'further_review_requested_on'>[];
}


export interface ReadModelParts {
  /** person_summaries (the status and review date the person's details show). */
  summary?: boolean;
  /** Everything computeAftercare reads, and the legal history the person page lists. */
  facts?: boolean;
  /** The person page's other panels (PersonPagePanels). */
  panels?: boolean;
  /** What plans.get reads besides the facts and the summary (PlanReadRows). */
  plan?: boolean;
  /** What reviews.list reads besides the facts and the summary (ReviewReadRows). */
  reviews?: boolean;
}

/** Who is reading: every person (an admin), or the people one organisation has sight of. */
export type Viewer = { everyone: true } | { everyone: false; organisationCode: string };

/**
 * The rows the budgets' review clocks read (budgetClocksOf: listBudgetClocksOf, listBudgetReviewTriggers,
 * listBudgetReductions, only the columns the clocks read), of the person `p`: for the person page's
 * panels and the projections (projections-repository.loadProjectionSourcesOfOne).
 */
export const BUDGET_CLOCK_COLUMNS = sql`
  ${objectsOf({ id: 'b.id', person_id: 'b.person_id', kind: 'b.kind', start_date: 'b.start_date', end_date: 'b.end_date' }, 'b.start_date, b.id', 'FROM budgets b WHERE b.person_id = p.id')} AS pp_budgets,
  ${objectsOf({ budget_id: 'r.budget_id', held_on: 'r.held_on' }, 'r.held_on, r.id', 'FROM budget_reviews r JOIN budgets b ON b.id = r.budget_id WHERE b.person_id = p.id')} AS pp_budget_reviews,
  ${objectsOf({ budget_id: 'r.budget_id', occurred_on: 'r.occurred_on' }, 'r.occurred_on, r.id', 'FROM budget_review_triggers r JOIN budgets b ON b.id = r.budget_id WHERE b.person_id = p.id')} AS pp_budget_triggers,
  ${objectsOf({ budget_id: 'r.budget_id', further_review_requested_on: 'r.further_review_requested_on' }, 'r.effective_on, r.id', 'FROM budget_reductions r JOIN budgets b ON b.id = r.budget_id WHERE b.person_id = p.id')} AS pp_budget_reductions`;

/** BUDGET_CLOCK_COLUMNS as they arrive. */
export type BudgetClockColumns = { pp_budgets: Json[] | null; pp_budget_reviews: Json[] | null; pp_budget_triggers: Json[] | null; pp_budget_reductions: Json[] | null };

/** BUDGET_CLOCK_COLUMNS back into the rows budgetClocksOf reads. */
export function budgetClockRowsOf(row: BudgetClockColumns): Pick<PersonPagePanels, 'budgets' | 'budgetReviews' | 'budgetTriggers' | 'budgetReductions'> {
  return {
    budgets: (row.pp_budgets ?? []) as PersonPagePanels['budgets'],
    budgetReviews: (row.pp_budget_reviews ?? []) as PersonPagePanels['budgetReviews'],
    budgetTriggers: (row.pp_budget_triggers ?? []) as PersonPagePanels['budgetTriggers'],
    budgetReductions: (row.pp_budget_reductions ?? []) as PersonPagePanels['budgetReductions'],
  };
}

/** The panels' rows (PersonPagePanels), each sub-select as its repository's query reads them. */
const PANELS = sql`
  (SELECT json_build_object('version', pl.version, 'finalised_number', pl.finalised_number, 'needs', jsonb_array_length(pl.content->'needs'))
     FROM plans pl WHERE pl.person_id = p.id) AS pp_plan,
  (SELECT coalesce(max(v.number), 0)::int FROM plan_versions v WHERE v.person_id = p.id) AS pp_latest_final,
  (SELECT coalesce(json_agg(sv.end_date), '[]'::json) FROM services sv WHERE sv.person_id = p.id AND sv.confirmed_on IS NULL) AS pp_unconfirmed_ends,
  ${KEYWORKER_HISTORY_JSON} AS pp_keyworkers,
  ${MEETINGS_JSON} AS pp_meetings,
  ${MEETING_INVITEES_JSON} AS pp_invitees,
  ${BUDGET_CLOCK_COLUMNS}`;
const NO_PANELS = sql`NULL::json AS pp_plan, NULL::int AS pp_latest_final, NULL::json AS pp_unconfirmed_ends, NULL::json AS pp_keyworkers, NULL::json AS pp_meetings,
  NULL::json AS pp_invitees, NULL::json AS pp_budgets, NULL::json AS pp_budget_reviews, NULL::json AS pp_budget_triggers, NULL::json AS pp_budget_reductions`;

type PanelColumns = BudgetClockColumns & {
  pp_plan: Json | null; pp_latest_final: number | null; pp_unconfirmed_ends: (string | null)[] | null; pp_keyworkers: Json[] | null; pp_meetings: Json[] | null;
  pp_invitees: Json[] | null;
};

/** The panels' columns turned back into the rows their repositories' queries give. */
function panelsOf(row: PanelColumns): PersonPagePanels {
  return {
    plan: (row.pp_plan ?? undefined) as PersonPagePanels['plan'],
    latestFinalVersion: Number(row.pp_latest_final ?? 0),
    unconfirmedServiceEnds: row.pp_unconfirmed_ends ?? [],
    keyworkers: (row.pp_keyworkers ?? []).map(keyworkerRowOf),
    meetings: (row.pp_meetings ?? []).map(meetingRowOf),
    invitees: (row.pp_invitees ?? []) as InviteeRow[],
    ...budgetClockRowsOf(row),
  };
}

/** The plan read's rows (PlanReadRows), each sub-select as its repository's query reads it. */
const PLAN = sql`
  ${PLAN_COLUMN} AS pr_plan,
  (SELECT json_build_object('name', u.name, 'user_email', u.email, 'phone', d.phone, 'email', d.email)
     FROM person_allocations a JOIN users u ON u.id = a.user_id LEFT JOIN keyworker_details d ON d.allocation_id = a.id
    WHERE a.person_id = p.id AND a.reason = ${KEYWORKER_REASON} AND a.ended_at IS NULL ORDER BY a.allocated_at DESC LIMIT 1) AS pr_keyworker,
  (SELECT coalesce(max(v.number), 0)::int FROM plan_versions v WHERE v.person_id = p.id) AS pr_latest_final,
  ${PLAN_SERVICES_JSON} AS pr_services`;
const NO_PLAN = sql`NULL::json AS pr_plan, NULL::json AS pr_keyworker, NULL::int AS pr_latest_final, NULL::json AS pr_services`;

type PlanColumns = { pr_plan: Json | null; pr_keyworker: CurrentKeyworkerRow | null; pr_latest_final: number | null; pr_services: Json[] | null };

/**
 * The plan's version the read answers: the stored plan's, or 1 for the draft not yet saved (what its
 * first save will store): for the audit event of the read, computed by the read's own statement.
 */
export const PLAN_VERSION_READ = sql<number>`coalesce((model.pr_plan->>'version')::int, 1)`;

/** The plan columns turned back into the rows their repositories' queries give. */
function planRowsOf(row: PlanColumns): PlanReadRows {
  return {
    plan: draftOfJson(row.pr_plan),
    keyworker: row.pr_keyworker ?? undefined,
    latestFinalVersion: Number(row.pr_latest_final ?? 0),
    services: (row.pr_services ?? []) as PlanServiceRow[],
  };
}

/** The reviews read's rows (ReviewReadRows), in the orders of their repositories' queries. */
const REVIEWS = sql`
  ${rowsOf('reviews', 't.held_on DESC, t.created_at DESC')} AS rv_reviews,
  ${rowsOf('review_requests', 't.requested_on DESC, t.created_at DESC')} AS rv_requests,
  ${rowsOf('review_invitations', 't.planned_on DESC, t.created_at DESC')} AS rv_invitations`;
const NO_REVIEWS = sql`NULL::json AS rv_reviews, NULL::json AS rv_requests, NULL::json AS rv_invitations`;

type ReviewColumns = { rv_reviews: Json[] | null; rv_requests: Json[] | null; rv_invitations: Json[] | null };

function reviewRowsOf(row: ReviewColumns): ReviewReadRows {
  return {
    reviews: (row.rv_reviews ?? []).map((r) => withInstants(r, ['created_at']) as ReviewRow),
    requests: (row.rv_requests ?? []).map((r) => withInstants(r, ['created_at']) as ReviewRequestRow),
    invitations: (row.rv_invitations ?? []).map((r) => withInstants(r, ['created_at']) as ReviewInvitationRow),
  };
}

/** Every fact the entitlement rules read (as loadLegalHistory, listResponsibilityDecisions, endingFacts, listPlacements), of the person `p`. */
export function factColumns(): RawBuilder<unknown> {
  return sql`${rowsOf('admissions', 't.admitted_on, t.id')} AS admissions,
        ${rowsOf('legal_statuses', 't.start_date, t.id')} AS legal_statuses,
        ${rowsOf('leaves', 't.from_date, t.id')} AS leaves,
        (SELECT coalesce(json_agg(json_build_object('d', d, 'decided_by_name', u.name, 'decided_by_organisation', o.name) ORDER BY d.decided_at, d.id), '[]'::json)
           FROM responsibility_decisions d LEFT JOIN users u ON u.id = d.decided_by LEFT JOIN organisations o ON o.id = u.organisation_id
          WHERE d.person_id = p.id) AS decisions,
        (SELECT coalesce(json_agg(json_build_object('episode_id', e.episode_id, 'ended_on', e.ended_on) ORDER BY e.ended_on, e.episode_id), '[]'::json)
           FROM ending_proposals e WHERE e.person_id = p.id AND e.status = 'approved' AND e.ended_on IS NOT NULL) AS joint_endings,
        (SELECT coalesce(json_agg(json_build_object('episode_id', r.episode_id, 'reinstated_on', r.reinstated_on) ORDER BY r.reinstated_on, r.episode_id), '[]'::json)
           FROM reinstatements r WHERE r.person_id = p.id AND r.status = 'approved' AND r.reinstated_on IS NOT NULL) AS reinstatements,
        ${rowsOf('placements', 't.from_date, t.id')} AS placements`;
}

/**
 * The person and the parts asked for, in one statement, or undefined when there is no such person or
 * the viewer may not see them (exactly when findVisiblePerson gives undefined). With `audit`, the
 * same statement appends the audit event of the read when (and only when) it finds the person.
 */
export async function loadPersonReadModel(db: Db, personId: string, viewer: Viewer, parts?: ReadModelParts, audit?: PersonReadEvent): Promise<PersonReadModel | undefined>;
export async function loadPersonReadModel<E>(db: Db, personId: string, viewer: Viewer, parts: ReadModelParts, audit: PersonReadEvent | undefined, part: ReadModelPart<E>): Promise<(PersonReadModel & { part: E }) | undefined>;
export async function loadPersonReadModel<E>(db: Db, personId: string, viewer: Viewer, parts: ReadModelParts = {}, audit?: PersonReadEvent, part?: ReadModelPart<E>): Promise<(PersonReadModel & { part?: E }) | undefined> {
  const visible = viewer.everyone
    ? sql``
    : sql` AND EXISTS (SELECT 1 FROM person_organisations po WHERE po.person_id = p.id AND po.organisation_code = ${viewer.organisationCode})`;
  const summary = parts.summary ? sql`(SELECT row_to_json(s) FROM person_summaries s WHERE s.person_id = p.id)` : sql`NULL::json`;
  const facts = parts.facts
    ? factColumns()
    : sql`NULL::json AS admissions, NULL::json AS legal_statuses, NULL::json AS leaves, NULL::json AS decisions, NULL::json AS joint_endings, NULL::json AS reinstatements, NULL::json AS placements`;
  const select = sql<PersonRow & PanelColumns & PlanColumns & ReviewColumns & {
    rm_residences: Json[]; rm_gps: Json[]; rm_summary: Json | null;
    admissions: Json[] | null; legal_statuses: Json[] | null; leaves: Json[] | null; decisions: Json[] | null;
    joint_endings: { episode_id: string; ended_on: string }[] | null; reinstatements: { episode_id: string; reinstated_on: string }[] | null; placements: Json[] | null;
  }>`${part ? PREPARED_READ_MODEL : PREPARED}SELECT p.*,
      ${rowsOf('residences', 't.since, t.recorded_at')} AS rm_residences,
      ${rowsOf('gp_registrations', 't.since, t.recorded_at')} AS rm_gps,
      ${summary} AS rm_summary,
      ${facts},
      ${parts.panels ? PANELS : NO_PANELS},
      ${parts.plan ? PLAN : NO_PLAN},
      ${parts.reviews ? REVIEWS : NO_REVIEWS}${part ? sql`,
      ${part.columns}` : sql``}
    FROM people p WHERE p.id = ${personId} AND p.merged_into IS NULL${visible}`;
  const result = await (audit ? withPersonReadEvent(select, audit) : select).execute(db);
  const row = result.rows[0];
  if (!row) return undefined;
  const {
    rm_residences, rm_gps, rm_summary, admissions, legal_statuses, leaves, decisions, joint_endings, reinstatements, placements,
    pp_plan, pp_latest_final, pp_unconfirmed_ends, pp_keyworkers, pp_meetings, pp_invitees, pp_budgets, pp_budget_reviews, pp_budget_triggers, pp_budget_reductions,
    pr_plan, pr_keyworker, pr_latest_final, pr_services, rv_reviews, rv_requests, rv_invitations,
    ...rest
  } = row;
  const person: Json = rest;
  let partColumns: Json | undefined;
  if (part) {
    partColumns = {};
    for (const alias of part.aliases) {
      partColumns[alias] = person[alias];
      delete person[alias];
    }
  }
  return {
    person: person as unknown as PersonRow,
    residences: rm_residences.map((r) => withInstants(r, ['recorded_at']) as ResidenceRow),
    gps: rm_gps.map((r) => withInstants(r, ['recorded_at']) as GpRow),
    summary: rm_summary ? (withInstants(rm_summary, ['refreshed_at']) as SummaryRow) : undefined,
    ...(parts.facts && { facts: factsOfRow({ admissions, legal_statuses, leaves, decisions, joint_endings, reinstatements, placements }) }),
    ...(parts.panels && {
      panels: panelsOf({ pp_plan, pp_latest_final, pp_unconfirmed_ends, pp_keyworkers, pp_meetings, pp_invitees, pp_budgets, pp_budget_reviews, pp_budget_triggers, pp_budget_reductions }),
    }),
    ...(parts.plan && { plan: planRowsOf({ pr_plan, pr_keyworker, pr_latest_final, pr_services }) }),
    ...(parts.reviews && { reviews: reviewRowsOf({ rv_reviews, rv_requests, rv_invitations }) }),
    ...(part && { part: part.decode(partColumns!) }),
  };
}

export type FactColumns = {
  admissions: Json[] | null; legal_statuses: Json[] | null; leaves: Json[] | null; decisions: Json[] | null;
  joint_endings: { episode_id: string; ended_on: string }[] | null; reinstatements: { episode_id: string; reinstated_on: string }[] | null; placements: Json[] | null;
};

/** factColumns' JSON back into the rows the per-table queries give. */
export function factsOfRow({ admissions, legal_statuses, leaves, decisions, joint_endings, reinstatements, placements }: FactColumns): NonNullable<PersonReadModel['facts']> {
  return {
    history: {
      admissions: (admissions ?? []).map((r) => withInstants(r, ['created_at']) as AdmissionRow),
      legalStatuses: (legal_statuses ?? []).map((r) => withInstants(r, ['created_at']) as LegalStatusRow),
      leaves: (leaves ?? []).map((r) => withInstants(r, ['created_at']) as LeaveRow),
    },
    decisions: (decisions ?? []).map((r) => ({ ...withInstants(r.d as Json, ['decided_at']), decided_by_name: r.decided_by_name ?? null, decided_by_organisation: r.decided_by_organisation ?? null }) as DecisionWithWho),
    endings: {
      jointEndings: (joint_endings ?? []).map((e) => ({ episodeId: e.episode_id, endedOn: e.ended_on })),
      reinstatements: (reinstatements ?? []).map((r) => ({ episodeId: r.episode_id, reinstatedOn: r.reinstated_on })),
    },
    placements: (placements ?? []).map((r) => withInstants(r, ['recorded_at']) as PlacementRow),
  };
}

/**
 * Every row the entitlement rules read about one person (residences, GP registrations and the facts)
 * in ONE statement instead of one query per table (issue 14): what people-repository.loadFacts
 * reads. By id only, with no visibility or merge filter, exactly as the per-table queries read.
 */
export async function loadFactRows(db: Db, personId: string): Promise<{ residences: ResidenceRow[]; gps: GpRow[] } & NonNullable<PersonReadModel['facts']>> {
  const { rows } = await sql<{ rm_residences: Json[]; rm_gps: Json[] } & FactColumns>`${PREPARED}SELECT
      ${rowsOf('residences', 't.since, t.recorded_at')} AS rm_residences,
      ${rowsOf('gp_registrations', 't.since, t.recorded_at')} AS rm_gps,
      ${factColumns()}
    FROM (SELECT ${personId}::uuid AS id) p`.execute(db);
  const { rm_residences, rm_gps, ...facts } = rows[0]!;
  return {
    residences: rm_residences.map((r) => withInstants(r, ['recorded_at']) as ResidenceRow),
    gps: rm_gps.map((r) => withInstants(r, ['recorded_at']) as GpRow),
    ...factsOfRow(facts),
  };
}
