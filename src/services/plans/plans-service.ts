// The care and support plan (PLAN-1 to PLAN-8, SCOPE-1, SCOPE-6): its draft, saving it, finalising
// it into an immutable version, the versions, the person's copy (plan.pdf) and the list of people
// whose planning has not produced a final plan yet.
import { randomUUID } from 'node:crypto';
import type { AftercareResult } from '../../domain/aftercare.ts';
import { todayInLondon } from '../../domain/dates.ts';
import {
  emptyPlan, finaliseProblems, itemiseNeeds, passesTwoLimbTest, planWarnings, sharedWith, validatePlan, type DischargeReadiness, type PlanContent,
} from '../../domain/plans.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as plans from '../../data/plans-repository.ts';
import type { PersonRow } from '../../data/schema.ts';
import { buildPlanLetter } from '../../letters/plan-letter.ts';
import { renderLetter } from '../../letters/document.ts';
import { canSeeMoney } from '../../domain/access.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { servicesByNeed, type LinkedService } from '../care-services/care-services-view.ts';
import { moneyContext } from '../care-services/money-context.ts';
import { ConflictError, NotFoundError } from '../kernel/errors.ts';
import type { ServiceOptions } from '../people/people-service.ts';
import { deriveAftercare, findVisiblePerson, refreshProjections, rejectFutureDates } from '../kernel/person-record.ts';
import { dischargeReadinessOf } from './plans-projection.ts';
import { PlanInput, PlanListQuery, type PlanData } from './plans-inputs.ts';
import { decodeCursor, pageOf } from '../kernel/paging.ts';
import { parseInput, refuse } from '../kernel/validation.ts';

export function createPlanService(db: Db, { clock, reviews }: ServiceOptions) {
  const today = () => todayInLondon(clock());

  async function aftercareOf(trx: Db, person: PersonRow): Promise<AftercareResult> {
    return await deriveAftercare(trx, person, today());
  }

  /** A new, empty draft with the allocated keyworker filled in (PLAN-3). */
  async function newDraftContent(trx: Db, person: PersonRow): Promise<PlanContent> {
    const content = emptyPlan();
    const keyworker = await plans.currentKeyworker(trx, person.id);
    if (keyworker) content.keyworker = keyworker;
    return content;
  }

  /** The draft as it is, or, before anyone has saved one, the empty draft that is not stored until a write (reads never write). */
  async function currentDraft(trx: Db, person: PersonRow): Promise<plans.PlanRow> {
    const existing = await plans.findPlan(trx, person.id);
    if (existing) return existing;
    // Version 1: what the first save will store, so an If-Match taken from this read still matches.
    return { id: randomUUID(), person_id: person.id, content: await newDraftContent(trx, person), version: 1, finalised_number: null, updated_at: clock() };
  }

  /** The stored draft, created when a write first needs it. */
  async function ensurePlan(trx: Db, person: PersonRow, actor: Actor): Promise<plans.PlanRow> {
    const existing = await plans.findPlan(trx, person.id);
    if (existing) return existing;
    await plans.insertPlan(trx, { id: randomUUID(), personId: person.id, content: await newDraftContent(trx, person), userId: actor.userId });
    return (await plans.findPlan(trx, person.id))!;
  }

  async function view(trx: Db, person: PersonRow, plan: plans.PlanRow, actor: Actor) {
    const latestFinal = await plans.latestPlanVersionNumber(trx, person.id);
    const readiness = await dischargeReadinessOf(trx, person.id, await aftercareOf(trx, person), today());
    // Issue 3 item 4: each need with the services that meet it; amounts only for those who may see money.
    const money = canSeeMoney(actor, (await moneyContext(trx, person, today())).responsibleBodies);
    return withLinkedServices(planView(plan, latestFinal, readiness), await servicesByNeed(trx, person.id, money, today()));
  }

  function audit(trx: Db, actor: Actor, action: string, person: PersonRow, details: Record<string, unknown> = {}) {
    return appendAuditEvent(trx, { ...auditActor(actor), action, recordType: 'plan', recordId: person.id, personId: person.id, details }, clock());
  }

  return {
    /** GET /people/{id}/plan: the current draft (or the final version it still equals). */
    async get(actor: Actor, personId: string) {
      requirePermission(actor, 'plan:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const plan = await currentDraft(trx, person);
        await audit(trx, actor, 'plan.view', person, { version: plan.version });
        return view(trx, person, plan, actor);
      });
    },

    /** For the person page: whether there is a plan, draft or final, its version and PLAN-7's readiness. Creates nothing. */
    async summary(actor: Actor, personId: string) {
      requirePermission(actor, 'plan:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const plan = await plans.findPlan(trx, person.id);
        const latestFinal = await plans.latestPlanVersionNumber(trx, person.id);
        const readiness = await dischargeReadinessOf(trx, person.id, await aftercareOf(trx, person), today());
        await audit(trx, actor, 'plan.view', person, { parts: ['summary'] });
        return {
          status: !plan ? ('none' as const) : plan.finalised_number !== null ? ('final' as const) : ('draft' as const),
          version: plan?.version ?? null,
          needs: plan?.content.needs.length ?? 0,
          latestFinalVersion: latestFinal > 0 ? latestFinal : null,
          dischargeReadiness: readiness,
        };
      });
    },

    /** PUT /people/{id}/plan: replaces the draft. expectedVersion null: If-Match was not sent. */
    async update(actor: Actor, personId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'plan:edit');
      const data = parseInput(PlanInput, input);
      const content = contentFrom(data);
      refuse(validatePlan(content));
      rejectFutureDates(
        {
          'signature.signedOn': content.signature.signedOn,
          copyGivenOn: content.copyGivenOn,
          ...Object.fromEntries(content.sharing.map((s, i) => [`sharing.${i}.consentedOn`, s.consentedOn])),
        },
        today(),
      );
      const expected = expectedVersion ?? data.version ?? null;
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const plan = await ensurePlan(trx, person, actor);
        if (expected !== null && expected !== plan.version) throw new ConflictError(`The plan has changed since version ${expected}; it is now version ${plan.version}`);
        if (!(await plans.updatePlan(trx, person.id, plan.version, { content, finalisedNumber: null, userId: actor.userId }))) {
          throw new ConflictError('The plan was changed by someone else at the same time; reload and try again');
        }
        const updated = (await plans.findPlan(trx, person.id))!;
        await audit(trx, actor, 'plan.update', person, { version: updated.version, needs: content.needs.length, s117Needs: itemiseNeeds(content.needs).s117.length, fields: Object.keys(input as object).filter((k) => k !== 'version') });
        return view(trx, person, updated, actor);
      });
    },

    /** POST /people/{id}/plan/finalise: the draft becomes an immutable numbered version (PLAN-5, PLAN-6). */
    async finalise(actor: Actor, personId: string, expectedVersion: number | null) {
      requirePermission(actor, 'plan:edit');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const plan = await ensurePlan(trx, person, actor);
        if (expectedVersion !== null && expectedVersion !== plan.version) throw new ConflictError(`The plan has changed since version ${expectedVersion}; it is now version ${plan.version}`);
        if (plan.finalised_number !== null) throw new ConflictError(`This plan is already final (version ${plan.finalised_number}); change it to start a new draft`);
        const problems = finaliseProblems(plan.content);
        const aftercare = await aftercareOf(trx, person);
        // PLAN-1: a section 117 plan follows a qualifying detention.
        if (aftercare.episodes.length === 0) problems.unshift({ field: 'episode', message: 'There is no qualifying detention, so there is no section 117 aftercare to plan', rule: 'PLAN-1' });
        refuse(problems);
        const number = (await plans.latestPlanVersionNumber(trx, person.id)) + 1;
        await plans.insertPlanVersion(trx, { id: randomUUID(), personId: person.id, number, content: plan.content, finalisedBy: actor.userId, finalisedAt: clock() });
        if (!(await plans.updatePlan(trx, person.id, plan.version, { content: plan.content, finalisedNumber: number, userId: actor.userId }))) {
          throw new ConflictError('The plan was changed by someone else at the same time; reload and try again');
        }
        await refreshProjections(trx, person, today(), reviews);
        await audit(trx, actor, 'plan.finalise', person, { number });
        return versionView((await plans.findPlanVersion(trx, person.id, number))!);
      });
    },

    /** GET /people/{id}/plan/versions: the finalised versions, newest first. */
    async versions(actor: Actor, personId: string) {
      requirePermission(actor, 'plan:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const rows = await plans.listPlanVersions(trx, person.id);
        await audit(trx, actor, 'plan.versions.view', person, { count: rows.length });
        return { items: rows.map((r) => ({ number: r.number, finalisedAt: r.finalised_at.toISOString(), finalisedBy: { id: r.finalised_by, name: r.finalised_by_name }, needs: r.content.needs.length })), nextCursor: null };
      });
    },

    /** GET /people/{id}/plan/versions/{number}. */
    async version(actor: Actor, personId: string, number: string | number) {
      requirePermission(actor, 'plan:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const n = Number(number);
        const row = Number.isInteger(n) && n >= 1 && n < 2 ** 31 ? await plans.findPlanVersion(trx, person.id, n) : undefined;
        if (!row) throw new NotFoundError('plan version');
        await audit(trx, actor, 'plan.version.view', person, { number: row.number });
        return versionView(row);
      });
    },

    /** GET /people/{id}/plan.pdf: the person's copy of the latest final version. */
    async pdf(actor: Actor, personId: string, options: { largePrint?: boolean } = {}) {
      requirePermission(actor, 'plan:read');
      const content = await db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const version = await plans.latestPlanVersion(trx, person.id);
        if (!version) throw new NotFoundError('final plan');
        const aftercare = await aftercareOf(trx, person);
        const episode = aftercare.episodes.at(-1) ?? null;
        const names = await plans.organisationNames(trx, [episode?.localAuthority.code, episode?.icb.code].filter((c): c is string => Boolean(c)));
        await audit(trx, actor, 'plan.pdf', person, { number: version.number, largePrint: Boolean(options.largePrint) });
        // The person's copy names the services that meet each need (never amounts).
        const linked = await servicesByNeed(trx, person.id, false, today());
        return buildPlanLetter({
          servicesByNeed: Object.fromEntries([...linked].map(([needId, list]) => [needId, list.filter((l) => l.status !== 'ended')])),
          person: { givenName: person.given_name, familyName: person.family_name, addressLine1: person.address_line1, postcode: person.postcode },
          plan: version.content,
          number: version.number,
          finalisedOn: todayInLondon(version.finalised_at),
          episode,
          organisationNames: names,
          today: today(),
        });
      });
      return { number: content.number, pdf: await renderLetter(content.letter, { largePrint: options.largePrint }) };
    },

    /** GET /planning/needed (PLAN-1): detained or awaiting discharge, no final plan, visible to the caller. */
    async planningNeeded(actor: Actor, input: unknown) {
      requirePermission(actor, 'plan:read');
      const query = parseInput(PlanListQuery, input);
      const afterId = decodeCursor(query.cursor, 1)?.[0];
      return db.transaction().execute(async (trx) => {
        const rows = await plans.listPlanningNeeded(trx, { visibleTo: actor.role === 'admin' ? null : actor.organisationCode, afterId, limit: query.limit + 1 });
        const { page, nextCursor } = pageOf(rows, query.limit, (r) => [r.id]);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'planning.needed.view', details: { results: page.length, personIds: page.map((r) => r.id) } }, clock());
        return {
          items: page.map((r) => ({
            id: r.id,
            nhsNumber: r.nhs_number,
            localId: r.local_id,
            givenName: r.given_name,
            familyName: r.family_name,
            dateOfBirth: r.date_of_birth,
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
  const base = emptyPlan();
  return {
    needs: data.needs.map((n) => ({
      id: n.id ?? randomUUID(),
      domain: n.domain,
      description: n.description,
      arisesFromMentalDisorder: n.arisesFromMentalDisorder,
      reducesRiskOfDeterioration: n.reducesRiskOfDeterioration,
      rationale: n.rationale ?? '',
      howMet: n.howMet ?? '',
      who: n.who ?? '',
      s117: n.s117 ?? passesTwoLimbTest(n),
    })),
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
    cpa: data.cpa ?? null,
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

/** Issue 3 item 4: adds to each need the services linked to it (an addition to the contract's plan). */
export function withLinkedServices(view: ReturnType<typeof planView>, linked: Map<string, LinkedService[]>) {
  return { ...view, needs: view.needs.map((n) => ({ ...n, services: linked.get(n.id.toLowerCase()) ?? [] })) };
}

export function versionView(row: plans.PlanVersionRow) {
  return { number: row.number, finalisedAt: row.finalised_at.toISOString(), finalisedBy: { id: row.finalised_by, name: row.finalised_by_name }, ...contentView(row.content) };
}

