// The database's tables as Kysely sees them. Dates come back as 'YYYY-MM-DD' strings (see database.ts).
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { LeaveKind } from '../domain/aftercare.ts';
import type { Body } from '../domain/bodies.ts';
import type { DecisionStatus } from '../domain/ending.ts';
import type { CHARGE_SOURCES } from '../domain/refunds.ts';
import type { TOP_UP_PAYER_KINDS } from '../domain/top-ups.ts';
import type { ImportJobsTable, ImportMappingsTable, ImportUndoTable } from './import-schema.ts';

type Instant = ColumnType<Date, Date | string, Date | string>;
type DefaultInstant = ColumnType<Date, Date | string | undefined, Date | string>;

export interface OrganisationsTable {
  id: string;
  code: string;
  name: string;
  type: 'local-authority' | 'icb' | 'provider';
  /** The section 117 team's telephone and email, given on letters (migration 0122); null until an admin records them. */
  telephone: Generated<string | null>;
  email: Generated<string | null>;
  created_at: DefaultInstant;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'practitioner' | 'approver' | 'finance' | 'auditor';
  organisation_id: string;
  password_hash: string | null;
  created_at: DefaultInstant;
  /** Set when an admin disables the user: no sign-in, session or token works after it. */
  disabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: DefaultInstant;
  revoked_at: Instant | null;
  /** Migrations 0030 and 0061: every token expires (client-credentials tokens after an hour). */
  expires_at: Instant;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: DefaultInstant;
  expires_at: Instant;
}

/** One counter of sign-in attempts per key ('account:<email>' or 'address:<ip>') in a window. */
export interface SignInThrottleTable {
  key: string;
  attempts: number;
  window_start: Instant;
}

export interface PeopleTable {
  id: string;
  version: Generated<number>;
  nhs_number: string | null;
  local_id: string | null;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  date_of_death: string | null;
  address_line1: string | null;
  postcode: string | null;
  created_at: DefaultInstant;
  updated_at: DefaultInstant;
  /** 0110: a registration of an NHS number already on the register, by an organisation that may not see that person (to reconcile). */
  duplicate_of: ColumnType<string | null, string | null | undefined, string | null>;
  /** 0115: a duplicate registration merged into the person already registered (kept for the audit trail, never listed). */
  merged_into: ColumnType<string | null, string | null | undefined, string | null>;
  merged_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** 0127: the import batch that inserted the row (undone with it when the batch fails midway). */
  import_batch_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** 0115: a registration of an NHS number already on the register (people.duplicate_of), and the decision on it. */
export interface DuplicateRegistrationsTable {
  id: string;
  person_id: string;
  duplicate_of: string;
  route: 'registration' | 'nhs-number-change' | 'import' | 'fhir-feed' | 'unknown';
  organisation_code: string | null;
  recorded_at: DefaultInstant;
  decision: 'merged' | 'not-the-same' | null;
  reason: string | null;
  decided_by: string | null;
  decided_by_organisation_code: string | null;
  decided_at: Instant | null;
  /** 0127: the import batch that inserted the row (undone with it when the batch fails midway). */
  import_batch_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ResidencesTable {
  id: string;
  person_id: string;
  local_authority_code: string;
  since: string;
  recorded_at: DefaultInstant;
  /** 0127: the import batch that inserted the row (undone with it when the batch fails midway). */
  import_batch_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface GpRegistrationsTable {
  id: string;
  person_id: string;
  practice_code: string | null;
  icb_code: string;
  since: string;
  recorded_at: DefaultInstant;
  /** 0127: the import batch that inserted the row (undone with it when the batch fails midway). */
  import_batch_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AdmissionsTable {
  id: string;
  person_id: string;
  version: Generated<number>;
  hospital: string;
  admitted_on: string;
  discharged_on: string | null;
  /** The provider organisation (ODS code) running the hospital, when recorded. */
  provider_code: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: DefaultInstant;
  /** 0127: the import batch that inserted the row (undone with it when the batch fails midway). */
  import_batch_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface LegalStatusesTable {
  id: string;
  person_id: string;
  version: Generated<number>;
  section: string;
  start_date: string;
  end_date: string | null;
  admission_id: string | null;
  created_at: DefaultInstant;
  /** 0127: the import batch that inserted the row (undone with it when the batch fails midway). */
  import_batch_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface LeavesTable {
  id: string;
  person_id: string;
  version: Generated<number>;
  from_date: string;
  to_date: string | null;
  kind: LeaveKind;
  triggers_aftercare: boolean;
  reason: string;
  decided_by: string | null;
  created_at: DefaultInstant;
}

export interface ResponsibilityDecisionsTable {
  id: string;
  person_id: string;
  episode_id: string;
  local_authority_code: string;
  local_authority_basis: string;
  icb_code: string;
  icb_basis: string;
  decided_by: string;
  decided_at: Instant;
  /** Set when the decision corrects an ended episode's responsibility: why. */
  correction_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** Which parts the decision confirms (migration 0105): each body confirms its own. */
  confirms_local_authority: ColumnType<boolean, boolean | undefined, boolean>;
  confirms_icb: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface PersonAllocationsTable {
  id: string;
  person_id: string;
  user_id: string;
  organisation_id: string;
  reason: string;
  allocated_at: DefaultInstant;
  ended_at: Instant | null;
  /** 0127: the import batch that inserted the row (undone with it when the batch fails midway). */
  import_batch_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface PersonSummariesTable {
  person_id: string;
  status: string;
  local_authority_code: string | null;
  icb_code: string | null;
  left_hospital_on: string | null;
  next_review_due: string | null;
  /** 0005: the earliest review due of the person's open direct payments and health budgets (DP-1(d), DP-2). */
  budget_review_due?: ColumnType<string | null, string | null | undefined, string | null>;
  refreshed_at: DefaultInstant;
  /** REV-4 (migration 0002). */
  replan_needed: Generated<boolean>;
  /** PLAN-7 (migration 0004): why leaving hospital is not ready, or null. */
  discharge_warning: Generated<string | null>;
  /** PLAN-1 (migration 0006): the day planning started while no planning meeting has been held, or null. */
  planning_needed_since: Generated<string | null>;
  /** The register's sort key, copied from people by triggers (migration 0134): never written by the code. */
  sort_family_name: Generated<string>;
  sort_given_name: Generated<string>;
}

/** MHA25-3 (migration 0111): accommodation a council arranged for the person. */
export interface PlacementsTable {
  id: string;
  person_id: string;
  local_authority_code: string;
  kind: 'care-home' | 'supported-living' | 'shared-lives';
  arranged_by_code: string;
  from_date: string;
  to_date: string | null;
  description: string | null;
  /** Whether the council arranged it as section 117 aftercare; null where not recorded (0118). */
  s117: boolean | null;
  recorded_by: string | null;
  recorded_at: DefaultInstant;
  version: Generated<number>;
}

/** Issue 9 (migration 0123): the local authority of a postcode, its sector or its district. */
export interface PostcodeAreasTable {
  prefix: string;
  local_authority_code: string;
  source: string;
}

/** Issue 9 (migration 0123): a GP practice's ICB. */
export interface GpPracticesTable {
  code: string;
  icb_code: string;
  source: string;
}

export interface PersonOrganisationsTable {
  person_id: string;
  organisation_code: string;
}

export interface AuditEventsTable {
  /** From a sequence at insert (0080): numbers a rolled-back transaction took are never used. */
  seq: Generated<number>;
  /** The inserting transaction (xid8, as text), stamped by a trigger. */
  xid: Generated<string>;
  at: Instant;
  user_id: string | null;
  organisation_id: string | null;
  action: string;
  record_type: string | null;
  record_id: string | null;
  person_id: string | null;
  request_id: string | null;
  details: ColumnType<Record<string, unknown>, string, string>;
  /** The unkeyed chain of the events written before 0080; null since (audit_seals chains them). */
  prev_hash: string | null;
  hash: string | null;
}

/** The keyed chain: one row per sealed event, position 1, 2, 3... (0080). */
export interface AuditSealsTable {
  position: number;
  seq: number;
  event_xid: string;
  leaf_hash: string;
  prev_hash: string;
  hash: string;
  sealed_at: DefaultInstant;
}

/** Signed checkpoints of the sealed log's head (0080). */
export interface AuditCheckpointsTable {
  size: number;
  root: string;
  head: string;
  at: Instant;
  key_id: string;
  signature: string;
  frontier: ColumnType<string[], string, string>;
}

type ReviewJson<T> = ColumnType<T, string, string>;

export interface ReviewsTable {
  id: string;
  person_id: string;
  episode_id: string;
  version: Generated<number>;
  held_on: string;
  invited: ReviewJson<string[]>;
  attendees: ReviewJson<string[]>;
  person_views: string | null;
  plan_working: 'yes' | 'partly' | 'no' | null;
  changes: string | null;
  /** Null only for a review imported from a previous register (0116): the sheet gave its date only. */
  outcome: 'continue' | 'change' | 'propose-ending' | null;
  notes: string;
  services_changed: ReviewJson<{ service: string; change: 'changed' | 'reduced' | 'stopped' | 'added'; detail: string | null }[]>;
  recorded_by: string;
  created_at: DefaultInstant;
  /** REV-1 (0116): the import batch that brought this review from a previous register, else null. */
  imported_batch_id: string | null;
}

export interface ReviewInvitationsTable {
  id: string;
  person_id: string;
  episode_id: string;
  planned_on: string;
  planned_time: string | null;
  place: string;
  invited: ReviewJson<string[]>;
  contact: string | null;
  recorded_by: string;
  created_at: DefaultInstant;
}

export interface ReviewRequestsTable {
  id: string;
  person_id: string;
  episode_id: string;
  requested_by: string;
  requested_on: string;
  reason: string | null;
  /** Null when the person recorded it themselves (recorded_by_person, migration 0040). */
  recorded_by: string | null;
  recorded_by_person: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: DefaultInstant;
}

export interface Database {
  organisations: OrganisationsTable;
  users: UsersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  sign_in_throttle: SignInThrottleTable;
  people: PeopleTable;
  residences: ResidencesTable;
  gp_registrations: GpRegistrationsTable;
  admissions: AdmissionsTable;
  legal_statuses: LegalStatusesTable;
  leaves: LeavesTable;
  responsibility_decisions: ResponsibilityDecisionsTable;
  person_allocations: PersonAllocationsTable;
  person_summaries: PersonSummariesTable;
  placements: PlacementsTable;
  postcode_areas: PostcodeAreasTable;
  gp_practices: GpPracticesTable;
  person_organisations: PersonOrganisationsTable;
  duplicate_registrations: DuplicateRegistrationsTable;
  audit_events: AuditEventsTable;
  audit_seals: AuditSealsTable;
  audit_checkpoints: AuditCheckpointsTable;
  reviews: ReviewsTable;
  review_invitations: ReviewInvitationsTable;
  review_requests: ReviewRequestsTable;
  plans: PlansTable;
  plan_versions: PlanVersionsTable;
  schema_migrations: { version: string; applied_at: DefaultInstant };
  funding_policies: FundingPoliciesTable;
  services: ServicesTable;
  budgets: BudgetsTable;
  budget_reviews: BudgetReviewsTable;
  budget_reductions: BudgetReductionsTable;
  budget_review_triggers: BudgetReviewTriggersTable;
  ending_proposals: EndingProposalsTable;
  ending_approvals: EndingApprovalsTable;
  reinstatements: ReinstatementsTable;
  reinstatement_approvals: ReinstatementApprovalsTable;
  complaints: ComplaintsTable;
  keyworker_details: KeyworkerDetailsTable;
  planning_meetings: PlanningMeetingsTable;
  meeting_invitees: MeetingInviteesTable;
  advocacy_referrals: AdvocacyReferralsTable;
  tribunal_recommendations: TribunalRecommendationsTable;
  charges: ChargesTable;
  refunds: RefundsTable;
  top_up_agreements: TopUpAgreementsTable;
  disputes: DisputesTable;
  service_payments: ServicePaymentsTable;
  // Issue 12 (migration 0030): FHIR feed, system accounts, change notifications.
  system_accounts: SystemAccountsTable; fhir_feed_links: FhirFeedLinksTable; subscriptions: SubscriptionsTable; notification_states: NotificationStatesTable; outbox_events: OutboxEventsTable; deliveries: DeliveriesTable;
  import_jobs: ImportJobsTable;
  import_mappings: ImportMappingsTable;
  import_undo: ImportUndoTable;
  user_identities: IdentitiesTable & { user_id: string };
  person_identities: IdentitiesTable & { person_id: string };
  person_sessions: PersonSessionsTable;
  plan_sharing_consents: PlanSharingConsentsTable;
  report_snapshots: ReportSnapshotsTable;
  report_summaries: ReportSummariesTable;
  report_summary_people: ReportSummaryPeopleTable;
  service_costs: ServiceCostsTable;
  // Issue 13 item 5 (migration 0130): the summaries kept in step with the facts.
  report_dirty_people: { id: Generated<string>; person_id: string; marked_at: DefaultInstant };
  report_person_contributions: { snapshot_id: string; person_id: string; contribution: ColumnType<unknown, string, string> };
  report_summary_deltas: ReportSummariesTable & { id: Generated<string> };
  report_summary_people_deltas: { id: Generated<string>; snapshot_id: string; scope: string; people: number };
  report_summariser: { id: number; runs: Generated<string>; last_run_at: Instant | null };
  // Several processes (migration 0090): shared rate limits and scheduled jobs.
  rate_limit_counters: { key: string; hits: number; window_ends: Date }; scheduled_jobs: ScheduledJobsTable; scheduled_job_runs: ScheduledJobRunsTable;
}

// Sign-in with OpenID Connect and the person's own pages (migration 0040).
export interface IdentitiesTable {
  issuer: string;
  subject: string;
  created_at: DefaultInstant;
}

export interface PersonSessionsTable {
  token_hash: string;
  person_id: string;
  created_at: DefaultInstant;
  expires_at: Date;
}

export interface PlanSharingConsentsTable {
  id: string;
  person_id: string;
  name: string;
  relationship: string | null;
  consented_on: string | null;
  withdrawn_on: string | null;
  recorded_by_person: string | null;
  recorded_by: string | null;
  created_at: DefaultInstant;
  updated_at: DefaultInstant;
}
export type PlanSharingConsentRow = Selectable<PlanSharingConsentsTable>;

// Care and support plans (migration 0004): the draft and its immutable finalised versions.
export interface PlansTable {
  id: string;
  person_id: string;
  content: ColumnType<unknown, string, string>;
  version: Generated<number>;
  finalised_number: number | null;
  updated_by: string | null;
  created_at: DefaultInstant;
  updated_at: DefaultInstant;
}

export interface PlanVersionsTable {
  id: string;
  person_id: string;
  number: number;
  content: ColumnType<unknown, string, never>;
  finalised_by: string;
  finalised_at: Instant;
}

export type PersonRow = Selectable<PeopleTable>;
export type NewPerson = Insertable<PeopleTable>;
export type UserRow = Selectable<UsersTable>;
export type OrganisationRow = Selectable<OrganisationsTable>;
export type AdmissionRow = Selectable<AdmissionsTable>;
export type LegalStatusRow = Selectable<LegalStatusesTable>;
export type LeaveRow = Selectable<LeavesTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type ReviewRow = Selectable<ReviewsTable>;
export type ReviewInvitationRow = Selectable<ReviewInvitationsTable>;
export type ReviewRequestRow = Selectable<ReviewRequestsTable>;

// 0005: services and funding: joint funding policies, services, budgets.
type Json<T> = ColumnType<T, string, string>;

export interface FundingPoliciesTable {
  id: string;
  partnership_name: string;
  local_authority_code: string;
  icb_code: string;
  version: number;
  effective_from: string;
  splits: Json<Record<string, { localAuthorityPercent: number; icbPercent: number }>>;
  notes: string | null;
  created_by: string;
  created_at: DefaultInstant;
}

export interface ServicesTable {
  id: string;
  person_id: string;
  episode_id: string | null;
  version: Generated<number>;
  description: string;
  category: string;
  care_type: 'health' | 'social' | 'mixed';
  s117: boolean;
  arises_from_mental_disorder: boolean | null;
  reduces_risk_of_deterioration: boolean | null;
  scope_rationale: string | null;
  need_id: string | null;
  provider: string;
  la_percent: number;
  icb_percent: number;
  policy_id: string | null;
  funding_override_reason: string | null;
  /** RESP-7 (0075): the recorded split when it awaits or had an approval; la/icb_percent are the effective split. */
  proposed_la_percent: Generated<number | null>;
  proposed_icb_percent: Generated<number | null>;
  split_awaiting: Generated<'local-authority' | 'icb' | null>;
  split_approved_body: Generated<'local-authority' | 'icb' | null>;
  split_approved_by: Generated<string | null>;
  split_approved_at: Generated<Date | null>;
  weekly_cost_pence: number;
  person_contribution_pence: Generated<number>;
  start_date: string;
  end_date: string | null;
  confirmed_on: string | null;
  accommodation_type: string | null;
  enhanced_features: Json<string[]> | null;
  accommodation_reason: string | null;
  involuntary_placement: boolean | null;
  rent_decision: Json<{ decision: string; reason: string; decidedOn: string; decidedBy?: string }> | null;
  budget: 'direct-payment' | 'personal-health-budget' | null;
  created_by: string;
  created_at: DefaultInstant;
  updated_by: string | null;
  updated_at: DefaultInstant;
  /** 0127: the import batch that inserted the row (undone with it when the batch fails midway). */
  import_batch_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface BudgetsTable {
  id: string;
  person_id: string;
  version: Generated<number>;
  kind: 'direct-payment' | 'personal-health-budget';
  holder_body: Body;
  holder_code: string | null;
  service_ids: Json<string[]>;
  payee_relationship: string;
  payee_is_close_relative_in_household: boolean;
  necessity_reason: string | null;
  start_date: string;
  end_date: string | null;
  amount_pence_per_week: number;
  offered_on: string | null;
  created_by: string;
  created_at: DefaultInstant;
  /** 0009: DP-1(a), DP-1(c), DP-2, changes and ending. */
  drug_or_alcohol_requirement: ColumnType<boolean, boolean | undefined, boolean>;
  capacity: ColumnType<'has' | 'lacks', 'has' | 'lacks' | undefined, 'has' | 'lacks'>;
  consents: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
  authorised_person: ColumnType<{ name: string; relationship: string } | null, string | null | undefined, string | null>;
  consultation_recorded_on: ColumnType<string | null, string | null | undefined, string | null>;
  enhanced_dbs_checked_on: ColumnType<string | null, string | null | undefined, string | null>;
  care_plan: ColumnType<Record<string, string | number | null> | null, string | null | undefined, string | null>;
  paying_from: ColumnType<string | null, string | null | undefined, string | null>;
  refused_on: ColumnType<string | null, string | null | undefined, string | null>;
  refusal_reasons: ColumnType<string | null, string | null | undefined, string | null>;
  end_reason: ColumnType<string | null, string | null | undefined, string | null>;
  updated_by: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** 0009: DP-2 reductions or stopping, with written notice. */
export interface BudgetReductionsTable {
  id: string;
  budget_id: string;
  previous_amount_pence_per_week: number;
  new_amount_pence_per_week: number;
  notice_given_on: string;
  effective_on: string;
  further_review_requested_on: string | null;
  recorded_by: string;
  recorded_at: DefaultInstant;
}

/** 0009: DP-1(d) events that make a review due now. */
export interface BudgetReviewTriggersTable {
  id: string;
  budget_id: string;
  kind: 'suspected-breach' | 'change-in-capacity';
  occurred_on: string;
  recorded_by: string;
  recorded_at: DefaultInstant;
}

export interface BudgetReviewsTable {
  id: string;
  budget_id: string;
  held_on: string;
  reason: string;
  recorded_by: string;
  recorded_at: DefaultInstant;
}

export type FundingPolicyRow = Selectable<FundingPoliciesTable>;
export type ServiceRow = Selectable<ServicesTable>;
export type BudgetRow = Selectable<BudgetsTable>;
export type BudgetReviewRow = Selectable<BudgetReviewsTable>;
export type BudgetReductionRow = Selectable<BudgetReductionsTable>;
export type BudgetReviewTriggerRow = Selectable<BudgetReviewTriggersTable>;

// Ending and reinstating aftercare, complaints (migration 0003).
// (Json<T> as above: a jsonb column written as a JSON string.)

export interface EndingProposalsTable {
  id: string;
  person_id: string;
  episode_id: string;
  version: Generated<number>;
  reason_code: string;
  reasons: string;
  reassessed_on: string;
  person_involved: boolean;
  person_not_involved_reason: string | null;
  involved: Json<string[]>;
  continuing_outside_s117: string | null;
  override_reason: string | null;
  proposed_by: string;
  proposed_at: Instant;
  status: ColumnType<DecisionStatus, DecisionStatus | undefined, DecisionStatus>;
  notice_sent_on: string | null;
  notice_recorded_by: string | null;
  ended_on: string | null;
  withdrawn_by: string | null;
  withdrawn_at: Instant | null;
  /** Issue 9 item 3 (migration 0106): a refusal or a sending back, by whom, when, for which body, why. */
  decided_by: ColumnType<string | null, string | null | undefined, string | null>;
  decided_at: Instant | null;
  decision_side: ColumnType<Body | null, Body | null | undefined, Body | null>;
  decision_reasons: ColumnType<string | null, string | null | undefined, string | null>;
  /** END-7: the s117 services that carry on outside s117 once aftercare ends. */
  continuing_service_ids: ColumnType<string[], string | undefined, string>;
}

export interface EndingApprovalsTable {
  id: string;
  proposal_id: string;
  side: Body;
  organisation_code: string;
  approver_id: string;
  approved_at: Instant;
  approved_on: string;
  /** The approver's comment (migration 0106). */
  comment: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ReinstatementsTable {
  id: string;
  person_id: string;
  episode_id: string;
  version: Generated<number>;
  reasons: string;
  requested_by: string;
  requested_at: Instant;
  status: ColumnType<DecisionStatus, DecisionStatus | undefined, DecisionStatus>;
  reinstated_on: string | null;
  /** Issue 9 items 3 and 9 (migration 0117): a refusal or a sending back, by whom, when, for which body, why. */
  decided_by: ColumnType<string | null, string | null | undefined, string | null>;
  decided_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  decision_side: ColumnType<Body | null, Body | null | undefined, Body | null>;
  decision_reasons: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ReinstatementApprovalsTable {
  id: string;
  reinstatement_id: string;
  side: Body;
  organisation_code: string;
  approver_id: string;
  approved_at: Instant;
  approved_on: string;
  /** The approver's comment (migration 0106). */
  comment: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ComplaintsTable {
  id: string;
  person_id: string;
  version: Generated<number>;
  against: 'local-authority' | 'nhs' | 'both';
  route: 'keyworker' | 'pals' | 'formal' | 'lgsco' | 'phso' | 'cqc' | 'legal';
  received_on: string;
  aware_on: string;
  subject: string;
  linked_decision_ids: Json<string[]>;
  faults: Json<string[]>;
  outcome: string | null;
  outcome_on: string | null;
  learning: string | null;
  /** Null when the person recorded it themselves (recorded_by_person, migration 0040). */
  recorded_by: string | null;
  recorded_by_person: string | null;
  created_at: DefaultInstant;
  updated_at: DefaultInstant;
}

export type EndingProposalRow = Selectable<EndingProposalsTable>;
export type EndingApprovalRow = Selectable<EndingApprovalsTable>;
export type ReinstatementRow = Selectable<ReinstatementsTable>;
export type ReinstatementApprovalRow = Selectable<ReinstatementApprovalsTable>;
export type ComplaintRow = Selectable<ComplaintsTable>;

// Keyworkers, planning meetings, advocacy and tribunal recommendations (migration 0006).
export interface KeyworkerDetailsTable {
  allocation_id: string;
  job_title: string | null;
  team: string | null;
  phone: string | null;
  email: string | null;
}

export interface PlanningMeetingsTable {
  id: string;
  person_id: string;
  episode_id: string | null;
  version: Generated<number>;
  trigger: string;
  scheduled_for: string;
  place: string | null;
  held_on: string | null;
  person_views: string | null;
  minutes: string | null;
  person_wants_carer_family: Generated<boolean>;
  created_by: string;
  created_at: DefaultInstant;
  updated_at: DefaultInstant;
}

export interface MeetingInviteesTable {
  id: string;
  meeting_id: string;
  role: string;
  name: string | null;
  organisation: string | null;
  invited_on: string;
  response: 'attended' | 'apologies' | 'did-not-attend' | null;
}

export interface AdvocacyReferralsTable {
  id: string;
  person_id: string;
  version: Generated<number>;
  kind: 'imha' | 'care-act' | 'imca' | 'general';
  referred_on: string;
  provider: string | null;
  outcome: string | null;
  involvement: string | null;
  consent_to_records: ColumnType<unknown, string | null, string | null>;
  care_act_test: ColumnType<unknown, string | null, string | null>;
  /** Null when the person recorded it themselves (created_by_person, migration 0040). */
  created_by: string | null;
  created_by_person: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: DefaultInstant;
}

export interface TribunalRecommendationsTable {
  id: string;
  person_id: string;
  episode_id: string | null;
  version: Generated<number>;
  hearing_on: string;
  recommendation: string;
  response: string | null;
  responded_on: string | null;
  responded_by: string | null;
  created_by: string;
  created_at: DefaultInstant;
}

// 0007: charges and refunds, top-ups, disputes, recharges.
export interface ChargesTable {
  id: string;
  person_id: string;
  period_from: string;
  period_to: string;
  amount_pence: number;
  paid_on: string;
  description: string;
  service_id: string | null;
  source: (typeof CHARGE_SOURCES)[number];
  import_reference: string | null;
  created_by: string;
  created_at: DefaultInstant;
}

export interface RefundsTable {
  id: string;
  person_id: string;
  calculated_on: string;
  interest_basis_points: number;
  lines: ColumnType<unknown, string, string>;
  total_principal_pence: number;
  total_interest_pence: number;
  status: ColumnType<'calculated' | 'approved' | 'paid', 'calculated' | 'approved' | 'paid' | undefined, 'calculated' | 'approved' | 'paid'>;
  approved_by: string | null;
  approved_on: string | null;
  paid_on: string | null;
  payment_method: string | null;
  letter_sent_on: string | null;
  version: Generated<number>;
  created_by: string;
  created_at: DefaultInstant;
}

export interface TopUpAgreementsTable {
  id: string;
  person_id: string;
  service_id: string;
  version: Generated<number>;
  preferred_accommodation: string;
  conditions: ColumnType<unknown, string, string>;
  terms: ColumnType<unknown, string, string>;
  payer_kind: (typeof TOP_UP_PAYER_KINDS)[number] | null;
  payer_relationship: string | null;
  signed_on: string | null;
  refused_on: string | null;
  refusal_reasons: string | null;
  created_by: string;
  created_at: DefaultInstant;
  updated_by: string | null;
  updated_at: DefaultInstant;
}

export interface DisputesTable {
  id: string;
  person_id: string;
  version: Generated<number>;
  party_a_kind: Body;
  party_a_code: string;
  party_b_kind: Body;
  party_b_code: string;
  subject: string;
  details: string | null;
  interim_funder_code: string;
  raised_on: string;
  referred_on: string | null;
  person_told_on: string | null;
  resolved_on: string | null;
  resolution: string | null;
  created_by: string;
  created_at: DefaultInstant;
  updated_by: string | null;
  updated_at: DefaultInstant;
}

export interface ServicePaymentsTable {
  id: string;
  service_id: string;
  body: Body;
  organisation_code: string;
  period_from: string;
  period_to: string;
  amount_pence: number;
  paid_on: string;
  created_by: string;
  created_at: DefaultInstant;
}

export type ChargeRow = Selectable<ChargesTable>;
export type RefundRow = Selectable<RefundsTable>;
export type TopUpAgreementRow = Selectable<TopUpAgreementsTable>;
export type DisputeRow = Selectable<DisputesTable>;
export type ServicePaymentRow = Selectable<ServicePaymentsTable>;

// Issue 12 (migration 0030).
export interface SystemAccountsTable {
  user_id: string;
  client_id: string;
  client_secret_hash: string;
  scopes: string[];
  created_at: DefaultInstant;
  revoked_at: Instant | null;
}

export interface FhirFeedLinksTable {
  organisation_id: string;
  resource_type: 'Patient' | 'Encounter';
  system: string;
  value: string;
  person_id: string;
  admission_id: string | null;
  legal_status_id: string | null;
  created_at: DefaultInstant;
  updated_at: DefaultInstant;
}

export interface SubscriptionsTable {
  id: string;
  organisation_id: string;
  scope_organisation_code: string | null;
  url: string;
  events: string[];
  secret: string;
  created_by: string;
  created_at: DefaultInstant;
  deleted_at: Instant | null;
}

export interface NotificationStatesTable {
  person_id: string;
  state: ColumnType<unknown, string | null, string | null>;
}

export interface OutboxEventsTable {
  id: string;
  event: string;
  person_id: string;
  episode_id: string | null;
  service_id: string | null;
  occurred_at: Instant;
}

export interface DeliveriesTable {
  id: string;
  subscription_id: string;
  event_id: string;
  status: 'pending' | 'delivered';
  attempts: Generated<number>;
  next_attempt_at: Instant;
  last_attempt_at: Instant | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Instant | null;
  created_at: DefaultInstant;
}

// Issue 13: the register report's summaries (migration 0095) and services' cost history (0096).
export interface ReportSnapshotsTable {
  id: string;
  built_on: string;
  settings: string;
  started_at: Instant;
  finished_at: Instant | null;
  people: Generated<number>;
  /** Migration 0130: the snapshot keeps each person's contribution, so the summariser keeps it in step. */
  in_step: Generated<boolean>;
}

export interface ReportSummariesTable {
  snapshot_id: string;
  period_from: string;
  as_of: string;
  scope: string;
  part: 'base' | 'money' | 'money-own';
  local_authority_code: string | null;
  icb_code: string | null;
  figures: ColumnType<unknown, string, string>;
}

export interface ReportSummaryPeopleTable {
  snapshot_id: string;
  scope: string;
  people: number;
}

export interface ServiceCostsTable {
  service_id: string;
  effective_from: string;
  weekly_cost_pence: number;
  recorded_by: string | null;
  recorded_at: DefaultInstant;
}

// Several processes (migration 0090): a scheduled job's lease and its runs.
export interface ScheduledJobsTable {
  name: string;
  locked_by: string | null;
  locked_until: Date | null;
  last_started_at: Date | null;
  last_finished_at: Date | null;
  last_error: string | null;
  runs: ColumnType<number, number | undefined, number>;
}

export interface ScheduledJobRunsTable {
  id: string;
  name: string;
  process: string;
  started_at: Date;
  finished_at: Date;
  error: string | null;
}
