// The statements a piece of code sends, captured on their way out of Kysely (for replaying them with
// pg directly, or under EXPLAIN). Kysely also hands a plugin each subquery built on the same db: a
// statement is kept only once it has run (its result passes by), so a subquery is never kept as a
// statement of its own.
import type { CompiledQuery, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Db } from '../src/data/database.ts';

export class CaptureSql implements KyselyPlugin {
  readonly statements: CompiledQuery[] = [];
  private readonly compiled = new Map<unknown, CompiledQuery>();
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.compiled.set(args.queryId, this.db.getExecutor().compileQuery(args.node, args.queryId));
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const statement = this.compiled.get(args.queryId);
    if (statement) this.statements.push(statement);
    return args.result;
  }
}
