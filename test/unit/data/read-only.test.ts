// Issue 14: a read runs in autocommit, so the handle its work is given refuses any write
// (src/data/read-only.ts). Checked on the operation trees Kysely builds, with no database behind them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import type { Database } from '../../../src/data/schema.ts';
import { readOnly, ReadOnlyError, writeIn } from '../../../src/data/read-only.ts';

const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

test('reads pass: a select, a select with a CTE that reads, raw SQL that reads (a column named updated_at included)', () => {
  assert.equal(writeIn(db.selectFrom('people').select('id').toOperationNode()), null);
  assert.equal(writeIn(db.with('p', (q) => q.selectFrom('people').select('id')).selectFrom('p').selectAll().toOperationNode()), null);
  assert.equal(writeIn(sql`SELECT updated_at, deleted_from_import FROM people WHERE id = ${'x'}`.toOperationNode()), null);
});

test('writes are found: insert, update, delete, a data-modifying CTE, and raw SQL that writes', () => {
  assert.equal(writeIn(db.insertInto('organisations').values({ code: 'X', name: 'X', kind: 'la' } as never).toOperationNode()), 'InsertQueryNode');
  assert.equal(writeIn(db.updateTable('people').set({ given_name: 'A' }).toOperationNode()), 'UpdateQueryNode');
  assert.equal(writeIn(db.deleteFrom('people').toOperationNode()), 'DeleteQueryNode');
  const cte = db.with('gone', (q) => q.deleteFrom('people').returning('id')).selectFrom('gone').selectAll().toOperationNode();
  assert.equal(writeIn(cte), 'DeleteQueryNode');
  for (const text of ['INSERT INTO people (id) VALUES (1)', 'update people set given_name = 1', 'DELETE FROM people', 'WITH x AS (UPDATE "people" SET a = 1 RETURNING 1) SELECT 1', 'TRUNCATE people']) {
    assert.equal(writeIn(sql.raw(text).toOperationNode()), 'raw SQL', text);
  }
});

test('writes nested in another statement are found: a template around a builder or a raw piece, a table slotted in, a raw WITH, the audit append', () => {
  const remove = db.deleteFrom('people').where('id', '=', 'x');
  assert.equal(writeIn(sql`${remove}`.toOperationNode()), 'DeleteQueryNode');
  assert.equal(writeIn(sql`${sql.raw('')}${sql`INSERT INTO audit_events (action) VALUES (${'x'})`}`.toOperationNode()), 'raw SQL');
  assert.equal(writeIn(sql`UPDATE ${sql.table('people')} SET given_name = ${'A'}`.toOperationNode()), 'raw SQL');
  assert.equal(writeIn(sql.raw('UPDATE ONLY people AS p SET given_name = 1').toOperationNode()), 'raw SQL');
  assert.equal(writeIn(db.with('gone', () => sql`DELETE FROM people RETURNING id`).selectFrom('gone').selectAll().toOperationNode()), 'raw SQL');
  assert.equal(writeIn(sql.raw('SELECT id FROM people FOR UPDATE').toOperationNode()), 'raw SQL', 'a lock means nothing outside a transaction');
  assert.equal(writeIn(db.schema.createTable('x').addColumn('id', 'integer').toOperationNode()), 'CreateTableNode');
});

test('the read-only handle sends a read and refuses a write before it reaches the database', async () => {
  const reads = readOnly(db);
  assert.deepEqual(await reads.selectFrom('people').select('id').execute(), []);
  await assert.rejects(reads.updateTable('people').set({ given_name: 'A' }).execute(), ReadOnlyError);
  await assert.rejects(sql`DELETE FROM people`.execute(reads), ReadOnlyError);
});
