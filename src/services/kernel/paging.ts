// Lists convention (api-contract): `limit` (default 50, max 500) and an opaque `cursor` naming the last
// row of the page before, as a keyset. One encoding for every list: base64url of a JSON array of strings.
import { z } from 'zod';
import { isIsoDate } from '../../domain/dates.ts';
import { isUuid } from './person-record.ts';
import { ValidationError } from './errors.ts';
import { parseInput, unstorableValues } from './validation.ts';

const LIMIT = 'Limit must be a whole number from 1 to 500';
/** The query of a list: `limit` (default 50, 1 to 500; 422 outside) and `cursor`. */
export const PageQuery = z.object({
  limit: z.coerce.number({ message: LIMIT }).int(LIMIT).min(1, LIMIT).max(500, LIMIT).default(50),
  cursor: z.string().max(500).optional(),
});
export type Page = z.infer<typeof PageQuery>;

/** The page asked for, or null when the caller (a page of the web interface) wants every row. */
export function pageQuery(query: unknown): Page | null {
  return query === undefined ? null : parseInput(PageQuery, query ?? {});
}

export function encodeCursor(position: readonly string[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * What each component of a keyset is, so that a cursor is checked in full before the database
 * compares it: a calendar date (YYYY-MM-DD that exists), an instant (ISO 8601, as `toISOString` writes
 * it), a record's UUID, or text (valid Unicode without NUL).
 */
export type KeyKind = 'date' | 'instant' | 'uuid' | 'text';

const KEY_CHECKS: Record<KeyKind, (v: string) => boolean> = {
  date: isIsoDate,
  instant: (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v) && !Number.isNaN(Date.parse(v)) && new Date(v).toISOString() === v,
  uuid: isUuid,
  text: (v) => v.length <= 500 && unstorableValues(v, []).length === 0,
};

/**
 * The keyset a cursor names, or a 422 naming the cursor for one this server did not give out: it must
 * decode to one string of the right kind for each component of `shape`, or the database would refuse
 * the comparison (a 500).
 */
export function decodeCursor(cursor: string | undefined, shape: readonly KeyKind[]): string[] | undefined {
  if (!cursor) return undefined;
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length === shape.length && shape.every((kind, i) => typeof values[i] === 'string' && KEY_CHECKS[kind](values[i]))) return values as string[];
  } catch {
    // fall through to the refusal below
  }
  throw new ValidationError([{ field: 'cursor', message: 'The cursor is not one this server gave out' }]);
}

/** The page and the cursor to the next, from rows fetched with limit + 1. */
export function pageOf<T>(rows: readonly T[], limit: number, key: (row: T) => string[]): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}

export type Direction = 'asc' | 'desc';

/** A keyset component as text: a date or instant as ISO (which sorts as it reads), else the string. */
export function keyText(value: Date | string | null): string {
  return value instanceof Date ? value.toISOString() : (value ?? '');
}

/**
 * A keyset page of a list small enough to read whole (one person's records): the rows in the order of
 * `key` (each component ascending or descending; the last is the id, ascending), after the cursor's
 * position. `query` has already been checked (limit 1 to 500); a cursor this server did not give out is a 422.
 */
export function pageInMemory<T>(rows: readonly T[], query: { limit: number; cursor?: string | undefined }, directions: readonly Direction[], key: (row: T) => string[]): { page: T[]; nextCursor: string | null } {
  const after = decodeCursor(query.cursor, inMemoryKeyShape(directions));
  const compare = (a: readonly string[], b: readonly string[]) => {
    for (let i = 0; i < directions.length; i++) {
      if (a[i] === b[i]) continue;
      const c = a[i]! < b[i]! ? -1 : 1;
      return directions[i] === 'desc' ? -c : c;
    }
    return 0;
  };
  const sorted = [...rows].sort((a, b) => compare(key(a), key(b)));
  const rest = after ? sorted.filter((r) => compare(key(r), after) > 0) : sorted;
  return pageOf(rest, query.limit, key);
}

/** The keyset of pageInMemory: text components, the last the row's UUID. */
function inMemoryKeyShape(directions: readonly Direction[]): KeyKind[] {
  return directions.map((_, i) => (i === directions.length - 1 ? 'uuid' : 'text'));
}

/**
 * The query of a list paged in memory (pageQuery), its cursor checked in full before anything is
 * read: a read whose audit event its own statement writes must refuse a bad cursor (422) before it
 * reads, or the event of a read that answered nothing would stay.
 */
export function inMemoryPageQuery(query: unknown, directions: readonly Direction[]): Page | null {
  const paging = pageQuery(query);
  if (paging) decodeCursor(paging.cursor, inMemoryKeyShape(directions));
  return paging;
}
