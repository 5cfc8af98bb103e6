// Issue 14, ADR 29: on a pipelined PostgreSQL connection a transaction's BEGIN is written with the
// statement after it (data/database.ts, beginWithNextStatement). Checked on a stand-in client: what
// is sent, in what order, which writes the socket holds back, and whose error a statement answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type pg from 'pg';
import { beginWithNextStatement } from '../../../src/data/database.ts';

interface Deferred { resolve: (value: unknown) => void; reject: (error: unknown) => void }

/** A client whose socket logs cork and uncork, and whose statements are answered by the test. */
function standIn(pipeline: boolean) {
  const log: string[] = [];
  const answers = new Map<string, Deferred>();
  const client = { pipeline, connection: { stream: { cork: () => log.push('cork'), uncork: () => log.push('uncork') } } } as unknown as pg.PoolClient;
  const send = (text: unknown) => {
    log.push(`send ${String(text)}`);
    return new Promise((resolve, reject) => answers.set(String(text), { resolve, reject }));
  };
  return { query: beginWithNextStatement(client, send), log, answers };
}

test('BEGIN is answered at once and held in the socket; the next statement joins it and both go out', async () => {
  const { query, log, answers } = standIn(true);
  assert.deepEqual(await query('begin', []), { command: 'BEGIN', rowCount: null, rows: [], fields: [] });
  assert.deepEqual(log, ['cork', 'send begin']);
  const locked = query('SELECT 1 FOR UPDATE', ['id']);
  assert.deepEqual(log, ['cork', 'send begin', 'send SELECT 1 FOR UPDATE', 'uncork']);
  let settled = false;
  void locked.then(() => (settled = true));
  answers.get('SELECT 1 FOR UPDATE')!.resolve({ rows: [{ one: 1 }] });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, 'the statement waits for the BEGIN’s answer too');
  answers.get('begin')!.resolve({ command: 'BEGIN' });
  assert.deepEqual(await locked, { rows: [{ one: 1 }] });
  // Only the first statement joins a BEGIN: the one after is sent alone.
  void query('COMMIT', []);
  assert.deepEqual(log.slice(4), ['send COMMIT']);
});

test('a BEGIN that failed is the next statement’s error', async () => {
  const { query, answers } = standIn(true);
  await query('begin', []);
  const next = query('INSERT INTO x VALUES (1)', []);
  answers.get('begin')!.reject(new Error('BEGIN refused'));
  answers.get('INSERT INTO x VALUES (1)')!.reject(new Error('current transaction is aborted'));
  await assert.rejects(next, /BEGIN refused/);
});

test('an isolation level’s START TRANSACTION is held the same way; a statement with parameters is not a BEGIN', async () => {
  const { query, log } = standIn(true);
  await query('start transaction isolation level repeatable read', []);
  assert.deepEqual(log, ['cork', 'send start transaction isolation level repeatable read']);
  void query('SELECT $1', ['begin']);
  void query('begin', ['x']);
  assert.deepEqual(log.slice(2), ['send SELECT $1', 'uncork', 'send begin']);
});

test('a connection that is not pipelined sends BEGIN as any statement, and waits for it', async () => {
  const { query, log, answers } = standIn(false);
  const begun = query('begin', []);
  assert.deepEqual(log, ['send begin']);
  answers.get('begin')!.resolve({ command: 'BEGIN' });
  assert.deepEqual(await begun, { command: 'BEGIN' });
});
