// The care and support plan (PLAN-1 to PLAN-8, SCOPE-1, SCOPE-6): its draft, saving it (whole, one
// need, or the details), finalising it into an immutable version, the versions, the person's copy
// (plan.pdf) and the list of people whose planning has not produced a final plan yet.
import { randomUUID } from 'node:crypto';
import { computeAftercare, type AftercareResult, type LawSettings } from '../../domain/aftercare.ts';
import { canSeeMoney } from '../../domain/access.ts';
import { todayInLondon, type IsoDate } from '../../domain/dates.ts';
import {
  emptyPlan, finaliseProblems, finaliseRefusals, finaliseWarnings, itemiseNeeds, passesTwoLimbTest, planWarnings, sharedWith, validatePlan, withDetails, withNeed, withoutNeed,
  type DischargeReadiness, type PlanContent, type PlanDetails, type PlanNeed,
} from '../../domain/plans.ts';
import type { Violation } from '../../domain/violations.ts';
import type { Db } from '../../data/database.ts';
import * as plans from '../../data/plans-repository.ts';
import type { PersonRow } from '../../data/schema.ts';
import { buildPlanLetter } from '../../letters/plan-letter.ts';
import { renderLetter } from '../../letters/document.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { servicesByNeedOf, type LinkedService } from '../care-services/care-services-view.ts';
import { moneyContext, moneyContextOf, type MoneyContext } from '../care-services/money-context.ts';
import { listServices } from '../../data/care-services-repository.ts';
import { keyworkerContactOf } from '../../data/plans-repository.ts';
import { loadPersonReadModel, PLAN_VERSION_READ, type PersonReadModel, type PlanServiceRow } from '../../data/person-read-model.ts';
import { ConflictError, NotFoundError, PreconditionRequiredError } from '../kernel/errors.ts';
import { factsOfModel, RECORD_PARTS, viewOfModel, type ServiceOptions } from '../people/people-service.ts';
import { deriveAftercare, rejectFutureDates } from '../kernel/person-record.ts';
import { checkVersion, mustHaveUpdated, type PersonContext } from '../kernel/use-case.ts';
import { dischargeReadinessGiven, dischargeReadinessOf } from './plans-projection.ts';
import { nextReviewOnPart } from '../reviews/reviews-projection.ts';
import { nextReviewOfSummary } from '../reviews/reviews-views.ts';
import { letterFootingOf, readLetterContactRows, type LetterSender } from '../kernel/letter-contact.ts';
import type { LetterContactRows } from '../../data/letter-contact-repository.ts';
import { PlanDetailsInput, PlanInput, PlanListQuery, PlanNeedFormInput, type PlanData, type PlanDetailsData, type PlanNeedData } from './plans-inputs.ts';
import { decodeCursor, pageOf } from '../kernel/paging.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { personIdentity } from '../kernel/person-list-item.ts';

type Keyworker = { name: string; contact: string };

/** A new, empty draft with the allocated keyworker filled in (PLAN-3). */
async function newDraftContent(trx: Db, person: PersonRow): Promise<PlanContent> {
  return newDraftOf(await plans.currentKeyworker(trx, person.id));
}

function newDraftOf(allocated: Keyworker | undefined): PlanContent {
  const content = emptyPlan();
  if (allocated) content.keyworker = allocated;
  return content;
}

/**
 * The draft before anyone has saved one: not stored until a write (reads never write). Version 1:
 * what the first save will store, so an If-Match taken from this read still matches.
 */
function unsavedDraft(personId: string, allocated: Keyworker | undefined, now: Date): plans.PlanRow {
  return { id: randomUUID(), person_id: personId, content: newDraftOf(allocated), version: 1, finalised_number: null, updated_at: now };
}

/**
 * PLAN-3 (issue 9 item 5): one keyworker. The plan names the keyworker allocated to the person (the
 * keyworker page is the one place to change it); a plan with none allocated keeps what it says.
 */
async function withAllocatedKeyworker(trx: Db, personId: string, content: PlanContent): Promise<PlanContent> {
  return namingKeyworker(content, await plans.currentKeyworker(trx, personId));
}

function namingKeyworker(content: PlanContent, allocated: Keyworker | undefined): PlanContent {
  return allocated ? { ...content, keyworker: allocated } : content;
}

/**
 * REV-1, one date for one fact (issue 9 item 10): the plan's review date is the register's next
 * review date (nextReviewShown), the one the person page, the reviews and the letters give: shown
 * on the current plan, stored when saved, fixed in a final version. A typed date is not kept.
 */
async function withReviewDate(trx: Db, personId: string, content: PlanContent): Promise<PlanContent> {
  return { ...content, nextReviewOn: (await nextReviewOnPart(trx, personId)).nextDueOn };
}

/**
 * The plan as shown: a draft shows the keyworker allocated now (PLAN-3); a final plan shows what it
 * said. Both give the next review as the register has it now (REV-1, one date for one fact).
 */
function planShown(stored: plans.PlanRow, allocated: Keyworker | undefined, nextReviewOn: IsoDate | null): plans.PlanRow {
  const content = stored.finalised_number === null ? namingKeyworker(stored.content, allocated) : stored.content;
  return { ...stored, content: { ...content, nextReviewOn } };
}

/** PLAN-3 and REV-1 together: what the plan says of the keyworker and the next review, from the record. */
async function fromTheRecord(trx: Db, personId: string, content: PlanContent): Promise<PlanContent> {
  return withReviewDate(trx, personId, await withAllocatedKeyworker(trx, personId, content));
}

/** The draft as it is, or, before anyone has saved one, the empty draft that is not stored until a write (reads never write). */
async function currentDraft(trx: Db, person: PersonRow, now: Date): Promise<plans.PlanRow> {
  return (await plans.findPlan(trx, person.id)) ?? unsavedDraft(person.id, await plans.currentKeyworker(trx, person.id), now);
}

/** The stored draft, created when a write first needs it. */
async function ensurePlan(trx: Db, person: PersonRow, actor: Actor): Promise<plans.PlanRow> {
  return (await plans.findPlan(trx, person.id)) ?? plans.insertPlan(trx, { id: randomUUID(), personId: person.id, content: await newDraftContent(trx, person), userId: actor.userId });
}

async function readinessOf(trx: Db, person: PersonRow, today: IsoDate, law: LawSettings, aftercare?: AftercareResult): Promise<DischargeReadiness> {
  return dischargeReadinessOf(trx, person.id, aftercare ?? (await deriveAftercare(trx, person, today, law)), today);
}

async function view(trx: Db, actor: Actor, person: PersonRow, stored: plans.PlanRow, today: IsoDate, law: LawSettings) {
  // The keyworker allocated now matters only to a draft (PLAN-3).
  const allocated = stored.finalised_number === null ? await plans.currentKeyworker(trx, person.id) : undefined;
  const { nextDueOn } = await nextReviewOnPart(trx, person.id);
  const latestFinal = await plans.latestPlanVersionNumber(trx, person.id);
  // The aftercare derived once, for the money rules and PLAN-7's readiness (one facts read, not two: issue 14).
  const context = await moneyContext(trx, person, today, law);
  const readiness = await readinessOf(trx, person, today, law, context.aftercare);
  return planViewOf(actor, stored, { allocated, nextReviewOn: nextDueOn, latestFinal, context, readiness, services: await listServices(trx, person.id) }, today);
}

/** What the plan's answer is derived from, read by planPart's queries or by the person read model. */
interface PlanReads {
  allocated: Keyworker | undefined;
  nextReviewOn: IsoDate | null;
  latestFinal: number;
  context: MoneyContext;
  readiness: DischargeReadiness;
  services: PlanServiceRow[];
}

/** The plan's answer (planPart's and plans.get's) from what was read: the one derivation of both paths. */
function planViewOf(actor: Actor, stored: plans.PlanRow, read: PlanReads, today: IsoDate) {
  // Each need with the services that meet it; amounts only for those who may see money.
  const money = canSeeMoney(actor, read.context.responsibleBodies);
  return withLinkedServices(planView(planShown(stored, read.allocated, read.nextReviewOn), read.latestFinal, read.readiness), servicesByNeedOf(read.services, money, today));
}

type PlanPageView = ReturnType<typeof planViewOf>;

/** What loadPersonReadModel reads for planOfModel. */
export const PLAN_PARTS = { ...RECORD_PARTS, plan: true } as const;

/**
 * planPart's answer from a read model loaded with PLAN_PARTS: no further query. `now` dates the
 * draft not yet saved, as planPart does.
 */
export function planOfModel(actor: Actor, model: PersonReadModel, today: IsoDate, now: Date, law: LawSettings) {
  const rows = model.plan!;
  const allocated = keyworkerContactOf(rows.keyworker);
  const stored = rows.plan ?? unsavedDraft(model.person.id, allocated, now);
  const context = moneyContextOf(factsOfModel(model, law), today);
  const unconfirmedServices = plans.unconfirmedPlannedCount(rows.services.filter((s) => s.confirmed_on === null).map((s) => s.end_date), today);
  const readiness = dischargeReadinessGiven(context.aftercare, { planFinal: rows.latestFinalVersion > 0, unconfirmedServices });
  const nextReviewOn = nextReviewOfSummary(model.summary).nextDueOn;
  return planViewOf(actor, stored, { allocated, nextReviewOn, latestFinal: rows.latestFinalVersion, context, readiness, services: rows.services }, today);
}

/**
 * The current draft (or the final version it still equals) with each need's services: what
 * plans.get answers, read in the caller's transaction with no audit. Creates nothing.
 */
export async function planPart(trx: Db, actor: Actor, person: PersonRow, today: IsoDate, now: Date, law: LawSettings) {
  return view(trx, actor, person, await currentDraft(trx, person, now), today, law);
}

/** The versions list from the versions' rows (the read model's), newest first. */
export function planVersionsOf(rows: readonly plans.PlanVersionRow[]) {
  return {
    items: rows.map((r) => ({ number: r.number, finalisedAt: r.finalised_at.toISOString(), finalisedBy: { id: r.finalised_by, name: r.finalised_by_name }, needs: r.content.needs.length })),
    nextCursor: null as string | null,
  };
}

/** The version number a URL names, or null when it cannot be one (then no version is found: 404). */
function versionNumberOf(number: string | number): number | null {
  const n = Number(number);
  return Number.isInteger(n) && n >= 1 && n < 2 ** 31 ? n : null;
}

/** One finalised version's view from its row (the read model's): 404 when there is none. */
function planVersionOf(row: plans.PlanVersionRow | undefined) {
  if (!row) throw new NotFoundError('plan version');
  return versionView(row);
}

/**
 * For the person page: whether there is a plan, draft or final, its version and PLAN-7's readiness:
 * read in the caller's transaction with no audit. Creates nothing.
 */
export async function planSummaryPart(trx: Db, person: PersonRow, today: IsoDate, law: LawSettings, aftercare?: AftercareResult) {
  const plan = await plans.findPlan(trx, person.id);
  const latestFinal = await plans.latestPlanVersionNumber(trx, person.id);
  const readiness = await readinessOf(trx, person, today, law, aftercare);
  return planSummaryOf(plan && { version: plan.version, finalised_number: plan.finalised_number, needs: plan.content.needs.length }, latestFinal, readiness);
}

/** The plan's summary from its rows (planSummaryPart's, or the person page's read model). */
export function planSummaryOf(plan: { version: number; finalised_number: number | null; needs: number } | undefined, latestFinal: number, readiness: DischargeReadiness) {
  return {
    status: !plan ? ('none' as const) : plan.finalised_number !== null ? ('final' as const) : ('draft' as const),
    version: plan?.version ?? null,
    needs: plan?.needs ?? 0,
    latestFinalVersion: latestFinal > 0 ? latestFinal : null,
    dischargeReadiness: readiness,
  };
}

/** The person's copy of their latest final plan (404 when there is none): in the caller's transaction with no audit. */
export async function planLetterPart(trx: Db, person: PersonRow, today: IsoDate, law: LawSettings, sender: LetterSender = null) {
  const version = finalVersion(await plans.latestPlanVersion(trx, person.id));
  const aftercare = await deriveAftercare(trx, person, today, law);
  const bodies = bodiesOf(aftercare);
  const contact = await readLetterContactRows(trx, person.id, sender, bodies, bodies);
  const rows = { version, services: await listServices(trx, person.id), contact };
  return planLetterOf(person, rows, aftercare, (await nextReviewOnPart(trx, person.id)).nextDueOn, today, sender);
}

/** planLetterPart from a read model loaded with LETTER_PARTS and planLetterRowsPart: no further query. */
function planLetterOfModel(model: PersonReadModel & { part: plans.PlanLetterRows }, today: IsoDate, law: LawSettings, sender: LetterSender) {
  const version = finalVersion(model.part.version);
  const aftercare = computeAftercare(factsOfModel(model, law), today);
  return planLetterOf(model.person, { ...model.part, version }, aftercare, nextReviewOfSummary(model.summary).nextDueOn, today, sender);
}

/** What the read model of the person's copy is loaded with besides planLetterRowsPart: the facts (the bodies) and the summary (the next review). */
const LETTER_PARTS = { facts: true, summary: true } as const;

/** The latest final version, which the person's copy is of: 404 when there is none yet. */
function finalVersion(version: plans.PlanVersionRow | undefined): plans.PlanVersionRow {
  if (!version) throw new NotFoundError('final plan');
  return version;
}

/** The codes of the latest episode's responsible bodies, local authority first. */
function bodiesOf(aftercare: AftercareResult) {
  const episode = aftercare.episodes.at(-1) ?? null;
  return [episode?.localAuthority.code, episode?.icb.code].filter((c): c is string => Boolean(c));
}

/** The person's copy from the rows already read (planLetterPart's queries', or the read model's): no query. */
function planLetterOf(
  person: PersonRow,
  rows: { version: plans.PlanVersionRow; services: readonly PlanServiceRow[]; contact: LetterContactRows },
  aftercare: AftercareResult,
  reviewDueOn: IsoDate | null,
  today: IsoDate,
  sender: LetterSender,
) {
  const { version, contact } = rows;
  const episode = aftercare.episodes.at(-1) ?? null;
  const bodies = bodiesOf(aftercare);
  const names = Object.fromEntries(bodies.flatMap((code) => (contact.organisations.has(code) ? [[code, contact.organisations.get(code)!.name]] : [])));
  // The person's copy names the services that meet each need (never amounts).
  const linked = servicesByNeedOf(rows.services, false, today);
  return buildPlanLetter({
    ...letterFootingOf(contact, person.id, sender, bodies, 'plan', { version: version.number }),
    // REV-1: the next review as the register has it today, the date the person page gives.
    reviewDueOn,
    servicesByNeed: Object.fromEntries([...linked].map(([needId, list]) => [needId, list.filter((l) => l.status !== 'ended')])),
    person: { givenName: person.given_name, familyName: person.family_name, addressLine1: person.address_line1, postcode: person.postcode },
    plan: version.content,
    number: version.number,
    finalisedOn: todayInLondon(version.finalised_at),
    episode,
    organisationNames: names,
    today,
  });
}

export function createPlanService(db: Db, { clock, useCases }: ServiceOptions) {
  const { law } = useCases;
  const today = () => todayInLondon(clock());

  /**
   * Every save of the draft: the stored draft (created on the first write), the If-Match check, the
   * new content from `change`, and one plan.update event. The draft feeds no projection, so none is re-derived.
   */
  /** `replace`: the whole draft is replaced (PUT), so an existing one is replaced only at a stated version (428 otherwise). */
  function saveDraft(actor: Actor, personId: string, expectedVersion: number | null, fields: string[], change: (draft: PlanContent) => PlanContent, replace = false) {
    return useCases.change<{ plan: plans.PlanRow; view: PlanPageView }>(
      actor,
      personId,
      {
        permission: 'plan:edit',
        reproject: false,
        audit: ({ plan }) => ({
          action: 'plan.update',
          recordType: 'plan',
          details: { version: plan.version, needs: plan.content.needs.length, s117Needs: itemiseNeeds(plan.content.needs).s117.length, fields },
        }),
      },
      async ({ trx, person, today, now }) => {
        // The stored draft and everything the answer shows (keyworker, review date, facts, services) in
        // one statement (issue 14); saving the draft changes none of them but the draft itself.
        const model = (await loadPersonReadModel(trx, person.id, { everyone: true }, PLAN_PARTS))!;
        const existing = model.plan!.plan;
        if (replace && expectedVersion === null && existing) throw new PreconditionRequiredError('plan');
        const allocated = keyworkerContactOf(model.plan!.keyworker);
        const draft = existing ?? (await plans.insertPlan(trx, { id: randomUUID(), personId: person.id, content: newDraftOf(allocated), userId: actor.userId }));
        checkVersion('plan', expectedVersion, draft.version);
        // PLAN-3 and REV-1: the keyworker allocated and the register's next review date, from the record.
        const content = { ...namingKeyworker(change(draft.content), allocated), nextReviewOn: nextReviewOfSummary(model.summary).nextDueOn };
        const plan = await plans.updatePlan(trx, person.id, draft.version, { content, finalisedNumber: null, userId: actor.userId });
        mustHaveUpdated(plan !== undefined, 'plan');
        return { plan: plan!, view: planOfModel(actor, { ...model, plan: { ...model.plan!, plan: plan! } }, today, now, law) };
      },
    ).then((r) => r.view);
  }

  /** The draft's need with the id, or 404. */
  function needAt(draft: PlanContent, needId: string): PlanNeed {
    const need = draft.needs.find((n) => n.id === needId);
    if (!need) throw new NotFoundError('need');
    return need;
  }

  return {
    /** GET /people/{id}/plan: the current draft (or the final version it still equals). */
    async get(actor: Actor, personId: string) {
      // One statement in autocommit (issue 14): the read model and the plan.view event, whose version
      // (the answer's: the stored plan's, or 1 for the draft not yet saved) the statement computes.
      const audit = { action: 'plan.view', recordType: 'plan', computedDetails: { version: PLAN_VERSION_READ } };
      return useCases.readModelAtOnce(actor, personId, { permission: 'plan:read', audit }, (db, viewer, event) => loadPersonReadModel(db, personId, viewer, PLAN_PARTS, event), ({ model, today, now }) =>
        planOfModel(actor, model, today, now, law),
      );
    },

    /**
     * The plan's pages (the plan, a need, the details): the person's heading and the plan, read in
     * one statement with one plan.view event naming both.
     */
    async page(actor: Actor, personId: string) {
      // One statement in autocommit, as get: the person's heading comes from the same read model.
      const audit = { action: 'plan.view', recordType: 'plan', details: { parts: ['person', 'plan'] }, computedDetails: { version: PLAN_VERSION_READ } };
      return useCases.readModelAtOnce(actor, personId, { permission: 'plan:read', audit }, (db, viewer, event) => loadPersonReadModel(db, personId, viewer, PLAN_PARTS, event), ({ model, today, now }) => ({
        person: viewOfModel(model),
        plan: planOfModel(actor, model, today, now, law),
      }));
    },

    /**
     * Issue 9 item 3: the check page before finalising (a permanent step): the person, the plan as it
     * would become final (with the keyworker allocated now, PLAN-3), what stops it being finalised
     * (PLAN-1, PLAN-4 to PLAN-6) and what it should be checked for (finaliseWarnings). One plan.view event.
     */
    async finalisePage(actor: Actor, personId: string) {
      // One statement in autocommit, as page: the plan.view event's version is the statement's own (PLAN_VERSION_READ).
      const audit = { action: 'plan.view', recordType: 'plan', details: { parts: ['person', 'plan', 'finalise-check'] }, computedDetails: { version: PLAN_VERSION_READ } };
      return useCases.readModelAtOnce(actor, personId, { permission: 'plan:read', audit }, (db, viewer, event) => loadPersonReadModel(db, personId, viewer, PLAN_PARTS, event), ({ model, today, now }) => {
        const plan = planOfModel(actor, model, today, now, law);
        const aftercare = computeAftercare(factsOfModel(model, law), today);
        return {
          person: viewOfModel(model),
          plan,
          problems: finaliseRefusals(plan, { qualifyingDetention: aftercare.episodes.length > 0 }),
          warnings: finaliseWarnings(plan),
        };
      });
    },

    /** PUT /people/{id}/plan: replaces the draft. expectedVersion null: If-Match was not sent. */
    async update(actor: Actor, personId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'plan:edit');
      const data = parseInput(PlanInput, input);
      const content = contentFrom(data);
      refuse(validatePlan(content));
      rejectFutureDates(detailDates(content), today());
      const fields = Object.keys(input as object).filter((k) => k !== 'version');
      return saveDraft(actor, personId, expectedVersion ?? data.version ?? null, fields, () => content, true);
    },

    /**
     * Adds a need (needId null) or changes one, leaving the rest of the draft as stored. Refusals name
     * the need's own fields. 404 when the draft has no need with the id.
     */
    async saveNeed(actor: Actor, personId: string, expectedVersion: number | null, needId: string | null, input: unknown) {
      requirePermission(actor, 'plan:edit');
      const need = needFrom(parseInput(PlanNeedFormInput, input), needId ?? randomUUID());
      refuse(needViolations(need));
      return saveDraft(actor, personId, expectedVersion, ['needs'], (draft) => {
        if (needId !== null) needAt(draft, needId);
        return withNeed(draft, need).content;
      });
    },

    /** Removes a need from the draft. 404 when the draft has no need with the id. */
    async removeNeed(actor: Actor, personId: string, expectedVersion: number | null, needId: string) {
      requirePermission(actor, 'plan:edit');
      return saveDraft(actor, personId, expectedVersion, ['needs'], (draft) => {
        needAt(draft, needId);
        return withoutNeed(draft, needId);
      });
    },

    /** Replaces the draft's details (everything but the needs and the CPA attribute), leaving the needs as stored. */
    async updateDetails(actor: Actor, personId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'plan:edit');
      const details = detailsFrom(parseInput(PlanDetailsInput, input));
      rejectFutureDates(detailDates(details), today());
      const fields = Object.keys(input as object).filter((k) => k !== 'version');
      return saveDraft(actor, personId, expectedVersion, fields, (draft) => withDetails(draft, details));
    },

    /** POST /people/{id}/plan/finalise: the draft becomes an immutable numbered version (PLAN-5, PLAN-6). */
    async finalise(actor: Actor, personId: string, expectedVersion: number | null) {
      return useCases.change(
        actor,
        personId,
        { permission: 'plan:edit', audit: (v: ReturnType<typeof versionView>) => ({ action: 'plan.finalise', recordType: 'plan', details: { number: v.number } }) },
        async ({ trx, person, today, now }: PersonContext) => {
          const stored = await ensurePlan(trx, person, actor);
          checkVersion('plan', expectedVersion, stored.version);
          if (stored.finalised_number !== null) throw new ConflictError(`This plan is already final (version ${stored.finalised_number}); change it to start a new draft`);
          // The final version names the keyworker allocated when it is finalised (PLAN-3).
          const plan = { ...stored, content: await fromTheRecord(trx, person.id, stored.content) };
          const aftercare = await deriveAftercare(trx, person, today, law);
          refuse(finaliseRefusals(plan.content, { qualifyingDetention: aftercare.episodes.length > 0 }));
          const number = (await plans.latestPlanVersionNumber(trx, person.id)) + 1;
          await plans.insertPlanVersion(trx, { id: randomUUID(), personId: person.id, number, content: plan.content, finalisedBy: actor.userId, finalisedAt: now });
          mustHaveUpdated((await plans.updatePlan(trx, person.id, plan.version, { content: plan.content, finalisedNumber: number, userId: actor.userId })) !== undefined, 'plan');
          // The projections are re-derived after this: PLAN-7's warning looks for a final plan.
          return versionView((await plans.findPlanVersion(trx, person.id, number))!);
        },
      );
    },

    /** GET /people/{id}/plan/versions: the finalised versions, newest first. */
    async versions(actor: Actor, personId: string) {
      const audit = (r: { items: unknown[] }) => ({ action: 'plan.versions.view', recordType: 'plan', details: { count: r.items.length } });
      return useCases.readModel(
        actor,
        personId,
        { permission: 'plan:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, {}, undefined, plans.VERSIONS_PART),
        ({ model }) => planVersionsOf(model.part),
      );
    },

    /** The versions page: the person's heading and the versions, in one read with one plan.versions.view event. */
    async versionsPage(actor: Actor, personId: string) {
      const audit = (r: { versions: { items: unknown[] } }) => ({ action: 'plan.versions.view', recordType: 'plan', details: { count: r.versions.items.length, parts: ['person', 'plan-versions'] } });
      return useCases.readModel(
        actor,
        personId,
        { permission: 'plan:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { summary: true }, undefined, plans.VERSIONS_PART),
        ({ model }) => ({ person: viewOfModel(model), versions: planVersionsOf(model.part) }),
      );
    },

    /** GET /people/{id}/plan/versions/{number}. */
    async version(actor: Actor, personId: string, number: string | number) {
      const audit = (v: ReturnType<typeof versionView>) => ({ action: 'plan.version.view', recordType: 'plan', details: { number: v.number } });
      const part = plans.versionPart(versionNumberOf(number));
      return useCases.readModel(
        actor,
        personId,
        { permission: 'plan:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, {}, undefined, part),
        ({ model }) => planVersionOf(model.part),
      );
    },

    /** One version's page: the person's heading and the version, in one read with one plan.version.view event. */
    async versionPage(actor: Actor, personId: string, number: string | number) {
      const audit = (r: { version: ReturnType<typeof versionView> }) => ({ action: 'plan.version.view', recordType: 'plan', details: { number: r.version.number, parts: ['person', 'plan-version'] } });
      const part = plans.versionPart(versionNumberOf(number));
      return useCases.readModel(
        actor,
        personId,
        { permission: 'plan:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { summary: true }, undefined, part),
        ({ model }) => ({ person: viewOfModel(model), version: planVersionOf(model.part) }),
      );
    },

    /** GET /people/{id}/plan.pdf: the person's copy of the latest final version. */
    async pdf(actor: Actor, personId: string, options: { largePrint?: boolean } = {}) {
      const audit = (c: { number: number }) => ({ action: 'plan.pdf', recordType: 'plan', details: { number: c.number, largePrint: Boolean(options.largePrint) } });
      // One statement for the read model with every row the letter may name, then the event (issue 14 item 3).
      const part = plans.planLetterRowsPart(actor.organisationCode);
      const content = await useCases.readModel(
        actor,
        personId,
        { permission: 'plan:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, LETTER_PARTS, undefined, part),
        ({ model, today }) => planLetterOfModel(model, today, law, actor),
      );
      return { number: content.number, pdf: await renderLetter(content.letter, { largePrint: options.largePrint }) };
    },

    /** GET /planning/needed (PLAN-1): detained or awaiting discharge, no final plan, visible to the caller. */
    async planningNeeded(actor: Actor, input: unknown) {
      requirePermission(actor, 'plan:read');
      const query = parseInput(PlanListQuery, input);
      const afterId = decodeCursor(query.cursor, ['uuid'])?.[0];
      const audit = (r: { items: { id: string }[] }) => ({ action: 'planning.needed.view', details: { results: r.items.length, personIds: r.items.map((i) => i.id) } });
      return useCases.run(actor, { permission: 'plan:read', audit }, async ({ trx }) => {
        const rows = await plans.listPlanningNeeded(trx, { visibleTo: actor.role === 'admin' ? null : actor.organisationCode, afterId, limit: query.limit + 1 });
        const { page, nextCursor } = pageOf(rows, query.limit, (r) => [r.id]);
        return {
          items: page.map((r) => ({
            ...personIdentity(r),
            status: r.status,
            localAuthority: r.local_authority_code,
            icb: r.icb_code,
          })),
          nextCursor,
        };
      });
    },
  };
}

export type PlanService = ReturnType<typeof createPlanService>;

/** The validated input as plan content: new needs get ids, s117 defaults to the two-limb test. */
export function contentFrom(data: PlanData): PlanContent {
  return { needs: data.needs.map((n) => needFrom(n, n.id ?? randomUUID())), ...detailsFrom(data), cpa: data.cpa ?? null };
}

/** One validated need: s117 defaults to the two-limb test (SCOPE-1). */
function needFrom(n: Omit<PlanNeedData, 'id'>, id: string): PlanNeed {
  return {
    id,
    domain: n.domain,
    description: n.description,
    arisesFromMentalDisorder: n.arisesFromMentalDisorder,
    reducesRiskOfDeterioration: n.reducesRiskOfDeterioration,
    rationale: n.rationale ?? '',
    howMet: n.howMet ?? '',
    who: n.who ?? '',
    s117: n.s117 ?? passesTwoLimbTest(n),
  };
}

/** The validated details (everything but the needs and CPA); left out: empty. */
function detailsFrom(data: PlanDetailsData): PlanDetails {
  const base = emptyPlan();
  return {
    goals: data.goals,
    personViews: data.personViews,
    carerViews: data.carerViews,
    accommodation: data.accommodation ?? base.accommodation,
    keyworker: data.keyworker ?? base.keyworker,
    nextReviewOn: data.nextReviewOn,
    contingency: data.contingency ?? base.contingency,
    signature: data.signature ?? base.signature,
    copyGivenOn: data.copyGivenOn,
    sharing: data.sharing.map((s) => ({ name: s.name, relationship: s.relationship, consentedOn: s.consentedOn })),
  };
}

/** A need's refusals with the need's own field names ("who", not "needs.0.who"). */
function needViolations(need: PlanNeed): Violation[] {
  return validatePlan({ ...emptyPlan(), needs: [need] }).map((v) => ({ ...v, field: v.field.replace(/^needs\.0\./, '') }));
}

/** The dates in the details that cannot be in the future (PLAN-6). */
function detailDates(details: PlanDetails): Record<string, IsoDate | null> {
  return {
    'signature.signedOn': details.signature.signedOn,
    copyGivenOn: details.copyGivenOn,
    ...Object.fromEntries(details.sharing.map((s, i) => [`sharing.${i}.consentedOn`, s.consentedOn])),
  };
}

function contentView(content: PlanContent) {
  const plan = { ...emptyPlan(), ...content };
  const items = itemiseNeeds(plan.needs);
  return {
    needs: plan.needs,
    goals: plan.goals,
    personViews: plan.personViews,
    carerViews: plan.carerViews,
    accommodation: plan.accommodation,
    keyworker: plan.keyworker,
    nextReviewOn: plan.nextReviewOn,
    contingency: plan.contingency,
    signature: plan.signature,
    copyGivenOn: plan.copyGivenOn,
    sharing: plan.sharing,
    cpa: plan.cpa,
    // PLAN-6: only the people the person agreed to share the plan with.
    sharedWith: sharedWith(plan.sharing).map((s) => s.name),
    // SCOPE-6: which needs are met under s117 and which are not.
    itemisation: { s117: items.s117.map((n) => n.id), notS117: items.notS117.map((n) => n.id) },
  };
}

export function planView(plan: plans.PlanRow, latestFinalVersion: number, readiness: DischargeReadiness) {
  return {
    id: plan.id,
    personId: plan.person_id,
    ...contentView(plan.content),
    version: plan.version,
    status: plan.finalised_number !== null ? ('final' as const) : ('draft' as const),
    finalisedVersion: plan.finalised_number,
    latestFinalVersion: latestFinalVersion > 0 ? latestFinalVersion : null,
    finaliseProblems: finaliseProblems(plan.content),
    warnings: planWarnings(plan.content),
    dischargeReadiness: readiness.level === 'warning' ? { level: readiness.level, reasons: readiness.reasons } : { level: readiness.level, reasons: [] as string[] },
    updatedAt: plan.updated_at.toISOString(),
  };
}

/** Adds to each need the services that meet it, so the plan shows how each need is met in practice (an addition to the contract's plan). */
export function withLinkedServices(view: ReturnType<typeof planView>, linked: Map<string, LinkedService[]>) {
  return { ...view, needs: view.needs.map((n) => ({ ...n, services: linked.get(n.id.toLowerCase()) ?? [] })) };
}

export function versionView(row: plans.PlanVersionRow) {
  return { number: row.number, finalisedAt: row.finalised_at.toISOString(), finalisedBy: { id: row.finalised_by, name: row.finalised_by_name }, ...contentView(row.content) };
}

