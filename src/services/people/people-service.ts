// Registering people, reading and changing their details, and searching the register.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { computeAftercare, type AftercareResult, type EpisodeStatus, type LawSettings, type PersonFacts } from '../../domain/aftercare.ts';
import { compareDates, todayInLondon, type IsoDate } from '../../domain/dates.ts';
import { isReviewOverdue, nextReviewShown, type ReviewSettings } from '../../domain/reviews.ts';
import type { Db } from '../../data/database.ts';
import * as people from '../../data/people-repository.ts';
import { promoteAfterNhsNumberChange, recordDuplicateRegistration } from '../../data/duplicates-repository.ts';
import { factsFromRows } from '../../data/people-repository.ts';
import { loadPersonReadModel, type PersonReadModel } from '../../data/person-read-model.ts';
import type { PersonRow } from '../../data/schema.ts';
import { requirePermission, type Actor } from '../kernel/actor.ts';
import { checkVersion, mustHaveUpdated, type UseCases } from '../kernel/use-case.ts';
import { ConflictError, ValidationError } from '../kernel/errors.ts';
import { PersonCreateInput, PersonUpdateInput, REGISTER_PAGE_SIZE, RegisterPageInput, RegisterQueryInput } from './people-inputs.ts';
import { admissionView, legalHistoryPart, leaveView, legalStatusView } from '../legal-history/legal-history-service.ts';
import { deriveAftercare, isUuid, latestBySince, rejectFutureDates, viewerOf } from '../kernel/person-record.ts';
import { refreshProjections } from '../kernel/projections.ts';
import { decodeCursor as decodePosition, encodeCursor as encodePosition } from '../kernel/paging.ts';
import { parseInput } from '../kernel/validation.ts';

export interface ServiceOptions { clock: () => Date; reviews: ReviewSettings; useCases: UseCases }

/** Whether the caller's organisation sees a record (other than `except`) with this NHS number: then a 409 tells it nothing new. */
async function seesAnyWith(trx: Db, actor: Actor, nhsNumber: string, except: string | null = null): Promise<boolean> {
  for (const row of await people.findAllByNhsNumber(trx, nhsNumber)) {
    if (row.id !== except && (await people.findVisiblePerson(trx, row.id, viewerOf(actor)))) return true;
  }
  return false;
}

export function createPeopleService(db: Db, { clock, reviews, useCases, registerCountCap = REGISTER_COUNT_CAP }: ServiceOptions & { registerCountCap?: number }) {
  const nameReading = people.nameReadingFor(db);
  const { law } = useCases;
  const today = () => todayInLondon(clock());

  return {
    async create(actor: Actor, input: unknown) {
      requirePermission(actor, 'person:create');
      const data = parseInput(PersonCreateInput, input);
      rejectFutureDates({ dateOfBirth: data.dateOfBirth, 'residence.since': data.residence?.since, 'gp.since': data.gp?.since }, today());
      const id = randomUUID();
      // There is no person to find yet: the audit event names the person it registered.
      const audit = { action: 'person.create', recordType: 'person', recordId: id, personId: id, details: { fields: Object.keys(data) } };
      return useCases.run(actor, { permission: 'person:create', audit }, async ({ trx, today }) => {
        // "Not there" and "not yours" answer the same (issue 15, ADR 0015): an NHS number already
        // registered is 409 only to an organisation that may see that person; to any other it is
        // registered as asked (201), as a record that points at the person already registered for an
        // admin to reconcile, and the caller learns nothing it did not type.
        const existing = data.nhsNumber ? await people.findPersonByNhsNumber(trx, data.nhsNumber) : undefined;
        if (existing && (await seesAnyWith(trx, actor, data.nhsNumber!))) throw new ConflictError('A person with that NHS number is already on the register');
        await people.insertPerson(trx, {
          id,
          ...(existing && { duplicate_of: existing.id }),
          nhs_number: data.nhsNumber ?? null,
          local_id: data.localId ?? null,
          given_name: data.givenName,
          family_name: data.familyName,
          date_of_birth: data.dateOfBirth,
          date_of_death: null,
          address_line1: data.address?.line1 ?? null,
          postcode: data.address?.postcode ?? null,
        });
        if (data.residence) await people.insertResidence(trx, { id: randomUUID(), personId: id, ...data.residence });
        if (data.gp) await people.insertGpRegistration(trx, { id: randomUUID(), personId: id, practiceCode: data.gp.practiceCode ?? null, icb: data.gp.icb, since: data.gp.since });
        // Issue 15 task B: how, by whom and when, for the leads who see the person already registered.
        if (existing) await recordDuplicateRegistration(trx, { id: randomUUID(), personId: id, duplicateOf: existing.id, route: 'registration', organisationCode: actor.organisationCode });
        // The registering practitioner's organisation keeps sight of the person it registered.
        await people.insertAllocation(trx, { id: randomUUID(), personId: id, userId: actor.userId, organisationId: actor.organisationId, reason: 'registered the person' });
        const person = (await people.findPerson(trx, id))!;
        await refreshProjections(trx, person, today, reviews, law);
        return view(trx, person);
      });
    },

    async get(actor: Actor, personId: string) {
      // One read-model query (person, visibility, histories, projections) instead of four (issue 14).
      // ...and its audit event in that same statement, in autocommit: one round trip.
      return useCases.readModelAtOnce(actor, personId, { permission: 'person:read', audit: { action: 'person.view' } }, (db, viewer, audit) => loadPersonReadModel(db, personId, viewer, { summary: true }, audit), ({ model }) => viewOfModel(model));
    },

    /**
     * Whether the caller's organisation may see the person (issue 15, "404 before 403"): asked before
     * anything else about a request on one person's record, so that a stranger gets the answer of a
     * person who does not exist. Reads one row and writes nothing; the use case that follows audits.
     */
    async canSee(actor: Actor, personId: string): Promise<boolean> {
      return isUuid(personId) && Boolean(await people.findVisiblePerson(db, personId, viewerOf(actor)));
    },

    /**
     * The whole record for the person page in one read: details, legal history and aftercare status,
     * with one audit event (person.view) instead of one per part.
     */
    async record(actor: Actor, personId: string) {
      const audit = { action: 'person.view', details: { parts: ['details', 'legal-history', 'aftercare'] } };
      return useCases.readModelAtOnce(actor, personId, { permission: 'person:read', audit }, (db, viewer, event) => loadPersonReadModel(db, personId, viewer, RECORD_PARTS, event), ({ model, today }) => personRecordOfModel(model, today, law));
    },

    /** expectedVersion null: the caller did not send If-Match, so the change is applied to the latest version. */
    async update(actor: Actor, personId: string, expectedVersion: number | null, input: unknown) {
      requirePermission(actor, 'person:update');
      const data = parseInput(PersonUpdateInput, input);
      const audit = { action: 'person.update', details: { fields: Object.keys(data) } };
      return useCases.change(actor, personId, { permission: 'person:update', audit }, async ({ trx, person, today }) => {
        checkVersion('person', expectedVersion, person.version);
        const dateOfBirth = data.dateOfBirth ?? person.date_of_birth;
        rejectFutureDates({ dateOfBirth: data.dateOfBirth, dateOfDeath: data.dateOfDeath, 'residence.since': data.residence?.since, 'gp.since': data.gp?.since }, today);
        const dateOfDeath = data.dateOfDeath === undefined ? person.date_of_death : data.dateOfDeath;
        if (dateOfDeath && compareDates(dateOfDeath, dateOfBirth) < 0) {
          throw new ValidationError([{ field: 'dateOfDeath', message: 'The date of death must be on or after the date of birth' }]);
        }
        // A changed NHS number is registered afresh: the record points at the person already registered
        // with the new number, or at no one (duplicate_of, 0110), never at the holder of the old one.
        let duplicateOf: string | null | undefined;
        const nhsNumberChanged = data.nhsNumber !== undefined && data.nhsNumber !== person.nhs_number;
        if (nhsNumberChanged) {
          duplicateOf = null;
          const other = data.nhsNumber ? await people.findPersonByNhsNumber(trx, data.nhsNumber) : undefined;
          if (other && other.id !== person.id) {
            // As on registering: 409 only where the caller may see the other person; otherwise the
            // change is made and this record awaits reconciliation with it (duplicate_of).
            if (await seesAnyWith(trx, actor, data.nhsNumber!, person.id)) throw new ConflictError('A person with that NHS number is already on the register');
            duplicateOf = other.id;
          }
        }
        const changes = {
          ...(duplicateOf !== undefined && { duplicate_of: duplicateOf }),
          ...(data.nhsNumber !== undefined && { nhs_number: data.nhsNumber }),
          ...(data.localId !== undefined && { local_id: data.localId }),
          ...(data.givenName !== undefined && { given_name: data.givenName }),
          ...(data.familyName !== undefined && { family_name: data.familyName }),
          ...(data.dateOfBirth !== undefined && { date_of_birth: data.dateOfBirth }),
          ...(data.dateOfDeath !== undefined && { date_of_death: data.dateOfDeath }),
          ...(data.address !== undefined && { address_line1: data.address?.line1 ?? null, postcode: data.address?.postcode ?? null }),
        };
        mustHaveUpdated(await people.updatePerson(trx, person.id, person.version, changes), 'person');
        if (nhsNumberChanged) {
          if (duplicateOf) await recordDuplicateRegistration(trx, { id: randomUUID(), personId: person.id, duplicateOf, route: 'nhs-number-change', organisationCode: actor.organisationCode });
          // The records made under the old number, waiting for this person, now wait for the earliest of them.
          if (person.duplicate_of === null && person.nhs_number) await promoteAfterNhsNumberChange(trx, person.id, person.nhs_number);
        }
        if (data.residence) await people.insertResidence(trx, { id: randomUUID(), personId: person.id, ...data.residence });
        if (data.gp) await people.insertGpRegistration(trx, { id: randomUUID(), personId: person.id, practiceCode: data.gp.practiceCode ?? null, icb: data.gp.icb, since: data.gp.since });
      }, ({ trx, person }) => view(trx, person));
    },

    async search(actor: Actor, input: unknown) {
      requirePermission(actor, 'person:read');
      const query = parseInput(RegisterQueryInput, input);
      const after = decodeCursor(query.cursor);
      // Whose records were shown (added by the page's statement), and the filters; never the search words, which may be a name.
      const audit = { permission: 'person:read', action: 'register.search', details: auditedFilters(query), shownAtMost: query.limit } as const;
      return useCases.showPeople(actor, audit, async ({ trx, today, shown }) => {
        const rows = await people.searchRegister(trx, { ...registerFilters(actor, query, today), afterId: after, limit: query.limit + 1 }, nameReading, shown);
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        const nextCursor = rows.length > query.limit && last ? encodeCursor(last.id) : null;
        return { items: page.map((row) => registerItem(row, today)), nextCursor };
      });
    },

    /**
     * The register page: the total, one numbered page in the chosen order. The total is exact up to
     * registerCountCap people; past it the page says "more than" that many (totalExact false) and
     * pages on while there are more (hasNext), the last page unknown: counting every one of 731,659
     * people on each view took 1.7 to 3.2 s at 1,000,000 people (docs/performance.md).
     */
    async registerPage(actor: Actor, input: unknown) {
      requirePermission(actor, 'person:read');
      const query = parseInput(RegisterPageInput, input);
      const audit = (page: { items: { id: string }[] }) => ({ action: 'register.search', details: { ...auditedFilters(query), sort: query.sort, order: query.order, page: query.page, results: page.items.length, personIds: page.items.map((item) => item.id) } });
      return useCases.run(actor, { permission: 'person:read', audit, readOnly: true }, async ({ trx, today }) => {
        const filters = registerFilters(actor, query, today);
        const counted = await people.countRegisterUpTo(trx, filters, registerCountCap);
        const knownPages = Math.max(1, Math.ceil(counted.count / REGISTER_PAGE_SIZE));
        // An exact total: a page past the last shows the last. "More than": any page may be asked for.
        const page = counted.exact ? Math.min(query.page, knownPages) : query.page;
        const order = { sort: query.sort, descending: query.order === 'descending', offset: (page - 1) * REGISTER_PAGE_SIZE };
        // One more than a page, to know whether another follows when the total is not known.
        const rows = await people.registerPage(trx, filters, { ...order, limit: REGISTER_PAGE_SIZE + (counted.exact ? 0 : 1) }, nameReading);
        const items = rows.slice(0, REGISTER_PAGE_SIZE).map((row) => registerItem(row, today));
        const hasNext = counted.exact ? page < knownPages : rows.length > REGISTER_PAGE_SIZE;
        return { items, total: counted.count, totalExact: counted.exact, page, pageCount: counted.exact ? knownPages : null, hasNext, pageSize: REGISTER_PAGE_SIZE, sort: query.sort, order: query.order };
      });
    },

    /**
     * Everyone the filtered register lists, in its order, for a CSV or XLSX download: audited with
     * every person exported. At most REGISTER_EXPORT_LIMIT people (narrow the filters for more).
     */
    async registerExport(actor: Actor, input: unknown) {
      requirePermission(actor, 'person:read');
      const query = parseInput(RegisterPageInput, input);
      const audit = (result: { items: { id: string }[] }) => ({ action: 'register.export', details: { ...auditedFilters(query), sort: query.sort, order: query.order, results: result.items.length, personIds: result.items.map((item) => item.id) } });
      return useCases.run(actor, { permission: 'person:read', audit, readOnly: true }, async ({ trx, today }) => {
        const filters = registerFilters(actor, query, today);
        const total = await people.countRegister(trx, filters);
        const rows = await people.registerPage(trx, filters, { sort: query.sort, descending: query.order === 'descending', offset: 0, limit: REGISTER_EXPORT_LIMIT }, nameReading);
        return { items: rows.map((row) => registerItem(row, today)), total, complete: total <= REGISTER_EXPORT_LIMIT };
      });
    },
  };
}

export const REGISTER_EXPORT_LIMIT = 20_000;
/** The register page's total is exact up to this many people, "more than" it beyond. */
export const REGISTER_COUNT_CAP = 1_000;

type RegisterFilterInput = Pick<z.output<typeof RegisterQueryInput>, 'q' | 'status' | 'localAuthority' | 'icb' | 'reviewOverdue' | 'keyworker' | 'caseload'>;

/** The register's filters as the data layer takes them, visibility included. */
function registerFilters(actor: Actor, query: RegisterFilterInput, today: IsoDate): people.RegisterFilters {
  return {
    text: query.q ? searchText(query.q) : undefined,
    status: query.status,
    localAuthority: query.localAuthority,
    icb: query.icb,
    reviewOverdueOn: query.reviewOverdue === 'true' ? today : undefined,
    keyworkerUserId: query.caseload === 'mine' ? actor.userId : query.keyworker,
    visibleTo: actor.role === 'admin' ? null : actor.organisationCode,
  };
}

/** The filters in an audit event: never the search words, which may be a name. */
function auditedFilters(query: RegisterFilterInput) {
  return { text: Boolean(query.q), status: query.status ?? null, localAuthority: query.localAuthority ?? null, icb: query.icb ?? null, reviewOverdue: query.reviewOverdue === 'true', keyworker: query.keyworker ?? null, caseload: query.caseload ?? null };
}

export type PeopleService = ReturnType<typeof createPeopleService>;

/** The person's details as the API shows them: the person, their histories and their projections. */
/**
 * The person's details as every page about them shows them in its heading (what people.get answers).
 * Reads only, in the caller's transaction: a page's read model includes it and audits it once.
 */
export async function personViewPart(trx: Db, person: PersonRow) {
  return view(trx, person);
}

async function view(trx: Db, person: PersonRow) {
  const [residences, gps, summary] = await Promise.all([people.listResidences(trx, person.id), people.listGpRegistrations(trx, person.id), people.findPersonSummary(trx, person.id)]);
  return personView(person, residences, gps, summary?.status ?? 'not-entitled', reviewShown(summary));
}

/**
 * The person page's record part: details, legal history and the aftercare status derived now.
 * Reads only, in the caller's transaction; the caller audits what the page showed.
 */
export async function personRecordPart(trx: Db, person: PersonRow, today: IsoDate, law: LawSettings, derived?: AftercareResult) {
  const aftercare = derived ?? (await deriveAftercare(trx, person, today, law));
  const legalHistory = await legalHistoryPart(trx, person);
  return { person: await view(trx, person), legalHistory, aftercare };
}

/** What personRecordOfModel needs from the read model (loadPersonReadModel's parts). */
export const RECORD_PARTS = { summary: true, facts: true } as const;

/** The person's details (what people.get answers) from the read model, which must have its summary. */
export function viewOfModel(model: PersonReadModel) {
  return personView(model.person, model.residences, model.gps, model.summary?.status ?? 'not-entitled', reviewShown(model.summary));
}

/** The facts the entitlement rules read, from a read model loaded with RECORD_PARTS (or facts). */
export function factsOfModel(model: PersonReadModel, law: LawSettings): PersonFacts {
  if (!model.facts) throw new Error('the read model was loaded without its facts');
  return { ...factsFromRows(model.person, { residences: model.residences, gps: model.gps, ...model.facts }), deemedResidence: law.deemedResidence };
}

/** personRecordPart from a read model loaded with RECORD_PARTS: no further query. */
export function personRecordOfModel(model: PersonReadModel, today: IsoDate, law: LawSettings, derived?: AftercareResult) {
  const aftercare = derived ?? computeAftercare(factsOfModel(model, law), today);
  const history = model.facts!.history;
  const legalHistory = { admissions: history.admissions.map(admissionView), legalStatuses: history.legalStatuses.map(legalStatusView), leave: history.leaves.map(leaveView) };
  return { person: viewOfModel(model), legalHistory, aftercare };
}

function searchText(q: string) {
  const digits = q.replace(/[\s-]/g, '');
  return { raw: q, nhsNumber: /^\d{10}$/.test(digits) ? digits : null, words: q.split(/\s+/).filter((w) => w.length > 0 && !/^\d+$/.test(w)) };
}

/** A register cursor names only the last person's id: names must not travel in URLs. */
function encodeCursor(lastId: string): string {
  return encodePosition([lastId]);
}

function decodeCursor(cursor: string | undefined): string | undefined {
  return decodePosition(cursor, ['uuid'])?.[0];
}

type ResidenceRow = Awaited<ReturnType<typeof people.listResidences>>[number];
type GpRow = Awaited<ReturnType<typeof people.listGpRegistrations>>[number];

/** REV-1, one date for one fact: the projection's due date as every page gives it. */
function reviewShown(summary: { status?: string | null; next_review_due?: string | null } | null | undefined): string | null {
  return nextReviewShown({ status: (summary?.status ?? null) as EpisodeStatus | null, reviewDue: summary?.next_review_due ?? null });
}

export function personView(person: PersonRow, residences: ResidenceRow[], gps: GpRow[], status: string, nextReviewDue: string | null) {
  const residenceHistory = residences.map((r) => ({ localAuthority: r.local_authority_code, since: r.since }));
  const gpHistory = gps.map((g) => ({ practiceCode: g.practice_code, icb: g.icb_code, since: g.since }));
  return {
    id: person.id,
    version: person.version,
    nhsNumber: person.nhs_number,
    localId: person.local_id,
    givenName: person.given_name,
    familyName: person.family_name,
    dateOfBirth: person.date_of_birth,
    dateOfDeath: person.date_of_death,
    address: { line1: person.address_line1, postcode: person.postcode },
    residence: latestBySince(residenceHistory) ?? null,
    residenceHistory,
    gp: latestBySince(gpHistory) ?? null,
    gpHistory,
    status,
    nextReviewDue,
    createdAt: new Date(person.created_at).toISOString(),
    updatedAt: new Date(person.updated_at).toISOString(),
  };
}

function registerItem(row: people.RegisterRow, today: string) {
  return {
    id: row.id,
    version: row.version,
    nhsNumber: row.nhs_number,
    localId: row.local_id,
    givenName: row.given_name,
    familyName: row.family_name,
    dateOfBirth: row.date_of_birth,
    dateOfDeath: row.date_of_death,
    status: row.status ?? 'not-entitled',
    localAuthority: row.local_authority_code,
    icb: row.icb_code,
    // REV-1, one date for one fact: the date every page gives (nextReviewShown).
    nextReviewDue: reviewShown(row),
    reviewOverdue: isReviewOverdue(reviewShown(row), today) || isReviewOverdue(row.budget_review_due ?? null, today),
    dischargeWarning: row.discharge_warning ?? null,
  };
}
