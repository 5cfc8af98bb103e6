// Wires the use cases to the database. The API, the pages and the command line all call these.
import { DEFAULT_REVIEW_SETTINGS, type ReviewSettings } from '../domain/reviews.ts';
import type { Db } from '../data/database.ts';
import { createUseCases } from './kernel/use-case.ts';
import { createPersonPageService } from './person-page/person-page-service.ts';
import { createAccountService } from './accounts/accounts-service.ts';
import { createUserAdmin } from './accounts/user-admin.ts';
import { createAuditService } from './audit/audit-service.ts';
import { createComplaintsService } from './complaints/complaints-service.ts';
import { createEndingService } from './ending/ending-service.ts';
import { createHealthService } from './health/health-service.ts';
import { createLegalHistoryService } from './legal-history/legal-history-service.ts';
import { createPeopleService, REGISTER_COUNT_CAP } from './people/people-service.ts';
import { createBodyProposalService } from './people/body-proposals.ts';
import { createKeyworkerService } from './keyworkers/keyworkers-service.ts';
import { createPlanningService } from './planning/planning-service.ts';
import { createAdvocacyService } from './advocacy/advocacy-service.ts';
import { createPlanService } from './plans/plans-service.ts';
import { createReminderService } from './reminders/reminders-service.ts';
import { createReviewService } from './reviews/reviews-service.ts';
import { createCareServicesService } from './care-services/care-services-service.ts';
import { createFundingPolicyService } from './funding-policies/funding-policies-service.ts';
import { createBudgetService } from './budgets/budgets-service.ts';
import { createRefundsService } from './refunds/refunds-service.ts';
import { createTopUpsService } from './top-ups/top-ups-service.ts';
import { createDisputesService } from './disputes/disputes-service.ts';
import { createRechargesService } from './recharges/recharges-service.ts';
import { createMoneyPageService } from './money-page/money-page-service.ts';
import { createFhirService } from './fhir/fhir-service.ts';
import { createFhirFeedService } from './fhir/feed-service.ts';
import { createSystemAccountService } from './system-accounts/system-accounts-service.ts';
import { createSubscriptionsService } from './subscriptions/subscriptions-service.ts';
import { createDeliveryWorker } from './subscriptions/delivery-worker.ts';
import { createImportsService, defaultImportCommits, type ImportCommits } from './imports/imports-service.ts';
import { createReportsService } from './reports/reports-service.ts';
import { createSignInService } from './sign-in/sign-in-service.ts';
import { createYourAftercareService } from './your-aftercare/your-aftercare-service.ts';
import type { IdentitySettings } from '../identity-config.ts';
import type { AuditServiceSettings } from './audit/audit-service.ts';
import type { IdentityCache } from './kernel/identity-cache.ts';
import { createDuplicatesService } from './duplicates/duplicates-service.ts';
import { createHousekeepingService } from './housekeeping/housekeeping-service.ts';

export interface ServicesOptions {
  clock?: () => Date;
  /** Issue 14: the register page counts its matches up to this many, then says "more than" (default 1,000). */
  registerCountCap?: number;
  reviews?: Partial<ReviewSettings>;
  sessionHours?: number;
  /** MHA25-2: aftercare ends only once the joint written notice is sent (S117_MHA2025_JOINT_NOTICE). */
  mha2025JointNotice?: boolean;
  /** MHA25-3: deemed ordinary residence (S117_MHA2025_DEEMED_RESIDENCE, off by default). */
  mha2025DeemedResidence?: boolean;
  /** SCOPE-7: S117_FREE_PRESCRIPTIONS (wording only). */
  freePrescriptions?: boolean;
  /** MHA25-4: S117_MHA2025_IMHA (IMHAs for informal patients), off by default. */
  mha2025Imha?: boolean;
  /** CHG-2: S117_REFUND_INTEREST_BASIS_POINTS (default 800 = 8%). */
  refundInterestBasisPoints?: number;
  /** DP-1(e): S117_DP_CARE_HOME_SCH2 (the local authority is listed in Sch 2), off by default. */
  dpCareHomeSch2?: boolean;
  /** Issue 12: in production webhooks must be HTTPS to another machine; the receivers' timeout. */
  production?: boolean;
  webhookTimeoutMs?: number;
  /** Issue 11: single sign-on for staff and NHS login for the person (S117_SSO_*, S117_NHS_LOGIN_*, S117_LOCAL_PASSWORDS). */
  identity?: IdentitySettings;
  /** Issue 14 item 4: the audit log's key (S117_AUDIT_KEY), checkpoint folder and sealer interval. */
  audit?: AuditServiceSettings;
  /** Issue 14: "who is asking" remembered for a few seconds, revocations announced by the database (register.ts). */
  identityCache?: IdentityCache;
  /** Issue 14: count request rate limits in the database, shared by every process (PostgreSQL). */
  sharedRateLimits?: boolean;
  /**
   * Issue 10 (ADR 0011): how an import commits. By default the engine decides (imports-service.ts
   * defaultImportCommits: the embedded database commits chunk by chunk); tests force either.
   */
  importCommits?: ImportCommits;
  /** Rows an import chunk takes (500); tests take fewer. */
  importChunkRows?: number;
}

export function createServices(db: Db, options: ServicesOptions = {}) {
  const clock = options.clock ?? (() => new Date());
  const reviews = { ...DEFAULT_REVIEW_SETTINGS, ...options.reviews };
  // The law's settings go with the services made, so two registers in one process may differ.
  const law = { deemedResidence: options.mha2025DeemedResidence ?? false };
  // One way through every use case on a person's record (kernel/use-case.ts).
  const importCommits = options.importCommits ?? defaultImportCommits(db);
  const useCases = createUseCases(db, { clock, reviews, law, importsInParts: importCommits === 'per-chunk' });
  const shared = { clock, reviews, useCases };
  const refunds = createRefundsService({ ...shared, refundInterestBasisPoints: options.refundInterestBasisPoints ?? 800 });
  const topUps = createTopUpsService(shared);
  const disputes = createDisputesService(shared);
  const recharges = createRechargesService(shared);
  return {
    accounts: createAccountService(db, { clock, sessionHours: options.sessionHours ?? 8, identityCache: options.identityCache }),
    people: createPeopleService(db, { ...shared, registerCountCap: options.registerCountCap ?? REGISTER_COUNT_CAP }),
    bodyProposals: createBodyProposalService(db),
    duplicates: createDuplicatesService({ useCases, reviews }),
    legalHistory: createLegalHistoryService(shared),
    keyworkers: createKeyworkerService(db, shared),
    planning: createPlanningService(db, shared),
    advocacy: createAdvocacyService(db, { ...shared, mha2025Imha: options.mha2025Imha ?? false }),
    personPage: createPersonPageService({ useCases, mha2025Imha: options.mha2025Imha ?? false }),
    audit: createAuditService(db, { ...shared, log: options.audit }),
    ending: createEndingService(db, { ...shared, jointNoticeRequired: options.mha2025JointNotice ?? false }),
    complaints: createComplaintsService(shared),
    plans: createPlanService(db, shared),
    reviews: createReviewService(db, shared),
    reminders: createReminderService(db, { clock }),
    careServices: createCareServicesService(db, { ...shared, freePrescriptions: options.freePrescriptions ?? false }),
    fundingPolicies: createFundingPolicyService(shared),
    budgets: createBudgetService(db, { ...shared, careHomeSch2: options.dpCareHomeSch2 ?? false, freePrescriptions: options.freePrescriptions ?? false }),
    refunds,
    topUps,
    disputes,
    recharges,
    // The money routes, pages and command line call the four through one name.
    money: { ...refunds, ...topUps, ...disputes, ...recharges },
    moneyPage: createMoneyPageService({ useCases, freePrescriptions: options.freePrescriptions ?? false }),
    health: createHealthService(db),
    fhir: createFhirService(shared),
    fhirFeed: createFhirFeedService(shared),
    systemAccounts: createSystemAccountService(db, { clock }),
    subscriptions: createSubscriptionsService({ useCases, production: options.production ?? false }),
    deliveries: createDeliveryWorker(db, { clock, timeoutMs: options.webhookTimeoutMs }),
    imports: createImportsService(db, { ...shared, commits: importCommits, chunkRows: options.importChunkRows }),
    reports: createReportsService({ useCases, reviews, db, clock }),
    signIn: createSignInService(db, { clock, sessionHours: options.sessionHours ?? 8, identity: options.identity }),
    housekeeping: createHousekeepingService(db, { clock, sharedRateLimits: options.sharedRateLimits ?? false }),
    userAdmin: createUserAdmin({ useCases }),
    yourAftercare: createYourAftercareService(db, { useCases, clock, reviews, law, mha2025Imha: options.mha2025Imha ?? false, ending: { jointNoticeRequired: options.mha2025JointNotice ?? false } }),
  };
}

export type Services = ReturnType<typeof createServices>;
