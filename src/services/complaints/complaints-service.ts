// Complaints about a person's aftercare (CMP-1, CMP-2): which body, which route, which decisions, the
// outcome and the learning, and the Ombudsman's 12-month window worked out in the domain.
import { randomUUID } from 'node:crypto';
import { compareDates, todayInLondon } from '../../domain/dates.ts';
import { COMPLAINT_ROUTE_LABELS, ombudsmanWindow } from '../../domain/ending.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import * as repo from '../../data/ending-repository.ts';
import type { ComplaintRow } from '../../data/schema.ts';
import { auditActor, requirePermission, type Actor } from '../kernel/actor.ts';
import { ComplaintInput, ComplaintUpdateInput } from '../ending/ending-inputs.ts';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../kernel/errors.ts';
import { findVisiblePerson, isUuid } from '../kernel/person-record.ts';
import { parseInput } from '../kernel/validation.ts';
import { keyText, pageInMemory, pageQuery } from '../kernel/paging.ts';

export function createComplaintsService(db: Db, { clock }: { clock: () => Date }) {
  const today = () => todayInLondon(clock());

  function view(row: ComplaintRow) {
    const window = ombudsmanWindow(row.aware_on, today());
    return {
      id: row.id,
      version: row.version,
      personId: row.person_id,
      against: row.against,
      route: row.route,
      routeLabel: COMPLAINT_ROUTE_LABELS[row.route],
      receivedOn: row.received_on,
      awareOn: row.aware_on,
      subject: row.subject,
      linkedDecisionIds: row.linked_decision_ids,
      faults: row.faults,
      outcome: row.outcome,
      outcomeOn: row.outcome_on,
      learning: row.learning,
      ombudsman: { windowUntil: window.until, withinWindow: window.within, text: window.text },
      recordedBy: row.recorded_by,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  /** Dates in order and not in the future. */
  function checkDates(d: { receivedOn: string; awareOn: string; outcomeOn: string | null }): void {
    const errors: FieldError[] = [];
    const t = today();
    if (compareDates(d.receivedOn, t) > 0) errors.push({ field: 'receivedOn', message: 'receivedOn must be today or in the past' });
    if (compareDates(d.awareOn, d.receivedOn) > 0) errors.push({ field: 'awareOn', message: 'awareOn must be on or before the date the complaint was received', rule: 'CMP-1' });
    if (d.outcomeOn && compareDates(d.outcomeOn, d.receivedOn) < 0) errors.push({ field: 'outcomeOn', message: 'outcomeOn must be on or after the date the complaint was received' });
    if (d.outcomeOn && compareDates(d.outcomeOn, t) > 0) errors.push({ field: 'outcomeOn', message: 'outcomeOn must be today or in the past' });
    if (errors.length > 0) throw new ValidationError(errors);
  }

  return {
    async list(actor: Actor, personId: string, query?: unknown) {
      requirePermission(actor, 'person:read');
      const paging = pageQuery(query);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const all = await repo.listComplaints(trx, person.id);
        // Lists convention: a keyset on (received on, id), latest first.
        const { page: rows, nextCursor } = paging ? pageInMemory(all, paging, ['desc', 'asc'], (r) => [keyText(r.received_on), r.id]) : { page: all, nextCursor: null };
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'complaint.list', recordType: 'person', recordId: person.id, personId: person.id }, clock());
        return { items: rows.map(view), nextCursor };
      });
    },

    async get(actor: Actor, personId: string, complaintId: string) {
      requirePermission(actor, 'person:read');
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = isUuid(complaintId) ? await repo.findComplaint(trx, complaintId) : undefined;
        if (!row || row.person_id !== person.id) throw new NotFoundError('complaint');
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'complaint.view', recordType: 'complaint', recordId: row.id, personId: person.id }, clock());
        return view(row);
      });
    },

    async create(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'complaint:record');
      const data = parseInput(ComplaintInput, input);
      const awareOn = data.awareOn ?? data.receivedOn;
      checkDates({ receivedOn: data.receivedOn, awareOn, outcomeOn: data.outcomeOn ?? null });
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        await refuseOthersDecisions(trx, person.id, data.linkedDecisionIds);
        const id = randomUUID();
        await repo.insertComplaint(trx, {
          id,
          person_id: person.id,
          against: data.against,
          route: data.route,
          received_on: data.receivedOn,
          aware_on: awareOn,
          subject: data.subject,
          linked_decision_ids: data.linkedDecisionIds,
          faults: data.faults,
          outcome: data.outcome ?? null,
          outcome_on: data.outcomeOn ?? null,
          learning: data.learning ?? null,
          recorded_by: actor.userId,
        });
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'complaint.create', recordType: 'complaint', recordId: id, personId: person.id, details: { against: data.against, route: data.route, faults: data.faults, linked: data.linkedDecisionIds } }, clock());
        return view((await repo.findComplaint(trx, id))!);
      });
    },

    async update(actor: Actor, personId: string, complaintId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'complaint:record');
      const data = parseInput(ComplaintUpdateInput, input);
      return db.transaction().execute(async (trx) => {
        const person = await findVisiblePerson(trx, actor, personId);
        const row = isUuid(complaintId) ? await repo.findComplaint(trx, complaintId) : undefined;
        if (!row || row.person_id !== person.id) throw new NotFoundError('complaint');
        await refuseOthersDecisions(trx, person.id, data.linkedDecisionIds ?? []);
        const version = expectedVersion ?? row.version;
        if (version !== row.version) throw new ConflictError(`The complaint has changed since version ${version}; it is now version ${row.version}`);
        const receivedOn = data.receivedOn ?? row.received_on;
        const awareOn = data.awareOn === undefined ? (data.receivedOn && row.aware_on === row.received_on ? receivedOn : row.aware_on) : (data.awareOn ?? receivedOn);
        const outcomeOn = data.outcomeOn === undefined ? row.outcome_on : data.outcomeOn;
        checkDates({ receivedOn, awareOn, outcomeOn });
        const changes = {
          ...(data.against && { against: data.against }),
          ...(data.route && { route: data.route }),
          received_on: receivedOn,
          aware_on: awareOn,
          ...(data.subject && { subject: data.subject }),
          ...(data.linkedDecisionIds && { linked_decision_ids: data.linkedDecisionIds }),
          ...(data.faults && { faults: data.faults }),
          ...(data.outcome !== undefined && { outcome: data.outcome }),
          outcome_on: outcomeOn,
          ...(data.learning !== undefined && { learning: data.learning }),
        };
        if (!(await repo.updateComplaint(trx, row.id, version, changes))) throw new ConflictError('The complaint was changed by someone else; reload and try again');
        await appendAuditEvent(trx, { ...auditActor(actor), action: 'complaint.update', recordType: 'complaint', recordId: row.id, personId: person.id, details: { fields: Object.keys(data) } }, clock());
        return view((await repo.findComplaint(trx, row.id))!);
      });
    },
  };
}

export type ComplaintsService = ReturnType<typeof createComplaintsService>;

/** CMP-1: a complaint links only to decisions recorded for the same person. */
async function refuseOthersDecisions(trx: Db, personId: string, ids: readonly string[]): Promise<void> {
  const own = await repo.decisionIdsOfPerson(trx, personId, ids.filter(isUuid));
  const foreign = ids.filter((id) => !own.has(id));
  if (foreign.length > 0) {
    throw new ValidationError([{ field: 'linkedDecisionIds', message: `Link only to this person’s own decisions: ${foreign.length} of the ids are not`, rule: 'CMP-1' }]);
  }
}
