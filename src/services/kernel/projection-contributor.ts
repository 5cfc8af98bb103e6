// The shape of a feature's own projection columns, kept apart from the projections' runner
// (person-record.ts), which lists the contributors: each contributor needs only this type.
import type { AftercareResult } from '../../domain/aftercare.ts';
import type { IsoDate } from '../../domain/dates.ts';
import type { Db } from '../../data/database.ts';
import type { PersonRow } from '../../data/schema.ts';

/**
 * A feature that keeps columns of its own in the person's projections (its own migration adds
 * them to person_summaries); it is called after the core summary is saved, in the same transaction.
 */
export type ProjectionContributor = (db: Db, person: PersonRow, aftercare: AftercareResult, today: IsoDate) => Promise<void>;
