// Shared steps of every use case on a person's record: find it if the actor may see it, and derive
// their aftercare from the facts (the projections are re-derived after a change by projections.ts).
import { computeAftercare, type AftercareResult, type LawSettings } from '../../domain/aftercare.ts';
import { compareDates, type IsoDate } from '../../domain/dates.ts';
import type { Db } from '../../data/database.ts';
import * as people from '../../data/people-repository.ts';
import * as many from '../../data/projections-repository.ts';
import type { PersonRow } from '../../data/schema.ts';
import type { Actor } from './actor.ts';
import { NotFoundError, ValidationError } from './errors.ts';

/** The person, or NotFoundError when there is none or the actor's organisation may not see it. */
export async function findVisiblePerson(db: Db, actor: Actor, personId: string, options: { lock?: boolean } = {}): Promise<PersonRow> {
  const person = isUuid(personId) ? await people.findVisiblePerson(db, personId, viewerOf(actor), options) : undefined;
  if (!person) throw new NotFoundError('person');
  return person;
}

/**
 * The record with this NHS number that the actor may see: the person registered with it, else a later
 * record of it that the actor's organisation made (0110, duplicate_of), or undefined.
 */
export async function findVisibleByNhsNumber(db: Db, actor: Actor, nhsNumber: string): Promise<PersonRow | undefined> {
  const all = await people.findAllByNhsNumber(db, nhsNumber);
  for (const row of [...all.filter((r) => r.duplicate_of === null), ...all.filter((r) => r.duplicate_of !== null)]) {
    const visible = await people.findVisiblePerson(db, row.id, viewerOf(actor));
    if (visible) return visible;
  }
  return undefined;
}

/** Admins see everyone; anyone else sees the people their organisation has sight of (access.ts). */
export function viewerOf(actor: Actor): people.Viewer {
  return actor.role === 'admin' ? { everyone: true } : { everyone: false, organisationCode: actor.organisationCode };
}


/** The person's facts as the derivation reads them, with the law's settings. */
export async function loadPersonFacts(db: Db, person: PersonRow, law: LawSettings) {
  return { ...(await people.loadFacts(db, person)), deemedResidence: law.deemedResidence };
}

/** The person's aftercare as the rules derive it from the facts now, writing nothing (for reads). */
export async function deriveAftercare(db: Db, person: PersonRow, today: IsoDate, law: LawSettings): Promise<AftercareResult> {
  return computeAftercare(await loadPersonFacts(db, person, law), today);
}

/**
 * deriveAftercare for many people at once (the recharge statement, the no-charge export, an import's
 * new services): their rows and facts read in batches of AFTERCARE_BATCH people, a few queries each, instead of a dozen queries
 * per person. People not found are absent from the answer.
 */
export async function deriveAftercareOf(db: Db, personIds: Iterable<string>, today: IsoDate, law: LawSettings): Promise<Map<string, AftercareResult>> {
  const out = new Map<string, AftercareResult>();
  const ids = [...new Set(personIds)];
  for (let i = 0; i < ids.length; i += AFTERCARE_BATCH) {
    const rows = await many.findPeople(db, ids.slice(i, i + AFTERCARE_BATCH));
    const facts = await many.loadFactsOf(db, rows);
    for (const row of rows) out.set(row.id, computeAftercare({ ...facts.get(row.id)!, deemedResidence: law.deemedResidence }, today));
  }
  return out;
}
const AFTERCARE_BATCH = 1000;

export function latestBySince<T extends { since: IsoDate }>(rows: readonly T[]): T | undefined {
  return [...rows].sort((a, b) => compareDates(a.since, b.since)).at(-1);
}

/** Dates must not be after today (api-contract: "a date in the future: 422"). */
export function rejectFutureDates(dates: Record<string, IsoDate | null | undefined>, today: IsoDate): void {
  const errors = Object.entries(dates)
    .filter(([, date]) => date && compareDates(date, today) > 0)
    .map(([field]) => ({ field, message: `${field} is in the future: enter today's date or an earlier one` }));
  if (errors.length > 0) throw new ValidationError(errors);
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/**
 * An id from the address as a read model's bound parameter: itself when it is a UUID, else null,
 * which matches no row (a 404, as an unknown id), so the statement's text never depends on it.
 */
export function uuidOrNull(id: string): string | null {
  return isUuid(id) ? id : null;
}
