// Hospital stays, legal statuses, section 17 leave, the aftercare status derived from them, and the
// confirmation of the responsible bodies.
import { randomUUID } from 'node:crypto';
import { canConfirmResponsibility, responsibilityChangeOutcome, responsibilityPartsConfirmedBy, responsibilityVersion } from '../../domain/access.ts';
import { computeAftercare, type AftercareResult } from '../../domain/aftercare.ts';
import { validateAdmission, validateLeave, validateLegalStatus } from '../../domain/legal-history.ts';
import type { Db } from '../../data/database.ts';
import * as history from '../../data/legal-history-repository.ts';
import { findOrganisationByCode } from '../../data/accounts-repository.ts';
import { factsFromRows, findPerson, loadFacts } from '../../data/people-repository.ts';
import { loadPersonReadModel } from '../../data/person-read-model.ts';
import type { AdmissionRow, LeaveRow, LegalStatusRow, PersonRow, PlacementsTable } from '../../data/schema.ts';
import type { Selectable } from 'kysely';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../kernel/errors.ts';
import { deriveAftercare, isUuid, rejectFutureDates } from '../kernel/person-record.ts';
import { checkVersion, mustHaveUpdated, type PersonContext, type UseCases } from '../kernel/use-case.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { AdmissionInput, DischargeInput, LeaveInput, LegalStatusEndInput, LegalStatusInput, PlacementEndInput, PlacementInput, ResponsibilityInput } from './legal-history-inputs.ts';
import { endPlacement, findPlacement, insertPlacement } from '../../data/people-repository.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import { insertDispute } from '../../data/disputes-repository.ts';
import { auditActor } from '../kernel/actor.ts';

/** What a change to the legal history answers, and the record it wrote (for its audit event). */
interface Recorded<T> { recordType: string; recordId: string; view: T }

export function createLegalHistoryService({ useCases }: { useCases: UseCases }) {
  const { law } = useCases;
  /**
   * One change to a person's legal history. The runner holds the person's row locked, so two
   * overlapping detentions sent together cannot each pass the overlap checks before the other is
   * saved; the audit event records the status the change leaves the person in.
   */
  async function change<T>(actor: Actor, personId: string, action: string, write: (ctx: PersonContext) => Promise<{ recordType: string; recordId: string; view: T }>): Promise<T> {
    const recorded = await useCases.change(
      actor,
      personId,
      { permission: 'legal-history:record', auditStatus: true, audit: (r: Recorded<T>) => ({ action, recordType: r.recordType, recordId: r.recordId }) },
      write,
    );
    return recorded.view;
  }

  /** The person's own row of a legal history table, at the version the caller changed (404 / 409). */
  function own<T extends { person_id: string; version: number }>(row: T | undefined, person: PersonRow, what: string, expectedVersion: number | null): T {
    if (!row || row.person_id !== person.id) throw new NotFoundError(what);
    checkVersion(what, expectedVersion, row.version);
    return row;
  }

  return {
    async addAdmission(actor: Actor, personId: string, input: unknown) {
      const data = parseInput(AdmissionInput, input);
      return change(actor, personId, 'admission.create', async ({ trx, person, today }) => {
        const id = randomUUID();
        const candidate = { id, hospital: data.hospital, admittedOn: data.admittedOn, dischargedOn: data.dischargedOn ?? null };
        refuse(validateAdmission(await loadFacts(trx, person), candidate, today));
        if (data.provider && (await findOrganisationByCode(trx, data.provider))?.type !== 'provider') {
          refuse([{ field: 'provider', message: 'The provider must be a provider organisation on the register (its ODS code)' }]);
        }
        await history.insertAdmission(trx, { personId: person.id, ...candidate, providerCode: data.provider ?? null });
        return { recordType: 'admission', recordId: id, view: admissionView((await history.findAdmission(trx, id))!) };
      });
    },

    /** MHA25-3: records accommodation a council arranged for the person (used by the deemed residence rule when its setting is on). */
    async recordPlacement(actor: Actor, personId: string, input: unknown) {
      const data = parseInput(PlacementInput, input);
      return change(actor, personId, 'placement.create', async ({ trx, person, today }) => {
        rejectFutureDates({ from: data.from }, today);
        if (data.to && data.to < data.from) throw new ValidationError([{ field: 'to', message: 'The end must be on or after the start' }]);
        const id = randomUUID();
        await insertPlacement(trx, { id, person_id: person.id, local_authority_code: data.localAuthority, kind: data.kind, arranged_by_code: data.arrangedBy, from_date: data.from, to_date: data.to ?? null, description: data.description ?? null, s117: data.s117 ?? null, recorded_by: actor.userId });
        return { recordType: 'placement', recordId: id, view: placementView((await findPlacement(trx, id))!) };
      });
    },

    /** MHA25-3: the accommodation councils arranged for the person, oldest first (an audited read). */
    async placements(actor: Actor, personId: string) {
      return useCases.readModelAtOnce(
        actor,
        personId,
        { permission: 'person:read', audit: { action: 'placements.view' } },
        (db, viewer, event) => loadPersonReadModel(db, personId, viewer, {}, event, history.PLACEMENTS_PART),
        ({ model }) => ({ items: model.part.map(placementView) }),
      );
    },

    /**
     * MHA25-3: the person left the placement (its last day), so that the deemed residence rule no
     * longer counts it as in place. Once only: an ended placement is history (409), as is a stale version.
     */
    async endPlacement(actor: Actor, personId: string, placementId: string, expectedVersion: number | null, input: unknown) {
      const data = parseInput(PlacementEndInput, input);
      return change(actor, personId, 'placement.end', async ({ trx, person, today }) => {
        const row = own(isUuid(placementId) ? await findPlacement(trx, placementId) : undefined, person, 'placement', expectedVersion);
        if (row.to_date !== null) throw new ConflictError(`This placement's end is already recorded (${row.to_date})`);
        rejectFutureDates({ to: data.to }, today);
        if (data.to < row.from_date) throw new ValidationError([{ field: 'to', message: 'The last day they lived there must be on or after the day the placement began' }]);
        mustHaveUpdated(await endPlacement(trx, row.id, row.version, data.to), 'placement');
        return { recordType: 'placement', recordId: row.id, view: placementView((await findPlacement(trx, row.id))!) };
      });
    },

    async recordDischarge(actor: Actor, personId: string, admissionId: string, expectedVersion: number | null, input: unknown) {
      const data = parseInput(DischargeInput, input);
      return change(actor, personId, 'admission.discharge', async ({ trx, person, today }) => {
        const row = own(isUuid(admissionId) ? await history.findAdmission(trx, admissionId) : undefined, person, 'hospital stay', expectedVersion);
        const candidate = { id: row.id, hospital: row.hospital, admittedOn: row.admitted_on, dischargedOn: data.dischargedOn };
        refuse(validateAdmission(await loadFacts(trx, person), candidate, today));
        mustHaveUpdated(await history.updateAdmissionDischarge(trx, row.id, row.version, data.dischargedOn), 'hospital stay');
        return { recordType: 'admission', recordId: row.id, view: admissionView((await history.findAdmission(trx, row.id))!) };
      });
    },

    async addLegalStatus(actor: Actor, personId: string, input: unknown) {
      const data = parseInput(LegalStatusInput, input);
      return change(actor, personId, 'legal-status.create', async ({ trx, person, today }) => {
        const id = randomUUID();
        const candidate = { id, section: data.section, startDate: data.startDate, endDate: data.endDate ?? null, admissionId: data.admissionId ?? null };
        refuse(validateLegalStatus(await loadFacts(trx, person), candidate, today));
        const inserted = await history.insertLegalStatus(trx, { personId: person.id, ...candidate });
        return { recordType: 'legal-status', recordId: id, view: legalStatusView(inserted) };
      });
    },

    async endLegalStatus(actor: Actor, personId: string, statusId: string, expectedVersion: number | null, input: unknown) {
      const data = parseInput(LegalStatusEndInput, input);
      return change(actor, personId, 'legal-status.end', async ({ trx, person, today }) => {
        const row = own(isUuid(statusId) ? await history.findLegalStatus(trx, statusId) : undefined, person, 'legal status', expectedVersion);
        const candidate = { id: row.id, section: row.section as LegalStatusInputSection, startDate: row.start_date, endDate: data.endDate, admissionId: row.admission_id };
        refuse(validateLegalStatus(await loadFacts(trx, person), candidate, today));
        mustHaveUpdated(await history.updateLegalStatusEnd(trx, row.id, row.version, data.endDate), 'legal status');
        return { recordType: 'legal-status', recordId: row.id, view: legalStatusView((await history.findLegalStatus(trx, row.id))!) };
      });
    },

    async addLeave(actor: Actor, personId: string, input: unknown) {
      const data = parseInput(LeaveInput, input);
      return change(actor, personId, 'leave.create', async ({ trx, person, today }) => {
        const id = randomUUID();
        const candidate = { id, from: data.from, to: data.to ?? null, kind: data.kind, triggersAftercare: data.triggersAftercare, reason: data.reason };
        refuse(validateLeave(await loadFacts(trx, person), candidate, today));
        await history.insertLeave(trx, { personId: person.id, ...candidate, decidedBy: actor.userId });
        return { recordType: 'leave', recordId: id, view: leaveView((await history.findLeave(trx, id))!) };
      });
    },

    async legalHistory(actor: Actor, personId: string) {
      // One read-model query with its audit event (issue 14), as the aftercare read below.
      return useCases.readModelAtOnce(actor, personId, { permission: 'person:read', audit: { action: 'legal-history.view' } }, (db, viewer, audit) => loadPersonReadModel(db, personId, viewer, { facts: true }, audit), ({ model }) => legalHistoryOf(model.facts!.history));
    },

    /** A read: derived from the facts, nothing written but the audit event. */
    async aftercare(actor: Actor, personId: string): Promise<AftercareResult> {
      // One read-model query (person, visibility and every fact) instead of nine (issue 14).
      return useCases.readModelAtOnce(actor, personId, { permission: 'person:read', audit: { action: 'aftercare.view' } }, (db, viewer, audit) => loadPersonReadModel(db, personId, viewer, { facts: true }, audit), ({ model, today }) => computeAftercare({ ...factsFromRows(model.person, { residences: model.residences, gps: model.gps, ...model.facts! }), deemedResidence: law.deemedResidence }, today));
    },

    /**
     * RESP-2 to RESP-6 (issue 9 item 2): the running episodes whose part for the approver's own
     * organisation (the local authority, or the ICB) is still only proposed, for "Awaiting your approval".
     */
    async responsibilityAwaiting(actor: Actor) {
      const audit = (result: { items: { person: { id: string } }[] }) => ({
        action: 'approvals.responsibility-pending', details: { count: result.items.length, personIds: [...new Set(result.items.map((i) => i.person.id))] },
      });
      return useCases.run(actor, { permission: 'responsibility:confirm', audit }, async ({ trx, today }) => {
        const parts = responsibilityPartsConfirmedBy({ role: actor.role, organisationType: actor.organisationType, system: Boolean(actor.scopes) });
        const items = [];
        if (actor.role === 'approver') {
          for (const personId of await history.peopleNamingBody(trx, actor.organisationCode, AWAITING_LIMIT)) {
            const person = await findPerson(trx, personId);
            if (!person) continue;
            const aftercare = await deriveAftercare(trx, person, today, law);
            for (const e of aftercare.episodes) {
              if (e.endedOn) continue;
              const part = parts.localAuthority ? e.localAuthority : parts.icb ? e.icb : null;
              if (!part || part.confirmed || part.code !== actor.organisationCode) continue;
              items.push({
                person: { id: person.id, givenName: person.given_name, familyName: person.family_name, nhsNumber: person.nhs_number },
                episodeId: e.id, qualifyingSection: e.qualifyingSection, qualifyingFrom: e.qualifyingFrom,
                side: parts.localAuthority ? ('local-authority' as const) : ('icb' as const),
              });
            }
          }
        }
        return { items, nextCursor: null };
      });
    },

    /**
     * RESP-2 to RESP-5: a person confirms the responsible local authority and ICB, with the basis.
     * RESP-6 (issue 15 probe 7): an approver who names a different body for the other body's part
     * records their own part as usual and opens a dispute with that body (audited), whose id the
     * answer carries; `recorded` is false when there was nothing of their own to confirm (the API's 202).
     * `drawnFrom` (the page's form): the responsibility version the form showed; when the episode's
     * responsibility has changed since, the confirmation is refused (409) and nothing is recorded, no
     * dispute opened: a stale form is not a proposal to change the other body's part (RESP-6).
     */
    async confirmResponsibility(actor: Actor, personId: string, episodeId: string, input: unknown, options: { drawnFrom?: string } = {}): Promise<AftercareResult & { disputeId?: string; recorded: boolean }> {
      requirePermission(actor, 'responsibility:confirm');
      const data = parseInput(ResponsibilityInput, input);
      // Each body confirms its own part (RESP-2 to RESP-6); an admin or a system account both.
      const parts = responsibilityPartsConfirmedBy({ role: actor.role, organisationType: actor.organisationType, system: Boolean(actor.scopes) });
      type Done = { disputeId: string | null; recorded: boolean };
      const audit = (done: Done) =>
        done.recorded
          ? { action: data.correction ? 'responsibility.correct' : 'responsibility.confirm', recordType: 'episode', recordId: episodeId, details: { localAuthority: data.localAuthority.code, icb: data.icb.code, correction: Boolean(data.correction), parts, ...(done.disputeId && { disputeId: done.disputeId }) } }
          : { action: 'responsibility.disputed', recordType: 'episode', recordId: episodeId, details: { disputeId: done.disputeId, parts } };
      const result = await useCases.change(
        actor,
        personId,
        { permission: 'responsibility:confirm', audit },
        async ({ trx, person, today, now }): Promise<Done> => {
          const before = await deriveAftercare(trx, person, today, law);
          const episode = before.episodes.find((e) => e.id === episodeId);
          if (!episode) throw new NotFoundError('episode');
          if (!canConfirmResponsibility(actor, [episode.localAuthority.code, episode.icb.code])) {
            throw new ForbiddenError('Only an approver of the local authority or ICB concerned can confirm responsibility');
          }
          // Checked under the person's lock, so a change made between the form and this post is always seen.
          if (options.drawnFrom !== undefined && options.drawnFrom !== responsibilityVersion(episode)) throw new ConflictError(RESPONSIBILITY_CHANGED);
          const outcome = responsibilityChangeOutcome(
            { role: actor.role, organisationCode: actor.organisationCode, organisationType: actor.organisationType, system: Boolean(actor.scopes) },
            { localAuthority: episode.localAuthority, icb: episode.icb },
            { localAuthority: data.localAuthority.code, icb: data.icb.code },
          );
          refuse([
            ...outcome.violations,
            // An ended episode's responsibility is history: changed only by a recorded correction.
            ...(episode.endedOn && !data.correction ? [{ field: 'correction.reason', message: `This episode ended on ${episode.endedOn}: its responsibility is history. Record a correction, saying why` }] : []),
          ]);
          let disputeId: string | null = null;
          const recorded = outcome.ownPartToConfirm;
          if (outcome.dispute) {
            const d = outcome.dispute;
            const otherPart = d.proposed.kind === 'icb' ? data.icb : data.localAuthority;
            disputeId = randomUUID();
            const details = `Opened when ${actor.organisationName || actor.organisationCode} confirmed the responsibility for the episode from ${episode.qualifyingFrom} (${episodeId}): proposes ${d.proposed.code} instead of ${d.partyB.code} as the responsible ${d.proposed.kind === 'icb' ? 'ICB' : 'local authority'}. Reason: ${otherPart.basis}`.slice(0, 4000);
            await insertDispute(trx, {
              id: disputeId, person_id: person.id, party_a_kind: d.partyA.kind, party_a_code: d.partyA.code, party_b_kind: d.partyB.kind, party_b_code: d.partyB.code,
              subject: d.subject, details, interim_funder_code: d.interimFunderCode, raised_on: today, referred_on: null, person_told_on: null, created_by: actor.userId,
            });
            await appendAuditEvent(trx, {
              ...auditActor(actor), action: 'dispute.raise', recordType: 'dispute', recordId: disputeId, personId: person.id,
              details: { partyA: d.partyA.code, partyB: d.partyB.code, proposed: d.proposed.code, subject: d.subject, interimFunder: d.interimFunderCode, raisedOn: today, episodeId, rule: 'RESP-6' },
            }, now);
          }
          if (recorded) {
            // The other body's part is recorded as it stands (not confirmed by this decision): the proposal lives in the dispute.
            const keep = (part: 'localAuthority' | 'icb') => (outcome.dispute && outcome.dispute.proposed.kind === (part === 'icb' ? 'icb' : 'local-authority') ? { code: outcome.dispute.partyB.code, basis: data[part].basis } : data[part]);
            await history.insertResponsibilityDecision(trx, { id: randomUUID(), personId: person.id, episodeId, localAuthority: keep('localAuthority'), icb: keep('icb'), decidedBy: actor.userId, decidedAt: now, correctionReason: data.correction?.reason ?? null, parts });
          }
          return { disputeId, recorded };
        },
        // The answer shows the responsibility as now confirmed, and the dispute opened, if any.
        async ({ trx, person, today }, done) => ({ ...(await deriveAftercare(trx, person, today, law)), ...(done.disputeId && { disputeId: done.disputeId }), recorded: done.recorded }),
      );
      return result;
    },
  };
}

/** A confirmation drawn from a responsibility that has changed since (RESP-6, a stale form). */
export const RESPONSIBILITY_CHANGED = 'This record changed since you opened it';

/** At most this many people are looked at for "Awaiting your approval" at once. */
const AWAITING_LIMIT = 200;

export type LegalHistoryService = ReturnType<typeof createLegalHistoryService>;
type LegalStatusInputSection = Parameters<typeof validateLegalStatus>[1]['section'];

/** A person's hospital stays, legal statuses and leave, read without an audit event of its own. */
export async function legalHistoryPart(trx: Db, person: PersonRow) {
  return legalHistoryOf(await history.loadLegalHistory(trx, person.id));
}

/** The legal history as the API shows it, from its rows (loadLegalHistory's, or the read model's facts). */
function legalHistoryOf(rows: history.LegalHistoryRows) {
  return { admissions: rows.admissions.map(admissionView), legalStatuses: rows.legalStatuses.map(legalStatusView), leave: rows.leaves.map(leaveView) };
}

export function admissionView(row: AdmissionRow) {
  return { id: row.id, version: row.version, hospital: row.hospital, admittedOn: row.admitted_on, dischargedOn: row.discharged_on, provider: row.provider_code };
}

export function legalStatusView(row: LegalStatusRow) {
  return { id: row.id, version: row.version, section: row.section, startDate: row.start_date, endDate: row.end_date, admissionId: row.admission_id };
}

export function leaveView(row: LeaveRow) {
  return { id: row.id, version: row.version, from: row.from_date, to: row.to_date, kind: row.kind, triggersAftercare: row.triggers_aftercare, reason: row.reason };
}

/** MHA25-3: a placement as the API and the pages show it. */
export function placementView(row: Selectable<PlacementsTable>) {
  return { id: row.id, version: row.version, localAuthority: row.local_authority_code, kind: row.kind, arrangedBy: row.arranged_by_code, s117: row.s117, from: row.from_date, to: row.to_date, description: row.description };
}
