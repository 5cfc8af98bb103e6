// A read of one person's record runs statement by statement in autocommit, with no BEGIN and COMMIT
// (issue 14: a read is at most a few round trips). That is only sound while the read writes nothing
// but its audit event, which is appended after it on the plain database: a write half done by a read
// that then failed would stay. This plugin makes the rule hold rather than hoping it does: a statement
// sent through a read's handle must be a SELECT or raw SQL, and holds no write anywhere in it (a
// data-modifying WITH, a builder or a raw piece slotted into a template); one that does is refused
// before it reaches the database. Out of its reach: a statement sent with `executeQuery` (plugins do
// not see it) and functions with side effects called from a SELECT (`nextval`, advisory locks).
import type { KyselyPlugin, OperationNode, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Db } from './database.ts';

const WRITES = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);
const READ_ROOTS = new Set(['SelectQueryNode', 'RawNode']);
/**
 * Raw SQL that writes or locks: its pieces of text are read on their own, so a table slotted in
 * (`UPDATE ${table} SET`) still shows its keyword. `update` as a word also finds FOR UPDATE, a lock
 * that means nothing outside a transaction; a column such as updated_at is not a word match.
 */
const RAW_WRITE = /\b(?:insert\s+into|update|delete\s+from|merge\s+into|truncate|copy)\b/i;

export class ReadOnlyError extends Error {
  constructor(kind: string) {
    super(`A read sent a write (${kind}): a read may write nothing but its audit event`);
    this.name = 'ReadOnlyError';
  }
}

/** The write a statement would make, or null: a statement that is not a read, or a write anywhere in its tree. */
export function writeIn(node: RootOperationNode): string | null {
  if (!READ_ROOTS.has(node.kind)) return node.kind;
  return writeInTree(node);
}

function writeInTree(node: OperationNode): string | null {
  if (WRITES.has(node.kind)) return node.kind;
  if (node.kind === 'RawNode') {
    const { sqlFragments } = node as unknown as { sqlFragments: readonly string[] };
    if (sqlFragments.some((text) => RAW_WRITE.test(text))) return 'raw SQL';
  }
  for (const value of Object.values(node)) {
    for (const child of Array.isArray(value) ? value : [value]) {
      if (isNode(child)) {
        const found = writeInTree(child);
        if (found !== null) return found;
      }
    }
  }
  return null;
}

function isNode(value: unknown): value is OperationNode {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

class ReadOnlyPlugin implements KyselyPlugin {
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    const write = writeIn(node);
    if (write !== null) throw new ReadOnlyError(write);
    return node;
  }

  transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(result);
  }
}

/** The database as a read sees it: every statement in autocommit, and a write refused. */
export function readOnly(db: Db): Db {
  return db.withPlugin(new ReadOnlyPlugin());
}
