// Hospital stays, legal statuses, section 17 leave, the aftercare status derived from them, and the
// confirmation of the responsible bodies.
import { randomUUID } from 'node:crypto';
import { canConfirmResponsibility } from '../../domain/access.ts';
import type { AftercareResult } from '../../domain/aftercare.ts';
import { todayInLondon } from '../../domain/dates.ts';
import { validateAdmission, validateLeave, validateLegalStatus } from '../../domain/legal-history.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as people from '../../data/people-repository.ts';
import type { AdmissionRow, LeaveRow, LegalStatusRow, PersonRow } from '../../data/schema.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../kernel/errors.ts';
import { AdmissionInput, DischargeInput, LeaveInput, LegalStatusEndInput, LegalStatusInput, ResponsibilityInput } from '../people/people-inputs.ts';
import { deriveAftercare, findVisiblePerson, isUuid, refreshProjections } from '../kernel/person-record.ts';
import type { ServiceOptions } from '../people/people-service.ts';
import { parseInput, refuse } from '../kernel/validation.ts';

export function createLegalHistoryService(db: Db, { clock, reviews }: ServiceOptions) {
  const today = () => todayInLondon(clock());

  /** Runs one change to a person's legal history: checks, writes, re-derives, audits. */
  async function change<T>(actor: Actor, personId: string, action: string, write: (trx: Db, person: PersonRow) => Promise<{ recordType: string; recordId: string; result: T }>) {
    requirePermission(actor, 'legal-history:record');
    return db.transaction().execute(async (trx) => {
      const person = await findVisiblePerson(trx, actor, personId);
      // One change to a person's legal history at a time: otherwise two overlapping detentions sent
      // together could each pass the overlap checks before the other was saved (PostgreSQL).
      await trx.selectFrom('people').select('id').where('id', '=', person.id).forUpdate().execute();
      const { recordType, recordId, result } = await write(trx, person);
      const aftercare = await refreshProjections(trx, person, today(), reviews);
      await appendAuditEvent(trx, { ...auditActor(actor), action, recordType, recordId, personId: person.id, details: { status: aftercare.status } }, clock());
      return result;
    });
  }


  async function findOwn<T extends { person_id: string; version: number }>(row: T | undefined, person: PersonRow, what: string, expectedVersion: number | null): Promise<T> {
    if (!row || row.person_id !== person.id) throw new NotFoundError(what);
    if (expectedVersion !== null && expectedVersion !== row.version) throw new ConflictError(`The ${what} has changed since version ${expectedVersion}; it is now version ${row.version}`);
    return row;
  }

  return {
    async addAdmission(actor: Actor, personId: string, input: unknown) {
      const data = parseInput(AdmissionInput, input);
      return change(actor, personId, 'admission.create', async (trx, person) => {
        const id = randomUUID();
        const candidate = { id, hospital: data.hospital, admittedOn: data.admittedOn, dischargedOn: data.dischargedOn ?? null };
        refuse(validateAdmission(await people.loadFacts(trx, person), candidate, today()));
        await people.insertAdmission(trx, { personId: person.id, ...candidate });
        return { recordType: 'admission', recordId: id, result: admissionView(await findAdmission(trx, id)) };
      });
    },

    async recordDischarge(actor: Actor, personId: string, admissionId: string, expectedVersion: number | null, input: unknown) {
      const data = parseInput(DischargeInput, input);
      return change(actor, personId, 'admission.discharge', async (trx, person) => {
        const row = await findOwn(isUuid(admissionId) ? await findAdmission(trx, admissionId) : undefined, person, 'hospital stay', expectedVersion);
        const candidate = { id: row.id, hospital: row.hospital, admittedOn: row.admitted_on, dischargedOn: data.dischargedOn };
        refuse(validateAdmission(await people.loadFacts(trx, person), candidate, today()));
        if (!(await people.updateAdmissionDischarge(trx, row.id, row.version, data.dischargedOn))) throw new ConflictError('The hospital stay was changed by someone else; reload and try again');
        return { recordType: 'admission', recordId: row.id, result: admissionView(await findAdmission(trx, row.id)) };
      });
    },

    async addLegalStatus(actor: Actor, personId: string, input: unknown) {
      const data = parseInput(LegalStatusInput, input);
      return change(actor, personId, 'legal-status.create', async (trx, person) => {
        const id = randomUUID();
        const candidate = { id, section: data.section, startDate: data.startDate, endDate: data.endDate ?? null, admissionId: data.admissionId ?? null };
        refuse(validateLegalStatus(await people.loadFacts(trx, person), candidate, today()));
        await people.insertLegalStatus(trx, { personId: person.id, ...candidate });
        return { recordType: 'legal-status', recordId: id, result: legalStatusView(await findLegalStatus(trx, id)) };
      });
    },

    async endLegalStatus(actor: Actor, personId: string, statusId: string, expectedVersion: number | null, input: unknown) {
      const data = parseInput(LegalStatusEndInput, input);
      return change(actor, personId, 'legal-status.end', async (trx, person) => {
        const row = await findOwn(isUuid(statusId) ? await findLegalStatus(trx, statusId) : undefined, person, 'legal status', expectedVersion);
        const candidate = { id: row.id, section: row.section as LegalStatusInputSection, startDate: row.start_date, endDate: data.endDate, admissionId: row.admission_id };
        refuse(validateLegalStatus(await people.loadFacts(trx, person), candidate, today()));
        if (!(await people.updateLegalStatusEnd(trx, row.id, row.version, data.endDate))) throw new ConflictError('The legal status was changed by someone else; reload and try again');
        return { recordType: 'legal-status', recordId: row.id, result: legalStatusView(await findLegalStatus(trx, row.id)) };
      });
    },

    async addLeave(actor: Actor, personId: string, input: unknown) {
      const data = parseInput(LeaveInput, input);
      return change(actor, personId, 'leave.create', async (trx, person) => {
        const id = randomUUID();
        const candidate = { id, from: data.from, to: data.to ?? null, kind: data.kind, triggersAftercare: data.triggersAftercare, reason: data.reason };
        refuse(validateLeave(await people.loadFacts(trx, person), candidate, today()));
        await people.insertLeave(trx, { personId: person.id, ...candidate, decidedBy: actor.userId });
        return { recordType: 'leave', recordId: id, result: leaveView((await trx.selectFrom('leaves').selectAll().where('id', '=', id).executeTakeFirst())!) };
      });
    },

    async legalHistory(actor: Actor, personId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const rows = await people.loadLegalHistory(trx, person.id);
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'legal-history.view', recordType: 'person', recordId: person.id, personId: person.id }, clock());
        return { admissions: rows.admissions.map(admissionView), legalStatuses: rows.legalStatuses.map(legalStatusView), leave: rows.leaves.map(leaveView) };
      });
    },

    async aftercare(actor: Actor, personId: string): Promise<AftercareResult> {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        // A read: derived from the facts, nothing written but the audit event.
        const result = await deriveAftercare(trx, person, today());
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'aftercare.view', recordType: 'person', recordId: person.id, personId: person.id }, clock());
        return result;
      });
    },

    /** RESP-2 to RESP-5: a person confirms the responsible local authority and ICB, with the basis. */
    async confirmResponsibility(actor: Actor, personId: string, episodeId: string, input: unknown): Promise<AftercareResult> {
      requirePermission(actor, 'responsibility:confirm');
      const data = parseInput(ResponsibilityInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const before = await deriveAftercare(trx, person, today());
        const episode = before.episodes.find((e) => e.id === episodeId);
        if (!episode) throw new NotFoundError('episode');
        if (!canConfirmResponsibility(actor, [episode.localAuthority.code, episode.icb.code])) {
          throw new ForbiddenError('Only an approver of the local authority or ICB concerned can confirm responsibility');
        }
        const id = randomUUID();
        await people.insertResponsibilityDecision(trx, { id, personId: person.id, episodeId, localAuthority: data.localAuthority, icb: data.icb, decidedBy: actor.userId, decidedAt: clock() });
        const after = await refreshProjections(trx, person, today(), reviews);
        await appendAuditEvent(
          trx,
          { ...auditActor(actor), action: 'responsibility.confirm', recordType: 'episode', recordId: episodeId, personId: person.id, details: { localAuthority: data.localAuthority.code, icb: data.icb.code } },
          clock(),
        );
        return after;
      });
    },
  };
}

export type LegalHistoryService = ReturnType<typeof createLegalHistoryService>;
type LegalStatusInputSection = Parameters<typeof validateLegalStatus>[1]['section'];

function findAdmission(db: Db, id: string) {
  return db.selectFrom('admissions').selectAll().where('id', '=', id).executeTakeFirst() as Promise<AdmissionRow>;
}

function findLegalStatus(db: Db, id: string) {
  return db.selectFrom('legal_statuses').selectAll().where('id', '=', id).executeTakeFirst() as Promise<LegalStatusRow>;
}

export function admissionView(row: AdmissionRow) {
  return { id: row.id, version: row.version, hospital: row.hospital, admittedOn: row.admitted_on, dischargedOn: row.discharged_on };
}

export function legalStatusView(row: LegalStatusRow) {
  return { id: row.id, version: row.version, section: row.section, startDate: row.start_date, endDate: row.end_date, admissionId: row.admission_id };
}

export function leaveView(row: LeaveRow) {
  return { id: row.id, version: row.version, from: row.from_date, to: row.to_date, kind: row.kind, triggersAftercare: row.triggers_aftercare, reason: row.reason };
}
