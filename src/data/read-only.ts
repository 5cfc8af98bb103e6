// A read of one person's record runs statement by statement in autocommit, with no BEGIN and COMMIT
// (issue 14: a read is at most a few round trips). That is only sound while the read writes nothing
// but its audit event, which is appended after it on the plain database: a write half done by a read
// that then failed would stay. This plugin makes the rule hold rather than hoping it does: a write
// sent through a read's handle is refused before it reaches the database.
import type { KyselyPlugin, OperationNode, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Db } from './database.ts';

const WRITES = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode']);
/** A raw statement that writes: its text starts with, or holds a CTE of, one of these. */
const RAW_WRITE = /\b(?:insert\s+into|update\s+[\w."]+\s+set|delete\s+from|merge\s+into|truncate|copy\s)\b/i;

export class ReadOnlyError extends Error {
  constructor(kind: string) {
    super(`A read sent a write (${kind}): a read may write nothing but its audit event`);
    this.name = 'ReadOnlyError';
  }
}

/** The write a statement would make, or null: the statement itself, a data-modifying CTE, or raw SQL's text. */
export function writeIn(node: RootOperationNode): string | null {
  if (WRITES.has(node.kind)) return node.kind;
  if (node.kind === 'RawNode') return RAW_WRITE.test(node.sqlFragments.join(' ')) ? 'raw SQL' : null;
  const withNode = (node as { with?: { expressions: readonly { expression: OperationNode }[] } }).with;
  for (const cte of withNode?.expressions ?? []) {
    if (WRITES.has(cte.expression.kind)) return `${cte.expression.kind} in a WITH`;
  }
  return null;
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
