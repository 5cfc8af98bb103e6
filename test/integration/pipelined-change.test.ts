// Issue 14, ADR 29: a change on PostgreSQL waits for five answers, not seven. Its BEGIN goes out in
// one socket write with the statement that locks the person, and its COMMIT follows its last
// statement (the projections with the audit event) without waiting for that statement's answer.
// Checked on the pg clients of the pool (every statement handed to a client, and whether the client
// was still waiting for an answer then) and on their sockets' writes; and a last statement that
// fails leaves nothing behind and is the change's error, not COMMIT's rollback.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { createServices, type Services } from '../../src/services/index.ts';
import { actorFromUser, type Actor } from '../../src/services/kernel/actor.ts';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../support/databases.ts';
import { seedAccounts, USERS } from '../support/app.ts';
import { NORTHBRIDGE_PERSON } from '../support/services.ts';

interface Sent { text: string; waiting: boolean }
interface Write { chunks: string[] }

/** Every statement handed to a pg client, and every write on its socket, while `recording`. */
const recorder = { recording: false, sent: [] as Sent[], writes: [] as Write[] };
const watched = new WeakSet<object>();
type Socket = { _write: (...args: unknown[]) => unknown; _writev?: (...args: unknown[]) => unknown };
type ClientInside = { _activeQuery?: unknown; _sentQueryQueue?: unknown[]; connection: { stream: Socket } };

const originalQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: ClientInside, config: unknown, ...rest: unknown[]) {
  watchWrites(this.connection.stream);
  if (recording()) {
    const text = typeof config === 'string' ? config : ((config as { text?: string }).text ?? '');
    recorder.sent.push({ text, waiting: this._activeQuery != null || (this._sentQueryQueue?.length ?? 0) > 0 });
  }
  return originalQuery.call(this, config, ...rest);
};
const recording = () => recorder.recording;

/** Records what each socket write of a database connection carries (the protocol's text, roughly). */
function watchWrites(socket: Socket): void {
  if (watched.has(socket)) return;
  watched.add(socket);
  const write = socket._write.bind(socket);
  socket._write = (chunk: unknown, ...rest: unknown[]) => {
    if (recording()) recorder.writes.push({ chunks: [String(chunk)] });
    return write(chunk, ...rest);
  };
  const writev = socket._writev?.bind(socket);
  if (writev) {
    socket._writev = (chunks: unknown, ...rest: unknown[]) => {
      if (recording()) recorder.writes.push({ chunks: (chunks as { chunk: unknown }[]).map((c) => String(c.chunk)) });
      return writev(chunks, ...rest);
    };
  }
}

async function recorded(run: () => Promise<unknown>): Promise<{ sent: Sent[]; writes: Write[] }> {
  recorder.sent = [];
  recorder.writes = [];
  recorder.recording = true;
  try {
    await run();
  } finally {
    recorder.recording = false;
  }
  return { sent: recorder.sent, writes: recorder.writes };
}

const postgres = (await testEngines()).find((e) => e.engine === 'postgres')!;

describe('a change pipelined on PostgreSQL', { skip: postgres.skip }, () => {
  let database: TestDatabase;
  let services: Services;
  let practitioner: Actor;
  let personId: string;

  before(async () => {
    database = await createTestDatabase('postgres');
    services = createServices(database.db);
    await seedAccounts(services);
    practitioner = actorFromUser((await findUserByEmail(database.db, USERS.practitioner.email))!, 'test');
    personId = (await services.people.create(practitioner, NORTHBRIDGE_PERSON)).id;
    // Left hospital after section 3 on 1 March 2024: aftercare running. The changes below are informal
    // stays, which change no episode, so no change notification's statements follow the projections.
    const stay = await services.legalHistory.addAdmission(practitioner, personId, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-10', dischargedOn: '2024-03-01' });
    await services.legalHistory.addLegalStatus(practitioner, personId, { section: '3', startDate: '2024-01-10', endDate: '2024-03-01', admissionId: stay.id });
  });
  after(async () => {
    await database?.dispose();
  });

  const legalStatuses = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM legal_statuses WHERE person_id = ${personId}::uuid`.execute(database.db)).rows[0]!.n);
  const events = async (action: string) => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM audit_events WHERE action = ${action}`.execute(database.db)).rows[0]!.n);
  let day = Date.UTC(2024, 4, 1);
  /** An informal stay of one day, a day later than the last. */
  const addInformal = () => {
    const on = new Date((day += 86_400_000)).toISOString().slice(0, 10);
    return services.legalHistory.addLegalStatus(practitioner, personId, { section: 'informal', startDate: on, endDate: on });
  };

  test('a legal status recorded: seven statements, five waits; BEGIN written with the lock, COMMIT sent behind the last statement', async () => {
    const eventsBefore = await events('legal-status.create');
    const { sent, writes } = await recorded(addInformal);
    const texts = sent.map((s) => s.text.replace(/\/\*[^*]*\*\/\s*/g, '').trim());
    assert.equal(sent.length, 7, texts.map((t) => t.slice(0, 150)).join('\n---\n'));
    assert.equal(texts[0], 'begin');
    assert.match(texts[1]!, /FOR (NO KEY )?UPDATE/i, 'the person locked next');
    assert.equal(sent[1]!.waiting, true, 'the lock is sent while the BEGIN is unanswered');
    assert.match(texts[5]!, /person_summaries/, 'the projections are the last statement');
    assert.match(texts[5]!, /audit_events/, 'with the audit event');
    assert.equal(texts[6], 'commit');
    assert.equal(sent[6]!.waiting, true, 'COMMIT is sent while the projections are unanswered');
    assert.equal(sent.filter((s) => !s.waiting).length, 5, 'five waits for an answer');
    // BEGIN and the lock in one write: the BEGIN's query message and the lock's execution together.
    const withBegin = writes.filter((w) => w.chunks.some((c) => c.includes('begin\0')));
    assert.equal(withBegin.length, 1, 'BEGIN written once');
    // The lock is a prepared statement: by name after its first time, so its Bind, Execute and Sync.
    const [beginChunk, ...rest] = withBegin[0]!.chunks;
    assert.match(beginChunk!, /^Q[\s\S]*begin\0$/, 'BEGIN first, as a simple query');
    assert.deepEqual(rest.map((c) => c[0]), [...(rest.length === 5 ? ['P'] : []), 'B', 'D', 'E', 'S'], 'then the lock: parsed (the first time), bound, described, executed, synced');
    assert.equal(writes.indexOf(withBegin[0]!), 0, 'in the change’s first write');
    assert.equal(await events('legal-status.create'), eventsBefore + 1, 'its audit event committed');
  });

  test('a last statement that fails: the change fails with its error, nothing of it is kept, and the next change succeeds', async () => {
    const before = { statuses: await legalStatuses(), events: await events('legal-status.create') };
    await sql`CREATE FUNCTION refuse_summary() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'summary refused by the test' USING ERRCODE = 'P0001'; END $$`.execute(database.db);
    await sql`CREATE TRIGGER refuse_summary BEFORE INSERT OR UPDATE ON person_summaries FOR EACH ROW EXECUTE FUNCTION refuse_summary()`.execute(database.db);
    try {
      await assert.rejects(addInformal(), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'P0001', `${error.name}: ${error.message}`);
        assert.match(error.message, /summary refused by the test/);
        return true;
      });
    } finally {
      await sql`DROP TRIGGER refuse_summary ON person_summaries`.execute(database.db);
      await sql`DROP FUNCTION refuse_summary()`.execute(database.db);
    }
    assert.equal(await legalStatuses(), before.statuses, 'the legal status was rolled back with it');
    assert.equal(await events('legal-status.create'), before.events, 'and its audit event');
    // Every connection of the pool is usable: as many changes as the pool has connections, at once.
    await Promise.all(Array.from({ length: 12 }, () => addInformal()));
    assert.equal(await legalStatuses(), before.statuses + 12);
  });
});
