// Advocacy: IMHA eligibility on a date with its reason (ADV-1, ADV-2, MHA25-4 behind a setting),
// advocacy referrals with the advocate's involvement and the records-access decision (ADV-3), the
// Care Act advocate (ADV-4, CONTESTED for s117-only processes: offered by default), and tribunal
// aftercare recommendations with their responses (MHA25-1).
import { randomUUID } from 'node:crypto';
import {
  careActAdvocateDue, imhaEligibility, imhaRecordsAccess, imhaReferralViolations, referralViolations, tribunalResponseViolations, type CareActAdvocateTest, type RecordsConsent,
} from '../../domain/advocacy.ts';
import type { PersonFacts } from '../../domain/aftercare.ts';
import { todayInLondon, type IsoDate } from '../../domain/dates.ts';
import type { Db } from '../../data/database.ts';
import * as advocacy from '../../data/advocacy-repository.ts';
import * as people from '../../data/people-repository.ts';
import { loadPersonReadModel, partsTogether } from '../../data/person-read-model.ts';
import type { PersonRow } from '../../data/schema.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { NotFoundError, ValidationError } from '../kernel/errors.ts';
import { factsOfModel, viewOfModel, type ServiceOptions } from '../people/people-service.ts';
import { deriveAftercare, isUuid, rejectFutureDates } from '../kernel/person-record.ts';
import { checkVersion, mustHaveUpdated } from '../kernel/use-case.ts';
import { ImhaQueryInput, ReferralInput, ReferralUpdateInput, TribunalRecommendationInput, TribunalResponseInput } from './advocacy-inputs.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { keyText, pageInMemory, pageQuery, type Page } from '../kernel/paging.ts';

export interface AdvocacyOptions extends ServiceOptions {
  /** MHA25-4: IMHAs for informal patients (S117_MHA2025_IMHA). Off by default. */
  mha2025Imha?: boolean;
}

type ReferralRow = NonNullable<Awaited<ReturnType<typeof advocacy.findReferral>>>;
type RecommendationRow = NonNullable<Awaited<ReturnType<typeof advocacy.findRecommendation>>>;
type CareActAnswers = CareActAdvocateTest & { process: 'care-act' | 's117-only' };

/** jsonb comes back parsed from PostgreSQL, and as parsed JSON from PGlite too; a string is parsed here. */
function json<T>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function referralView(row: ReferralRow) {
  const consent = json<RecordsConsent>(row.consent_to_records);
  const careAct = json<CareActAnswers>(row.care_act_test);
  return {
    id: row.id,
    version: row.version,
    kind: row.kind,
    referredOn: row.referred_on,
    provider: row.provider,
    outcome: row.outcome,
    involvement: row.involvement,
    consentToRecords: consent,
    /** ADV-3: whether the IMHA may inspect the after-care records under the recorded decision. */
    recordsAccess: row.kind === 'imha' ? imhaRecordsAccess(consent) : null,
    careActTest: careAct,
    careActAdvocate: careAct ? careActAdvocateDue(careAct, careAct.process) : null,
    /** The person asked for an advocate themselves from their own pages: someone must now refer them. */
    requestedByPerson: row.created_by_person !== null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function recommendationView(row: RecommendationRow) {
  return {
    id: row.id,
    version: row.version,
    episodeId: row.episode_id,
    hearingOn: row.hearing_on,
    recommendation: row.recommendation,
    response: row.response,
    respondedOn: row.responded_on,
    respondedBy: row.responded_by,
    rule: 'MHA25-1',
    createdAt: new Date(row.created_at).toISOString(),
  };
}

type ReferralView = ReturnType<typeof referralView>;
type RecommendationView = ReturnType<typeof recommendationView>;

/** ADV-4: what the page and API say about the Care Act advocate before any test is recorded. */
export const CARE_ACT_DEFAULT = {
  rule: 'ADV-4',
  contested: true,
  duty: 'offer' as const,
  reason: 'Offer a Care Act advocate if they would have substantial difficulty taking part in planning and there is no appropriate person to support them '
    + '(or whatever the support, if a hospital stay of 28 days or a care home stay of 8 weeks is likely). Section 117 planning is not itself listed in Care Act s67, '
    + 'so whether one must be provided is contested; the register’s default is to offer one.',
};

/**
 * ADV-1: whether the person qualifies for an IMHA on the date `on`, and why, with the ADV-4 default:
 * what advocacy.imhaEligibility answers, read in the caller's transaction with no audit (for
 * composite pages). `mha2025Imha`: the MHA25-4 setting.
 */
export async function imhaEligibilityPart(trx: Db, person: PersonRow, on: IsoDate, mha2025Imha: boolean, known?: PersonFacts) {
  return imhaEligibilityOf(known ?? (await people.loadFacts(trx, person)), on, mha2025Imha);
}

/** The IMHA eligibility panel from facts already read (no query). */
export function imhaEligibilityOf(facts: PersonFacts, on: IsoDate, mha2025Imha: boolean) {
  const result = imhaEligibility(facts, on, { informalPatientsIncluded: mha2025Imha });
  return { on, ...result, mha2025ImhaExtension: mha2025Imha, careActAdvocate: CARE_ACT_DEFAULT };
}

/** The person's advocacy referrals, latest first (paging null: all), from their rows (a read model's): no query. */
function referralsOf(all: ReferralRow[], paging: Page | null) {
  // Latest first, by a keyset on (referred on, recorded, id).
  const { page: rows, nextCursor } = paging ? pageInMemory(all, paging, ['desc', 'desc', 'asc'], (r) => [keyText(r.referred_on), keyText(r.created_at), r.id]) : { page: all, nextCursor: null };
  return { items: rows.map(referralView), nextCursor };
}

/** The person's tribunal recommendations, latest first (paging null: all), from their rows (a read model's): no query. */
function recommendationsOf(all: RecommendationRow[], paging: Page | null) {
  // Latest first, by a keyset on (hearing on, recorded, id).
  const { page: rows, nextCursor } = paging ? pageInMemory(all, paging, ['desc', 'desc', 'asc'], (r) => [keyText(r.hearing_on), keyText(r.created_at), r.id]) : { page: all, nextCursor: null };
  return { items: rows.map(recommendationView), nextCursor };
}

async function findOwnReferral(trx: Db, personId: string, id: string, expectedVersion: number | null) {
  const row = isUuid(id) ? await advocacy.findReferral(trx, id) : undefined;
  if (!row || row.person_id !== personId) throw new NotFoundError('advocacy referral');
  checkVersion('referral', expectedVersion, row.version);
  return row;
}

async function findOwnRecommendation(trx: Db, personId: string, id: string, expectedVersion: number | null) {
  const row = isUuid(id) ? await advocacy.findRecommendation(trx, id) : undefined;
  if (!row || row.person_id !== personId) throw new NotFoundError('tribunal recommendation');
  checkVersion('recommendation', expectedVersion, row.version);
  return row;
}

export function createAdvocacyService(db: Db, { clock, useCases, mha2025Imha = false }: AdvocacyOptions) {
  const { law } = useCases;
  const today = () => todayInLondon(clock());

  return {
    /** ADV-1: does the person qualify for an IMHA on the date (default today), and why. */
    async imhaEligibility(actor: Actor, personId: string, query: unknown = {}) {
      requirePermission(actor, 'person:read');
      const { on = today() } = parseInput(ImhaQueryInput, query);
      const audit = (r: { eligible: boolean; rule: string }) => ({ action: 'advocacy.imha-eligibility', details: { on, eligible: r.eligible, rule: r.rule } });
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { facts: true }),
        ({ model }) => imhaEligibilityOf(factsOfModel(model, law), on, mha2025Imha),
      );
    },

    async listReferrals(actor: Actor, personId: string, query?: unknown) {
      requirePermission(actor, 'person:read');
      const paging = pageQuery(query);
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit: { action: 'advocacy-referral.list' } },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, {}, undefined, advocacy.REFERRALS_PART),
        ({ model }) => referralsOf(model.part, paging),
      );
    },

    /**
     * The advocacy page: the person's heading, IMHA eligibility today, the referrals and the tribunal
     * recommendations, read in one use case with one advocacy-referral.list event naming the parts
     * (with the eligibility's date, answer and rule, as its own read records them).
     */
    async page(actor: Actor, personId: string) {
      const parts = ['person', 'imha-eligibility', 'advocacy-referrals', 'tribunal-recommendations'];
      const audit = (r: { imha: { on: IsoDate; eligible: boolean; rule: string } }) => ({ action: 'advocacy-referral.list', details: { parts, on: r.imha.on, eligible: r.imha.eligible, rule: r.imha.rule } });
      const part = partsTogether({ referrals: advocacy.REFERRALS_PART, recommendations: advocacy.RECOMMENDATIONS_PART });
      // The event names the eligibility's answer, known only once the facts are read: the read model, then the event.
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { summary: true, facts: true }, undefined, part),
        ({ model, today }) => ({
          person: viewOfModel(model),
          imha: imhaEligibilityOf(factsOfModel(model, law), today, mha2025Imha),
          referrals: referralsOf(model.part.referrals, null),
          recommendations: recommendationsOf(model.part.recommendations, null),
        }),
      );
    },

    /** Records a referral to an advocate (IMHA, Care Act advocate, IMCA or general advocacy). */
    async createReferral(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'advocacy:record');
      const data = parseInput(ReferralInput, input);
      rejectFutureDates({ referredOn: data.referredOn, 'consentToRecords.decidedOn': data.consentToRecords?.decidedOn }, today());
      const consent = data.consentToRecords ? { ...data.consentToRecords, reason: data.consentToRecords.reason ?? null } : null;
      refuse(referralViolations(data.kind, consent, data.careActTest));
      return useCases.change(
        actor,
        personId,
        {
          permission: 'advocacy:record',
          reproject: false,
          audit: (view: ReferralView) => ({ action: 'advocacy-referral.create', recordType: 'advocacy-referral', recordId: view.id, details: { kind: data.kind, fields: Object.keys(data) } }),
        },
        async ({ trx, person }) => {
          refuse(imhaReferralViolations(data.kind, await imhaEligibilityPart(trx, person, data.referredOn, mha2025Imha)));
          const id = randomUUID();
          await advocacy.insertReferral(trx, {
            id, personId: person.id, kind: data.kind, referredOn: data.referredOn, provider: data.provider ?? null, outcome: data.outcome ?? null,
            involvement: data.involvement ?? null, consentToRecords: consent, careActTest: data.careActTest ?? null, createdBy: actor.userId,
          });
          return referralView((await advocacy.findReferral(trx, id))!);
        },
      );
    },

    /** Records the outcome, the advocate's involvement, or the records-access decision (ADV-3). */
    async updateReferral(actor: Actor, personId: string, referralId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'advocacy:record');
      const data = parseInput(ReferralUpdateInput, input);
      rejectFutureDates({ 'consentToRecords.decidedOn': data.consentToRecords?.decidedOn }, today());
      const consent = data.consentToRecords ? { ...data.consentToRecords, reason: data.consentToRecords.reason ?? null } : data.consentToRecords;
      return useCases.change(
        actor,
        personId,
        {
          permission: 'advocacy:record',
          reproject: false,
          audit: (view: ReferralView) => ({ action: 'advocacy-referral.update', recordType: 'advocacy-referral', recordId: view.id, details: { fields: Object.keys(data) } }),
        },
        async ({ trx, person }) => {
          const row = await findOwnReferral(trx, person.id, referralId, expectedVersion);
          refuse(referralViolations(row.kind, consent, null));
          const changes = {
            ...(data.outcome !== undefined && { outcome: data.outcome }),
            ...(data.involvement !== undefined && { involvement: data.involvement }),
            ...(consent !== undefined && { consent_to_records: consent === null ? null : JSON.stringify(consent) }),
          };
          mustHaveUpdated(await advocacy.updateReferral(trx, row.id, row.version, changes), 'referral');
          return referralView((await advocacy.findReferral(trx, row.id))!);
        },
      );
    },

    async listRecommendations(actor: Actor, personId: string, query?: unknown) {
      requirePermission(actor, 'person:read');
      const paging = pageQuery(query);
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit: { action: 'tribunal-recommendation.list' } },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, {}, undefined, advocacy.RECOMMENDATIONS_PART),
        ({ model }) => recommendationsOf(model.part, paging),
      );
    },

    /**
     * The page answering one tribunal recommendation: the person's heading and the recommendation
     * (404 when the person has none with the id), in one use case with one event naming the parts.
     * The read model, then the event (issue 14 item 3): a recommendation not found writes none.
     */
    async recommendationPage(actor: Actor, personId: string, recommendationId: string) {
      const audit = { action: 'tribunal-recommendation.list', details: { parts: ['person', 'tribunal-recommendation'] } };
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { summary: true }, undefined, advocacy.RECOMMENDATIONS_PART),
        ({ model }) => {
          const recommendation = recommendationsOf(model.part, null).items.find((r) => r.id === recommendationId);
          if (!recommendation) throw new NotFoundError('tribunal recommendation');
          return { person: viewOfModel(model), recommendation };
        },
      );
    },

    /** MHA25-1: records a tribunal's recommendation that the responsible after-care bodies make plans. */
    async createRecommendation(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'tribunal:record');
      const data = parseInput(TribunalRecommendationInput, input);
      rejectFutureDates({ hearingOn: data.hearingOn }, today());
      return useCases.change(
        actor,
        personId,
        {
          permission: 'tribunal:record',
          audit: (view: RecommendationView) => ({ action: 'tribunal-recommendation.create', recordType: 'tribunal-recommendation', recordId: view.id, details: { episodeId: view.episodeId, hearingOn: data.hearingOn } }),
        },
        async ({ trx, person, today }) => {
          const { episodes } = await deriveAftercare(trx, person, today, law);
          if (data.episodeId && !episodes.some((e) => e.id === data.episodeId)) {
            throw new ValidationError([{ field: 'episodeId', message: 'That is not one of the person’s aftercare episodes' }]);
          }
          const id = randomUUID();
          // Without an episode named, the recommendation is about the latest one (the current detention).
          const episodeId = data.episodeId ?? episodes.at(-1)?.id ?? null;
          await advocacy.insertRecommendation(trx, { id, personId: person.id, episodeId, hearingOn: data.hearingOn, recommendation: data.recommendation, createdBy: actor.userId });
          return recommendationView((await advocacy.findRecommendation(trx, id))!);
        },
      );
    },

    /** MHA25-1: the responsible after-care bodies' response to a recommendation. */
    async respondToRecommendation(actor: Actor, personId: string, recommendationId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'tribunal:record');
      const data = parseInput(TribunalResponseInput, input);
      rejectFutureDates({ respondedOn: data.respondedOn }, today());
      return useCases.change(
        actor,
        personId,
        {
          permission: 'tribunal:record',
          reproject: false,
          audit: (view: RecommendationView) => ({ action: 'tribunal-recommendation.respond', recordType: 'tribunal-recommendation', recordId: view.id, details: { respondedOn: data.respondedOn } }),
        },
        async ({ trx, person }) => {
          const row = await findOwnRecommendation(trx, person.id, recommendationId, expectedVersion);
          refuse(tribunalResponseViolations(data.respondedOn, row.hearing_on));
          mustHaveUpdated(await advocacy.respondToRecommendation(trx, row.id, row.version, { response: data.response, respondedOn: data.respondedOn, respondedBy: actor.userId }), 'recommendation');
          return recommendationView((await advocacy.findRecommendation(trx, row.id))!);
        },
      );
    },
  };
}

export type AdvocacyService = ReturnType<typeof createAdvocacyService>;
