// Complaints about a person's aftercare (CMP-1, CMP-2): which body, which route, which decisions, the
// outcome and the learning, and the Ombudsman's 12-month window worked out in the domain.
import { randomUUID } from 'node:crypto';
import { COMPLAINT_ROUTE_LABELS, linksToOthersDecisions, ombudsmanWindow, validateComplaintDates, type ComplaintDates } from '../../domain/complaints.ts';
import type { IsoDate } from '../../domain/dates.ts';
import { todayInLondon } from '../../domain/dates.ts';
import * as repo from '../../data/complaints-repository.ts';
import type { Db } from '../../data/database.ts';
import { loadPersonReadModel } from '../../data/person-read-model.ts';
import type { ComplaintRow, PersonRow } from '../../data/schema.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { NotFoundError } from '../kernel/errors.ts';
import { inMemoryPageQuery, keyText, pageInMemory, type Page } from '../kernel/paging.ts';
import { isUuid, uuidOrNull } from '../kernel/person-record.ts';
import { viewOfModel } from '../people/people-service.ts';
import { checkVersion, mustHaveUpdated, type UseCases } from '../kernel/use-case.ts';
import { parseInput, refuse } from '../kernel/validation.ts';
import { ComplaintInput, ComplaintUpdateInput } from './complaints-inputs.ts';
import { organisationScope } from '../../domain/access.ts';
import { acrossPeopleInput, ACROSS_PAGE_SIZE, auditReadsOfPeople, pageWindow, personFilter } from '../kernel/across-people.ts';

/** Issue 9 item 9: the complaints list's filters: open (no outcome yet) or closed, the person, received between. */
export const COMPLAINT_LIST_STATUSES = ['open', 'closed'] as const;
const ComplaintsAcrossInput = acrossPeopleInput(COMPLAINT_LIST_STATUSES);

export interface ComplaintsServiceOptions { clock: () => Date; useCases: UseCases }

function view(row: ComplaintRow, today: IsoDate) {
  const window = ombudsmanWindow(row.aware_on, today);
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
    recordedByPerson: row.recorded_by_person !== null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** CMP-1: the dates in order and not in the future (422). */
function checkDates(dates: ComplaintDates, today: IsoDate): void {
  refuse(validateComplaintDates(dates, today));
}

/** CMP-1: a complaint links only to decisions recorded for the same person (422). */
async function refuseOthersDecisions(trx: Db, personId: string, ids: readonly string[]): Promise<void> {
  const own = await repo.decisionIdsOfPerson(trx, personId, ids.filter(isUuid));
  const foreign = linksToOthersDecisions(ids, own);
  if (foreign) refuse([foreign]);
}

/** The person's complaint with this id, or 404 (another person's complaint is as good as none). */
async function ownComplaint(trx: Db, person: PersonRow, complaintId: string): Promise<ComplaintRow> {
  return ownComplaintOf(isUuid(complaintId) ? await repo.findComplaint(trx, complaintId) : undefined, person);
}

/** The complaint read, if it is the person's (404 otherwise). */
function ownComplaintOf(row: ComplaintRow | undefined, person: PersonRow): ComplaintRow {
  if (!row || row.person_id !== person.id) throw new NotFoundError('complaint');
  return row;
}

/** Lists convention: a keyset on (received on, id), latest first. */
const COMPLAINTS_ORDER = ['desc', 'asc'] as const;

/** The person's complaints from their rows (the read model's), a page of them when `paging` is given: no query. */
function complaintsOf(all: ComplaintRow[], today: IsoDate, paging: Page | null) {
  const { page: rows, nextCursor } = paging ? pageInMemory(all, paging, COMPLAINTS_ORDER, (r) => [keyText(r.received_on), r.id]) : { page: all, nextCursor: null };
  return { items: rows.map((r) => view(r, today)), nextCursor };
}

export function createComplaintsService({ clock, useCases }: ComplaintsServiceOptions) {
  const today = () => todayInLondon(clock());

  return {
    /**
     * Issue 9 item 9 (CMP-1): complaints across the people the caller's organisation may see (an
     * admin: everyone), latest received first, a numbered page at a time. Each person shown gets an
     * audit event (a read of their complaints); the search gets one more, without the name searched for.
     */
    async listAcross(actor: Actor, input: unknown) {
      requirePermission(actor, 'complaints:list');
      const query = parseInput(ComplaintsAcrossInput, input ?? {});
      const audited = { status: query.status ?? null, person: Boolean(query.person), from: query.from ?? null, to: query.to ?? null, page: query.page };
      return useCases.run(actor, { permission: 'complaints:list', audit: (r: { total: number; items: unknown[] }) => ({ action: 'complaints.search', details: { ...audited, results: r.total, shown: r.items.length } }) }, async ({ trx, today, now }) => {
        const { rows, total } = await repo.listComplaintsAcross(trx, {
          visibleTo: organisationScope(actor), status: query.status, person: personFilter(query.person), from: query.from, to: query.to,
          limit: ACROSS_PAGE_SIZE, offset: (query.page - 1) * ACROSS_PAGE_SIZE,
        });
        await auditReadsOfPeople(trx, actor, 'complaint.list', 'complaint', rows.map((r) => ({ personId: r.person_id, id: r.id })), now);
        const items = rows.map((r) => ({
          ...view(r, today),
          status: r.outcome === null ? ('open' as const) : ('closed' as const),
          person: { id: r.person_id, nhsNumber: r.nhs_number, givenName: r.given_name, familyName: r.family_name, dateOfBirth: r.date_of_birth },
        }));
        return { items, ...pageWindow(query.page, total) };
      });
    },

    async list(actor: Actor, personId: string, query?: unknown) {
      requirePermission(actor, 'person:read');
      const paging = inMemoryPageQuery(query, COMPLAINTS_ORDER);
      // One statement in autocommit, with the list's audit event appended by it (useCases.readModelAtOnce).
      return useCases.readModelAtOnce(
        actor,
        personId,
        { permission: 'person:read', audit: { action: 'complaint.list' } },
        (db, viewer, event) => loadPersonReadModel(db, personId, viewer, {}, event, repo.COMPLAINTS_PART),
        ({ model, today }) => complaintsOf(model.part, today, paging),
      );
    },

    async get(actor: Actor, personId: string, complaintId: string) {
      const audit = (c: { id: string }) => ({ action: 'complaint.view', recordType: 'complaint', recordId: c.id });
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, {}, undefined, repo.complaintPart(uuidOrNull(complaintId))),
        ({ model, person, today }) => view(ownComplaintOf(model.part, person), today),
      );
    },

    /**
     * The person's complaints page: the person's heading and all their complaints, latest first. One
     * statement (issue 14 item 3): the read model with the page's audit event appended by it.
     */
    async page(actor: Actor, personId: string) {
      const audit = { action: 'complaint.list', details: { parts: ['person', 'complaints'] } };
      return useCases.readModelAtOnce(
        actor,
        personId,
        { permission: 'person:read', audit },
        (db, viewer, event) => loadPersonReadModel(db, personId, viewer, { summary: true }, event, repo.COMPLAINTS_PART),
        ({ model, today }) => ({ person: viewOfModel(model), complaints: complaintsOf(model.part, today, null) }),
      );
    },

    /**
     * The page changing a complaint: the person and the complaint (404 for another person's). The read
     * model, then the audit event, which names the complaint only once it is found.
     */
    async editPage(actor: Actor, personId: string, complaintId: string) {
      const audit = (p: { complaint: { id: string } }) => ({ action: 'complaint.view', recordType: 'complaint', recordId: p.complaint.id, details: { parts: ['person', 'complaint'] } });
      return useCases.readModel(
        actor,
        personId,
        { permission: 'person:read', audit },
        (readDb, viewer) => loadPersonReadModel(readDb, personId, viewer, { summary: true }, undefined, repo.complaintPart(uuidOrNull(complaintId))),
        ({ model, person, today }) => ({ person: viewOfModel(model), complaint: view(ownComplaintOf(model.part, person), today) }),
      );
    },

    /** The form recording a complaint (and a form's re-render after a refusal): the person it is about, in one statement with its audit event. */
    async formPage(actor: Actor, personId: string) {
      const audit = { action: 'complaint.view', details: { parts: ['person'] } };
      return useCases.readModelAtOnce(actor, personId, { permission: 'person:read', audit }, (db, viewer, event) => loadPersonReadModel(db, personId, viewer, { summary: true }, event), ({ model }) => ({ person: viewOfModel(model) }));
    },

    async create(actor: Actor, personId: string, input: unknown) {
      requirePermission(actor, 'complaint:record');
      const data = parseInput(ComplaintInput, input);
      const awareOn = data.awareOn ?? data.receivedOn;
      checkDates({ receivedOn: data.receivedOn, awareOn, outcomeOn: data.outcomeOn ?? null }, today());
      const audit = (c: { id: string }) => ({
        action: 'complaint.create', recordType: 'complaint', recordId: c.id,
        details: { against: data.against, route: data.route, faults: data.faults, linked: data.linkedDecisionIds },
      });
      // A complaint changes nothing the register's projections derive from.
      return useCases.change(actor, personId, { permission: 'complaint:record', audit, reproject: false }, async ({ trx, actor, person, today }) => {
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
        return view((await repo.findComplaint(trx, id))!, today);
      });
    },

    async update(actor: Actor, personId: string, complaintId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'complaint:record');
      const data = parseInput(ComplaintUpdateInput, input);
      const audit = (c: { id: string }) => ({ action: 'complaint.update', recordType: 'complaint', recordId: c.id, details: { fields: Object.keys(data) } });
      return useCases.change(actor, personId, { permission: 'complaint:record', audit, reproject: false }, async ({ trx, person, today }) => {
        const row = await ownComplaint(trx, person, complaintId);
        await refuseOthersDecisions(trx, person.id, data.linkedDecisionIds ?? []);
        checkVersion('complaint', expectedVersion, row.version);
        const receivedOn = data.receivedOn ?? row.received_on;
        // awareOn follows receivedOn when it was left at its default (the day received) and is not given.
        const awareOn = data.awareOn === undefined ? (data.receivedOn && row.aware_on === row.received_on ? receivedOn : row.aware_on) : (data.awareOn ?? receivedOn);
        const outcomeOn = data.outcomeOn === undefined ? row.outcome_on : data.outcomeOn;
        checkDates({ receivedOn, awareOn, outcomeOn }, today);
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
        mustHaveUpdated(await repo.updateComplaint(trx, row.id, row.version, changes), 'complaint');
        return view((await repo.findComplaint(trx, row.id))!, today);
      });
    },
  };
}

export type ComplaintsService = ReturnType<typeof createComplaintsService>;
