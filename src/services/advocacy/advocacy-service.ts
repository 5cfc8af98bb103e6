// Advocacy: IMHA eligibility on a date with its reason (ADV-1, ADV-2, MHA25-4 behind a setting),
// advocacy referrals with the advocate's involvement and the records-access decision (ADV-3), the
// Care Act advocate (ADV-4, CONTESTED for s117-only processes: offered by default), and tribunal
// aftercare recommendations with their responses (MHA25-1).
import { randomUUID } from 'node:crypto';
import { careActAdvocateDue, imhaEligibility, imhaRecordsAccess, validateRecordsConsent, type CareActAdvocateTest, type RecordsConsent } from '../../domain/advocacy.ts';
import { compareDates, todayInLondon } from '../../domain/dates.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as people from '../../data/people-repository.ts';
import * as planning from '../../data/planning-repository.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../kernel/errors.ts';
import type { ServiceOptions } from '../people/people-service.ts';
import { findVisiblePerson, isUuid, refreshProjections, rejectFutureDates } from '../kernel/person-record.ts';
import { ImhaQueryInput, ReferralInput, ReferralUpdateInput, TribunalRecommendationInput, TribunalResponseInput } from '../planning/planning-inputs.ts';
import { parseInput } from '../kernel/validation.ts';
import { keyText, pageInMemory, pageQuery } from '../kernel/paging.ts';

export interface AdvocacyOptions extends ServiceOptions {
  /** MHA25-4: IMHAs for informal patients (S117_MHA2025_IMHA). Off by default. */
  mha2025Imha?: boolean;
}

type ReferralRow = NonNullable<Awaited<ReturnType<typeof planning.findReferral>>>;
type RecommendationRow = NonNullable<Awaited<ReturnType<typeof planning.findRecommendation>>>;
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

/** ADV-4: what the page and API say about the Care Act advocate before any test is recorded. */
export const CARE_ACT_DEFAULT = {
  rule: 'ADV-4',
  contested: true,
  duty: 'offer' as const,
  reason: 'Offer a Care Act advocate if they would have substantial difficulty taking part in planning and there is no appropriate person to support them '
    + '(or whatever the support, if a hospital stay of 28 days or a care home stay of 8 weeks is likely). Section 117 planning is not itself listed in Care Act s67, '
    + 'so whether one must be provided is contested; the register’s default is to offer one.',
};

export function createAdvocacyService(db: Db, { clock, reviews, mha2025Imha = false }: AdvocacyOptions) {
  const today = () => todayInLondon(clock());

  function consentErrors(consent: RecordsConsent | null | undefined, field: string): FieldError[] {
    if (!consent) return [];
    return [...validateRecordsConsent(consent, field)];
  }

  async function findOwnReferral(trx: Db, personId: string, id: string, expectedVersion: number | null) {
    const row = isUuid(id) ? await planning.findReferral(trx, id) : undefined;
    if (!row || row.person_id !== personId) throw new NotFoundError('advocacy referral');
    if (expectedVersion !== null && expectedVersion !== row.version) throw new ConflictError(`The referral has changed since version ${expectedVersion}; it is now version ${row.version}`);
    return row;
  }

  async function findOwnRecommendation(trx: Db, personId: string, id: string, expectedVersion: number | null) {
    const row = isUuid(id) ? await planning.findRecommendation(trx, id) : undefined;
    if (!row || row.person_id !== personId) throw new NotFoundError('tribunal recommendation');
    if (expectedVersion !== null && expectedVersion !== row.version) throw new ConflictError(`The recommendation has changed since version ${expectedVersion}; it is now version ${row.version}`);
    return row;
  }

  return {
    /** ADV-1: does the person qualify for an IMHA on the date (default today), and why. */
    async imhaEligibility(actor: Actor, personId: string, query: unknown = {}) {
      requirePermission(actor, 'person:read');
      const { on = today() } = parseInput(ImhaQueryInput, query);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const facts = await people.loadFacts(trx, person);
        const result = imhaEligibility(facts, on, { informalPatientsIncluded: mha2025Imha });
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'advocacy.imha-eligibility', recordType: 'person', recordId: person.id, personId: person.id, details: { on, eligible: result.eligible, rule: result.rule } }, clock());
        return { on, ...result, mha2025ImhaExtension: mha2025Imha, careActAdvocate: CARE_ACT_DEFAULT };
      });
    },

    async listReferrals(actor: Actor, personId: string, query?: unknown) {
      requirePermission(actor, 'person:read');
      const paging = pageQuery(query);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const all = await planning.listReferrals(trx, person.id);
        // Lists convention: a keyset on (referred on, recorded, id), latest first.
        const { page: rows, nextCursor } = paging ? pageInMemory(all, paging, ['desc', 'desc', 'asc'], (r) => [keyText(r.referred_on), keyText(r.created_at), r.id]) : { page: all, nextCursor: null };
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'advocacy-referral.list', recordType: 'person', recordId: person.id, personId: person.id }, clock());
        return { items: rows.map(referralView), nextCursor };
      });
    },

    /** Records a referral to an advocate (IMHA, Care Act advocate, IMCA or general advocacy). */
    async createReferral(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'advocacy:record');
      const data = parseInput(ReferralInput, input);
      rejectFutureDates({ referredOn: data.referredOn, 'consentToRecords.decidedOn': data.consentToRecords?.decidedOn }, today());
      const consent = data.consentToRecords ? { ...data.consentToRecords, reason: data.consentToRecords.reason ?? null } : null;
      const errors = consentErrors(consent, 'consentToRecords');
      if (consent && data.kind !== 'imha') errors.push({ field: 'consentToRecords', message: 'The records-access decision is for an IMHA referral', rule: 'ADV-3' });
      if (data.careActTest && data.kind !== 'care-act') errors.push({ field: 'careActTest', message: 'The Care Act advocate test is for a care-act referral', rule: 'ADV-4' });
      if (errors.length > 0) throw new ValidationError(errors);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const id = randomUUID();
        await planning.insertReferral(trx, {
          id, personId: person.id, kind: data.kind, referredOn: data.referredOn, provider: data.provider ?? null, outcome: data.outcome ?? null,
          involvement: data.involvement ?? null, consentToRecords: consent, careActTest: data.careActTest ?? null, createdBy: actor.userId,
        });
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'advocacy-referral.create', recordType: 'advocacy-referral', recordId: id, personId: person.id, details: { kind: data.kind, fields: Object.keys(data) } }, clock());
        return referralView((await planning.findReferral(trx, id))!);
      });
    },

    /** Records the outcome, the advocate's involvement, or the records-access decision (ADV-3). */
    async updateReferral(actor: Actor, personId: string, referralId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'advocacy:record');
      const data = parseInput(ReferralUpdateInput, input);
      rejectFutureDates({ 'consentToRecords.decidedOn': data.consentToRecords?.decidedOn }, today());
      const consent = data.consentToRecords ? { ...data.consentToRecords, reason: data.consentToRecords.reason ?? null } : data.consentToRecords;
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = await findOwnReferral(trx, person.id, referralId, expectedVersion);
        const errors = consentErrors(consent, 'consentToRecords');
        if (consent && row.kind !== 'imha') errors.push({ field: 'consentToRecords', message: 'The records-access decision is for an IMHA referral', rule: 'ADV-3' });
        if (errors.length > 0) throw new ValidationError(errors);
        const changes = {
          ...(data.outcome !== undefined && { outcome: data.outcome }),
          ...(data.involvement !== undefined && { involvement: data.involvement }),
          ...(consent !== undefined && { consent_to_records: consent === null ? null : JSON.stringify(consent) }),
        };
        if (!(await planning.updateReferral(trx, row.id, row.version, changes))) throw new ConflictError('The referral was changed by someone else at the same time; reload and try again');
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'advocacy-referral.update', recordType: 'advocacy-referral', recordId: row.id, personId: person.id, details: { fields: Object.keys(data) } }, clock());
        return referralView((await planning.findReferral(trx, row.id))!);
      });
    },

    async listRecommendations(actor: Actor, personId: string, query?: unknown) {
      requirePermission(actor, 'person:read');
      const paging = pageQuery(query);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const all = await planning.listRecommendations(trx, person.id);
        // Lists convention: a keyset on (hearing on, recorded, id), latest first.
        const { page: rows, nextCursor } = paging ? pageInMemory(all, paging, ['desc', 'desc', 'asc'], (r) => [keyText(r.hearing_on), keyText(r.created_at), r.id]) : { page: all, nextCursor: null };
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'tribunal-recommendation.list', recordType: 'person', recordId: person.id, personId: person.id }, clock());
        return { items: rows.map(recommendationView), nextCursor };
      });
    },

    /** MHA25-1: records a tribunal's recommendation that the responsible after-care bodies make plans. */
    async createRecommendation(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'tribunal:record');
      const data = parseInput(TribunalRecommendationInput, input);
      rejectFutureDates({ hearingOn: data.hearingOn }, today());
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const aftercare = await refreshProjections(trx, person, today(), reviews);
        if (data.episodeId && !aftercare.episodes.some((e) => e.id === data.episodeId)) {
          throw new ValidationError([{ field: 'episodeId', message: 'That is not one of the person’s aftercare episodes' }]);
        }
        const id = randomUUID();
        const episodeId = data.episodeId ?? aftercare.episodes.at(-1)?.id ?? null;
        await planning.insertRecommendation(trx, { id, personId: person.id, episodeId, hearingOn: data.hearingOn, recommendation: data.recommendation, createdBy: actor.userId });
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'tribunal-recommendation.create', recordType: 'tribunal-recommendation', recordId: id, personId: person.id, details: { episodeId, hearingOn: data.hearingOn } }, clock());
        return recommendationView((await planning.findRecommendation(trx, id))!);
      });
    },

    /** MHA25-1: the responsible after-care bodies' response to a recommendation. */
    async respondToRecommendation(actor: Actor, personId: string, recommendationId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'tribunal:record');
      const data = parseInput(TribunalResponseInput, input);
      rejectFutureDates({ respondedOn: data.respondedOn }, today());
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = await findOwnRecommendation(trx, person.id, recommendationId, expectedVersion);
        if (compareDates(data.respondedOn, row.hearing_on) < 0) {
          throw new ValidationError([{ field: 'respondedOn', message: 'The response date must be on or after the hearing', rule: 'MHA25-1' }]);
        }
        if (!(await planning.respondToRecommendation(trx, row.id, row.version, { response: data.response, respondedOn: data.respondedOn, respondedBy: actor.userId }))) {
          throw new ConflictError('The recommendation was changed by someone else at the same time; reload and try again');
        }
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'tribunal-recommendation.respond', recordType: 'tribunal-recommendation', recordId: row.id, personId: person.id, details: { respondedOn: data.respondedOn } }, clock());
        return recommendationView((await planning.findRecommendation(trx, row.id))!);
      });
    },
  };
}

export type AdvocacyService = ReturnType<typeof createAdvocacyService>;
