// The pieces every read model is built of (ADR 28): a part's sub-selects over the person row `p`,
// child rows as JSON arrays, and the JSON turned back into the rows the per-table queries give. Kept
// apart from person-read-model.ts, which reads several repositories' rows, so that each repository
// can define its own part without an import loop.
import { sql, type RawBuilder } from 'kysely';

export type Json = Record<string, unknown>;

/** A table's rows for this person as a JSON array in the given order ('[]' when none). */
export function rowsOf(table: string, order: string, where = ''): RawBuilder<Json[]> {
  return sql<Json[]>`(SELECT coalesce(json_agg(t ORDER BY ${sql.raw(order)}), '[]'::json) FROM ${sql.table(table)} t WHERE t.person_id = p.id${sql.raw(where)})`;
}

/** A JSON array of objects built from these columns, in this order ('[]' when none). */
export function objectsOf(columns: Record<string, string>, order: string, from: string): RawBuilder<Json[]> {
  const fields = Object.entries(columns).map(([name, column]) => `'${name}', ${column}`).join(', ');
  return sql<Json[]>`(SELECT coalesce(json_agg(json_build_object(${sql.raw(fields)}) ORDER BY ${sql.raw(order)}), '[]'::json) ${sql.raw(from)})`;
}

/**
 * Columns one read adds to the person's read-model statement (issue 14 item 3: a read is the read
 * model and its audit event), with how they come back: sub-selects over the person `p`, each aliased
 * with one of `aliases` (a prefix of the read's own, so no column of `people` is shadowed), and
 * `decode` turning those columns into the rows the per-table queries give. Defined beside the
 * repository whose rows they are.
 */
export interface ReadModelPart<E> {
  columns: RawBuilder<unknown>;
  aliases: readonly string[];
  decode(columns: Json): E;
}

/** Several reads' parts in one statement (a page showing several panels): each decoded under its own name. */
export function partsTogether<P extends Record<string, ReadModelPart<unknown>>>(parts: P): ReadModelPart<{ [K in keyof P]: P[K] extends ReadModelPart<infer E> ? E : never }> {
  const each = Object.values(parts);
  return {
    columns: sql.join(each.map((part) => part.columns)),
    aliases: each.flatMap((part) => part.aliases),
    decode: (columns) => Object.fromEntries(Object.entries(parts).map(([name, part]) => [name, part.decode(columns)])) as never,
  };
}

/**
 * JSON carries timestamps as ISO text; the per-table queries give Date objects (the drivers parse
 * timestamptz to milliseconds, as Date does here). Dates ('YYYY-MM-DD'), booleans, text and jsonb
 * arrive as the drivers give them; bigint and numeric as numbers, as database.ts parses them.
 */
export function withInstants(row: Json, columns: readonly string[]): Json {
  const out: Json = { ...row };
  for (const column of columns) {
    const value = out[column];
    if (typeof value === 'string') out[column] = new Date(value);
  }
  return out;
}
