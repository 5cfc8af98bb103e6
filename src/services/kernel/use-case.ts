// One way through every use case on a person's record. A service states what is particular to it
// (the permission, the change, what the audit event says); the runner does the rest in one order:
// one transaction (a read: autocommit, ADR 26), visibility (404, as if the person did not exist)
// before the permission (403), so a stranger's role is never the answer (issue 15, "404 before
// 403"), a row lock on the person for a change, the work, the projections re-derived once, and one
// audit event. A use case on no one person (`run`) checks the permission first.
import type { Action } from '../../domain/access.ts';
import { todayInLondon, type IsoDate } from '../../domain/dates.ts';
import type { AftercareResult, LawSettings } from '../../domain/aftercare.ts';
import type { ReviewSettings } from '../../domain/reviews.ts';
import { appendAuditEvent, type AuditEventInput, type PeopleShownEvent, type PersonReadEvent } from '../../data/audit-repository.ts';
import { unfinishedBatchHolding } from '../../data/import-undo-repository.ts';
import type { Db } from '../../data/database.ts';
import { readOnly } from '../../data/read-only.ts';
import * as people from '../../data/people-repository.ts';
import type { PersonRow } from '../../data/schema.ts';
import { allows, auditActor, requirePermission, type Actor } from './actor.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { findVisiblePerson, isUuid, viewerOf } from './person-record.ts';
import { sendProjectionsById, type SavedSummary } from './projections.ts';

export interface UseCaseSettings {
  clock: () => Date;
  reviews: ReviewSettings;
  law: LawSettings;
  /** Imports commit chunk by chunk here (the embedded database, ADR 0011 round 5): a change waits for an unfinished batch holding the person. */
  importsInParts?: boolean;
}

/** What the audit event of a use case says. recordType and recordId default to the person. */
export interface AuditEntry {
  action: string;
  recordType?: string;
  recordId?: string | null;
  /** Ids, field names and outcomes only: never personal data. */
  details?: Record<string, unknown>;
  /** For `run`: the person a use case on no existing record acted on (a person it registered). */
  personId?: string | null;
}

/** What a use case's work is given: its transaction, who acts, on whom, and the day. */
export interface PersonContext {
  trx: Db;
  actor: Actor;
  person: PersonRow;
  today: IsoDate;
  now: Date;
}

/** What a change's answer is built from: the person as changed and, when re-derived, the summary saved. */
export interface RespondContext extends PersonContext {
  summary: SavedSummary | null;
}

export interface Context {
  trx: Db;
  actor: Actor;
  today: IsoDate;
  now: Date;
}

type AuditOf<T> = AuditEntry | ((result: T) => AuditEntry);

export interface PersonReadSpec<T> {
  permission: Action;
  audit: AuditOf<T>;
}

export interface PersonChangeSpec<T> extends PersonReadSpec<T> {
  /** False for a change that touches no fact the projections derive from. */
  reproject?: boolean;
  /** The audit event records the aftercare status the change leaves the person in. */
  auditStatus?: boolean;
}

export interface ListSpec<T> {
  permission: Action;
  audit: AuditOf<T> | null;
  /** Repeatable read: every statement of the work sees the same committed facts (a report adding up several tables). */
  isolation?: 'repeatable read';
  /**
   * The work only reads (a search, a list): it runs statement by statement in autocommit and its audit
   * event is appended after it, with no BEGIN and COMMIT (issue 14: two round trips fewer). Nothing
   * is answered until the event is committed, as before; at read committed a transaction gave each
   * statement its own snapshot anyway.
   */
  readOnly?: boolean;
}

/** A change's last statement, sent and answered with its COMMIT (useCases.change). */
interface LastStatement { saved?: Promise<void> }

const BEING_IMPORTED = 'This person’s record is part of an import that is still being saved: try again when it has finished (Moving in shows how far it has got)';

export function createUseCases(db: Db, { clock, reviews, law, importsInParts = false }: UseCaseSettings) {
  const dayOf = (now: Date) => todayInLondon(now);
  const readOnlyDb = readOnly(db);

  function eventOf<T>(actor: Actor, person: PersonRow | null, spec: AuditOf<T>, result: T, extraDetails: Record<string, unknown> = {}): AuditEventInput {
    const entry = typeof spec === 'function' ? spec(result) : spec;
    return {
      ...auditActor(actor),
      action: entry.action,
      recordType: entry.recordType ?? (person ? 'person' : null),
      recordId: entry.recordId === undefined ? (person?.id ?? null) : entry.recordId,
      personId: person?.id ?? entry.personId ?? null,
      details: { ...entry.details, ...extraDetails },
    };
  }

  async function audit<T>(trx: Db, actor: Actor, person: PersonRow | null, spec: AuditOf<T>, result: T, now: Date): Promise<void> {
    await appendAuditEvent(trx, eventOf(actor, person, spec, result), now);
  }

  /**
   * A change to one person's record, with the person's row locked until it commits. `respond`,
   * when given, builds the answer after the projections are re-derived (a view that shows the
   * new status or review date); otherwise the answer is what `work` returned.
   */
  function change<T>(actor: Actor, personId: string, spec: PersonChangeSpec<T>, work: (ctx: PersonContext) => Promise<T>): Promise<T>;
  function change<T, R>(actor: Actor, personId: string, spec: PersonChangeSpec<T>, work: (ctx: PersonContext) => Promise<T>, respond: (ctx: RespondContext, result: T) => Promise<R>): Promise<R>;
  async function change<T, R>(
    actor: Actor,
    personId: string,
    spec: PersonChangeSpec<T>,
    work: (ctx: PersonContext) => Promise<T>,
    respond?: (ctx: RespondContext, result: T) => Promise<R>,
  ): Promise<T | R> {
    // The projections' statement, the change's last, is answered with COMMIT, which follows it without
    // waiting (ADR 29). If it failed, PostgreSQL aborted the transaction and COMMIT rolled it back: its
    // own error is the one to answer with, not the rollback's.
    const last: LastStatement = {};
    try {
      const answer = await db.transaction().execute((trx) => changeIn(trx, actor, personId, spec, work, respond, last));
      await last.saved;
      return answer;
    } catch (error) {
      await last.saved;
      throw error;
    }
  }

  /** `change`'s work in its transaction; the projections' statement is left in flight in `last`. */
  async function changeIn<T, R>(
    trx: Db,
    actor: Actor,
    personId: string,
    spec: PersonChangeSpec<T>,
    work: (ctx: PersonContext) => Promise<T>,
    respond: ((ctx: RespondContext, result: T) => Promise<R>) | undefined,
    last: LastStatement,
  ): Promise<T | R> {
    const now = clock();
    const person = await findVisiblePerson(trx, actor, personId, { lock: true });
    requirePermission(actor, spec.permission);
    if (importsInParts && (await unfinishedBatchHolding(trx, person))) throw new ConflictError(BEING_IMPORTED);
    const today = dayOf(now);
    const result = await work({ trx, actor, person, today, now });
    if (spec.reproject === false) {
      await audit(trx, actor, person, spec.audit, result, now);
      return respond ? respond({ trx, actor, person: (await people.findPerson(trx, person.id))!, today, now, summary: null }, result) : result;
    }
    // The person as the work left them, read with what their projections are derived from (one
    // statement); the projections saved with the audit event, which may name the status (another,
    // sent and not waited for).
    const event = (derived: Map<string, AftercareResult>) => eventOf(actor, person, spec.audit, result, spec.auditStatus ? { status: derived.get(person.id)!.status } : {});
    const { person: changed, summary, saved } = (await sendProjectionsById(trx, person.id, today, reviews, law, { event, now }))!;
    last.saved = saved;
    return respond ? respond({ trx, actor, person: changed, today, now, summary }, result) : result;
  }

  return {
    /** The law's settings this register derives aftercare with, for the services' own derivations. */
    law,
    /**
     * A read of one person's record: writes nothing but its one audit event. It runs statement by
     * statement in autocommit, with the event appended after the work (issue 14: BEGIN and COMMIT are
     * two round trips, and at read committed a transaction gave each statement its own snapshot
     * anyway); the work's handle refuses a statement that writes (data/read-only.ts), so nothing can
     * be left half done. Nothing is answered until the event is committed, as before.
     */
    async read<T>(actor: Actor, personId: string, spec: PersonReadSpec<T>, work: (ctx: PersonContext) => Promise<T>): Promise<T> {
      const now = clock();
      const person = await findVisiblePerson(readOnlyDb, actor, personId);
      requirePermission(actor, spec.permission);
      const result = await work({ trx: readOnlyDb, actor, person, today: dayOf(now), now });
      await audit(db, actor, person, spec.audit, result, now);
      return result;
    },

    /**
     * A read of one person's record whose data comes from one read-model query (issue 14 item 3:
     * who-is-asking, the read model and the audit event), for a read whose event says what was shown
     * (how many, whether amounts were): the read model in autocommit, then the event. `load` must
     * apply the viewer's visibility in that same query and give undefined when the person is not there
     * or not visible: 404, as `read` answers, before the permission (403). `work` only shapes the
     * answer from the model: it is given no database handle.
     */
    async readModel<M extends { person: PersonRow }, T>(
      actor: Actor,
      personId: string,
      spec: PersonReadSpec<T>,
      load: (db: Db, viewer: people.Viewer) => Promise<M | undefined>,
      work: (ctx: { actor: Actor; person: PersonRow; today: IsoDate; now: Date; model: M }) => T,
    ): Promise<T> {
      if (!isUuid(personId)) throw new NotFoundError('person');
      const now = clock();
      const model = await load(readOnlyDb, viewerOf(actor));
      if (!model) throw new NotFoundError('person');
      requirePermission(actor, spec.permission);
      const result = work({ actor, person: model.person, today: dayOf(now), now, model });
      await audit(db, actor, model.person, spec.audit, result, now);
      return result;
    },

    /**
     * A read of one person's record in ONE database statement in autocommit (issue 14): `load` runs
     * the read-model query with the audit event appended by that same statement (it must pass
     * `audit` to loadPersonReadModel), so the event is in the read's own transaction and is written
     * only when the person is there and visible. `work` only shapes the answer from the model: it has
     * no transaction and must not touch the database. A caller without the permission gets 404 or 403
     * as from `readModel` (visibility first), and no event, as before (the 403 rolled it back).
     * The record is the person's, as `read` writes it; its type 'person' unless `audit.recordType`
     * says otherwise; `audit.computedDetails` are details the statement computes (withPersonReadEvent).
     */
    async readModelAtOnce<M extends { person: PersonRow }, T>(
      actor: Actor,
      personId: string,
      spec: { permission: Action; audit: Omit<AuditEntry, 'recordId' | 'personId'> & Pick<PersonReadEvent, 'computedDetails'> },
      load: (db: Db, viewer: people.Viewer, audit: PersonReadEvent | undefined) => Promise<M | undefined>,
      work: (ctx: { actor: Actor; person: PersonRow; today: IsoDate; now: Date; model: M }) => T,
    ): Promise<T> {
      if (!isUuid(personId)) throw new NotFoundError('person');
      const now = clock();
      // Without the permission nothing is read for the caller, so nothing is audited: the query only tells 404 from 403.
      const { action, details, recordType, computedDetails } = spec.audit;
      const event: PersonReadEvent | undefined = allows(actor, spec.permission)
        ? { ...auditActor(actor), action, details: { ...details }, now, ...(recordType !== undefined && { recordType }), ...(computedDetails && { computedDetails }) }
        : undefined;
      const model = await load(db, viewerOf(actor), event);
      if (!model) throw new NotFoundError('person');
      requirePermission(actor, spec.permission);
      return work({ actor, person: model.person, today: dayOf(now), now, model });
    },

    change,

    /**
     * A page of people shown (a register search) whose work writes its own audit event: the page's
     * statement appends it (people.searchRegister with `shown`), naming the rows shown, so a search in
     * autocommit is one round trip, not the page and then the event (issue 14). `work` must pass
     * `shown` to every path that reads a page, and append it where it answers without one.
     */
    async showPeople<T>(actor: Actor, spec: { permission: Action; action: string; details: Record<string, unknown>; shownAtMost: number }, work: (ctx: Context & { shown: PeopleShownEvent }) => Promise<T>): Promise<T> {
      requirePermission(actor, spec.permission);
      const now = clock();
      const shown: PeopleShownEvent = { ...auditActor(actor), action: spec.action, details: { ...spec.details }, now, shownAtMost: spec.shownAtMost };
      return work({ trx: db, actor, today: dayOf(now), now, shown });
    },

    /** A use case across people (a list, a report) or on no person: one transaction, one audit event. */
    async run<T>(actor: Actor, spec: ListSpec<T>, work: (ctx: Context) => Promise<T>): Promise<T> {
      requirePermission(actor, spec.permission);
      if (spec.readOnly && !spec.isolation) {
        const now = clock();
        const result = await work({ trx: db, actor, today: dayOf(now), now });
        if (spec.audit) await audit(db, actor, null, spec.audit, result, now);
        return result;
      }
      const transaction = spec.isolation ? db.transaction().setIsolationLevel(spec.isolation) : db.transaction();
      return transaction.execute(async (trx) => {
        const now = clock();
        const result = await work({ trx, actor, today: dayOf(now), now });
        if (spec.audit) await audit(trx, actor, null, spec.audit, result, now);
        return result;
      });
    },
  };
}

export type UseCases = ReturnType<typeof createUseCases>;

/** A stale If-Match (409). expected null: the caller sent none, so the latest version is changed. */
export function checkVersion(what: string, expected: number | null | undefined, actual: number): void {
  if (expected != null && expected !== actual) throw new ConflictError(`The ${what} has changed since version ${expected}; it is now version ${actual}`);
}

/** An update that matched no row changed concurrently under the caller (409). */
export function mustHaveUpdated(updated: boolean, what: string): void {
  if (!updated) throw new ConflictError(`The ${what} was changed by someone else at the same time; reload and try again`);
}
