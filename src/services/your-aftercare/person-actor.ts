// The person as the one acting: signed in with NHS login, on their own record only. A person is not
// a user of the register (no role, no organisation), so their use cases run here rather than through
// the staff kernel, in the same order: one transaction (a read: autocommit, as the staff's), their
// own record (the id comes from their session, never from the address), the work, the projections
// re-derived after a change, and one audit event recorded as done by the person (user and
// organisation empty, `by: "person"`).
import { todayInLondon, type IsoDate } from '../../domain/dates.ts';
import type { LawSettings } from '../../domain/aftercare.ts';
import type { ReviewSettings } from '../../domain/reviews.ts';
import { appendAuditEvent } from '../../data/audit-repository.ts';
import type { Db } from '../../data/database.ts';
import { readOnly } from '../../data/read-only.ts';
import * as people from '../../data/people-repository.ts';
import type { PersonRow } from '../../data/schema.ts';
import { NotFoundError } from '../kernel/errors.ts';
import { refreshProjectionsById } from '../kernel/projections.ts';

export interface PersonActor {
  personId: string;
  requestId: string | null;
}

export interface SelfContext {
  trx: Db;
  person: PersonRow;
  today: IsoDate;
  now: Date;
}

export interface SelfAudit {
  action: string;
  recordType?: string;
  recordId?: string;
  /** Ids, field names and outcomes only: never what the person wrote. */
  details?: Record<string, unknown>;
}

type AuditOf<T> = SelfAudit | ((result: T) => SelfAudit);

export function createSelfUseCases(db: Db, { clock, reviews, law }: { clock: () => Date; reviews: ReviewSettings; law: LawSettings }) {
  const readOnlyDb = readOnly(db);

  async function auditAsPerson<T>(trx: Db, actor: PersonActor, person: PersonRow, audit: AuditOf<T>, result: T, now: Date): Promise<void> {
    const entry = typeof audit === 'function' ? audit(result) : audit;
    await appendAuditEvent(
      trx,
      {
        userId: null,
        organisationId: null,
        action: entry.action,
        recordType: entry.recordType ?? 'person',
        recordId: entry.recordId ?? person.id,
        personId: person.id,
        requestId: actor.requestId,
        details: { by: 'person', ...entry.details },
      },
      now,
    );
  }

  async function ownRecord(trx: Db, actor: PersonActor, lock: boolean): Promise<PersonRow> {
    const person = await people.findVisiblePerson(trx, actor.personId, { everyone: true }, { lock });
    if (!person) throw new NotFoundError('person');
    return person;
  }

  async function change<T>(actor: PersonActor, reproject: boolean, audit: AuditOf<T>, work: (ctx: SelfContext) => Promise<T>): Promise<T> {
    return db.transaction().execute(async (trx) => {
      const now = clock();
      const today = todayInLondon(now);
      const person = await ownRecord(trx, actor, true);
      const result = await work({ trx, person, today, now });
      if (reproject) await refreshProjectionsById(trx, person.id, today, reviews, law);
      await auditAsPerson(trx, actor, person, audit, result, now);
      return result;
    });
  }

  /** A read, as the staff's (kernel/use-case.ts): in autocommit, a write refused, the event after the work. */
  async function read<T>(actor: PersonActor, audit: AuditOf<T>, work: (ctx: SelfContext) => Promise<T>): Promise<T> {
    const now = clock();
    const person = await ownRecord(readOnlyDb, actor, false);
    const result = await work({ trx: readOnlyDb, person, today: todayInLondon(now), now });
    await auditAsPerson(db, actor, person, audit, result, now);
    return result;
  }

  return {
    read,
    /** A change that moves what the projections derive (a review request moves the due date). */
    change: <T>(actor: PersonActor, audit: AuditOf<T>, work: (ctx: SelfContext) => Promise<T>) => change(actor, true, audit, work),
    /** A change no projection derives from (a complaint, a sharing consent). */
    record: <T>(actor: PersonActor, audit: AuditOf<T>, work: (ctx: SelfContext) => Promise<T>) => change(actor, false, audit, work),
  };
}
