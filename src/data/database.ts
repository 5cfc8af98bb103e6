// Opens the database: PostgreSQL when a URL is given, otherwise embedded PGlite in a data folder.
// Both return dates as 'YYYY-MM-DD' strings and bigints as numbers, so the rest of the code sees
// the same values from either engine.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type Engine = 'postgres' | 'pglite';

export interface DatabaseHandle {
  db: Db;
  engine: Engine;
  /** Runs a multi-statement SQL script outside Kysely (migrations). */
  runScript(sql: string): Promise<void>;
  close(): Promise<void>;
  /**
   * Listens to a notification channel (LISTEN/NOTIFY). PostgreSQL: on a dedicated connection of its
   * own, reconnected after a drop (`lost` then, `ready` once listening again; notifications sent
   * meanwhile are lost). PGlite: in this process, ready at once. Answers a function that stops.
   */
  listen?(channel: string, handlers: ListenHandlers): () => Promise<void>;
  /** Runs `work` holding a session-level advisory lock (PostgreSQL; PGlite has one process and runs it directly). */
  withAdvisoryLock?<T>(key: number, work: () => Promise<T>): Promise<T>;
}

export interface ListenHandlers {
  message(payload: string): void;
  /** The connection is gone: notifications may be missed until `ready`. */
  lost(): void;
  ready(): void;
}

/** How often a PostgreSQL listener checks that its connection is alive, and how long it waits for the answer. */
const LISTENER_HEARTBEAT_MS = 15_000;
const LISTENER_RECONNECT_MS = 1_000;

const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** The engine behind each Kysely instance this module opened (a plugin's copy, withPlugin, is not listed). */
const engines = new WeakMap<Db, Engine>();

/** The engine of a database this module opened; null for any other instance (e.g. one made with withPlugin). */
export function engineOf(db: Db): Engine | null {
  return engines.get(db) ?? null;
}

/** True when the database answers a trivial query; false when it cannot be reached or fails. */
export async function databaseAnswers(db: Db): Promise<boolean> {
  try {
    await sql`SELECT 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/**
 * Marks a statement whose text is fixed (the read models: many sub-selects, a person's id as
 * parameter) to be prepared once on each connection and executed by name afterwards (issue 14):
 * PostgreSQL then neither receives its text again nor plans it each time (a generic plan, once its
 * custom plans cost no less). Only fixed texts may carry it: each distinct text stays prepared on
 * each connection for the connection's life.
 */
export const PREPARED = sql.raw('/* s117:prepared */ ');
const PREPARED_MARK = '/* s117:prepared */';

/**
 * Marks a statement whose text takes one of many shapes (a name search: a branch for each name, the
 * filters given, the page's size; ADR 27). It is prepared as PREPARED is, but only while its
 * connection holds fewer than PREPARED_FEW_AT_MOST such statements; any other text is sent unnamed and
 * planned each time. So no run of requests can make a connection keep more than that many of these
 * plans (a name search's is up to about 3 MB).
 */
export const PREPARED_FEW = sql.raw('/* s117:prepared-few */ ');
export const PREPARED_FEW_AT_MOST = 16;

/**
 * Marks a read's read model with a part of its own (ADR 28): fixed texts, but about seventy of them,
 * most rarely asked. Capped as PREPARED_FEW is, with slots of their own, so rare reads cannot take
 * the name searches' slots (nor the searches theirs).
 */
export const PREPARED_READ_MODEL = sql.raw('/* s117:prepared-read-model */ ');
export const PREPARED_READ_MODELS_AT_MOST = 32;

/**
 * Marks a page of the register found by filters and sort key (searchRegister), whose page size is
 * written into its text: with `LIMIT $n` PostgreSQL prices a kept plan for a tenth of the matches,
 * a hash join over every person, and so planned the page afresh on every search (about 1 ms).
 * A text for each shape of filters and page size; capped, with slots of its own.
 */
export const PREPARED_PAGE = sql.raw('/* s117:prepared-page */ ');
export const PREPARED_PAGES_AT_MOST = 24;

/** The capped marks and how many statements of each a connection may keep prepared. */
const CAPPED_MARKS: readonly { mark: string; atMost: number }[] = [
  { mark: '/* s117:prepared-few */', atMost: PREPARED_FEW_AT_MOST },
  { mark: '/* s117:prepared-read-model */', atMost: PREPARED_READ_MODELS_AT_MOST },
  { mark: '/* s117:prepared-page */', atMost: PREPARED_PAGES_AT_MOST },
];

const preparedNames = new Map<string, string>();
const PREPARING = Symbol('preparing');

/** The statement's name: the same for the same text, in every process. */
function preparedName(text: string): string {
  let name = preparedNames.get(text);
  if (!name) {
    name = `s117_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    preparedNames.set(text, name);
  }
  return name;
}

/**
 * The pool's client, its queries that carry PREPARED (or a capped mark, while under its cap) sent as named
 * statements. A table a prepared `SELECT p.*` reads may gain a column while the connection lives (a
 * migration run by another process): PostgreSQL then refuses the statement ("cached plan must not
 * change result type"), and it is prepared again under a new name on this connection (in autocommit
 * the query is simply retried; inside a transaction the transaction has failed, and the next one uses
 * the new name).
 */
function preparing(client: pg.PoolClient): pg.PoolClient {
  const marked = client as pg.PoolClient & { [PREPARING]?: Map<string, number> };
  if (marked[PREPARING]) return client;
  const renamed = new Map<string, number>();
  const kept = CAPPED_MARKS.map((capped) => ({ ...capped, texts: new Set<string>() }));
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const named = (text: string, values: unknown) => query({ name: `${preparedName(text)}_${renamed.get(text) ?? 0}`, text, values });
  const prepares = (text: string) => {
    if (text.includes(PREPARED_MARK)) return true;
    const capped = kept.find(({ mark }) => text.includes(mark));
    if (!capped) return false;
    if (capped.texts.has(text)) return true;
    if (capped.texts.size >= capped.atMost) return false;
    capped.texts.add(text);
    return true;
  };
  const send = (text: unknown, values?: unknown): Promise<unknown> => {
    if (typeof text !== 'string' || !prepares(text)) return values === undefined ? query(text) : query(text, values);
    return named(text, values).catch((error: { code?: string; message?: string }) => {
      if (error?.code !== '0A000' || !/cached plan must not change result type/.test(error.message ?? '')) throw error;
      renamed.set(text, (renamed.get(text) ?? 0) + 1);
      return named(text, values);
    });
  };
  (client as { query: unknown }).query = beginWithNextStatement(client, send);
  marked[PREPARING] = renamed;
  return client;
}

/** What Kysely is answered for a BEGIN that goes out with the next statement: it reads nothing of it. */
const BEGUN = Object.freeze({ command: 'BEGIN', rowCount: null, rows: [], fields: [] });

/**
 * A transaction's BEGIN sent in one write with the statement after it (issue 14: a change was seven
 * round trips, and a write is a system call that costs on a virtual machine; ADR 29). On a pipelined
 * connection the BEGIN is written into the corked socket and answered at once; the next statement
 * joins it and both go out together. PostgreSQL runs the two in order, the statement inside the
 * transaction. That statement's answer waits for the BEGIN's too, and a BEGIN that failed is its
 * error: BEGIN fails only on a connection that is broken or inside a failed transaction, where the
 * statement fails as well. A connection not pipelined sends as before.
 */
export function beginWithNextStatement(client: pg.PoolClient, send: (text: unknown, values?: unknown) => Promise<unknown>) {
  const socket = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
  const pipelined = (client as unknown as { pipeline?: boolean }).pipeline === true && typeof socket?.cork === 'function' && typeof socket.uncork === 'function';
  let begun: Promise<unknown> | null = null;
  return (text: unknown, values?: unknown): Promise<unknown> => {
    if (pipelined && begun === null && isBegin(text, values)) {
      socket!.cork!();
      begun = send(text, values);
      begun.catch(() => {}); // answered with the next statement's
      return Promise.resolve(BEGUN);
    }
    if (begun === null) return send(text, values);
    const opened = begun;
    begun = null;
    let sent: Promise<unknown>;
    try {
      sent = send(text, values);
    } finally {
      socket!.uncork!();
    }
    return Promise.all([opened, sent]).then(([, answer]) => answer);
  };
}

/**
 * Resolves once every statement already started is on its connection, for a caller that sends the
 * next one without waiting for their answers (a change's COMMIT behind its last statement, ADR 29).
 * Kysely hands a statement to the driver through promise callbacks alone (no timer, no I/O while the
 * connection is held), so they have all run before the event loop's next turn.
 */
export function statementsStartedAreSent(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Kysely's own BEGIN (`begin`, or `start transaction ...` with an isolation level): no parameters, nothing read. */
function isBegin(text: unknown, values: unknown): boolean {
  if (Array.isArray(values) ? values.length > 0 : values !== undefined) return false;
  return text === 'begin' || (typeof text === 'string' && text.startsWith('start transaction'));
}

export async function openDatabase(options: { databaseUrl: string | null; dataDir: string; databasePoolSize?: number }): Promise<DatabaseHandle> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, { max: options.databasePoolSize }) : openPglite(options.dataDir);
}

/**
 * The database whose connections plan every statement once, generically, beside `db` (PostgreSQL
 * opened by openPostgres; null for PGlite or a plugin's copy). For the name searches' first pages
 * (people-repository namePrefixPage) and the register's pages by status, local authority or ICB alone
 * (searchRegister) only, in autocommit: PostgreSQL kept planning them afresh on every search (a custom
 * plan, 1 to 4 ms, where the generic one ran in about 1 ms), and no setting of one statement asks for
 * the generic plan. Every other statement needs its custom plans (a LIMIT or a LIKE pattern as
 * parameter), so this is a pool of its own, never a setting of the main one.
 */
export function genericPlansBeside(db: Db): Db | null {
  return genericSiblings.get(db) ?? null;
}

const genericSiblings = new WeakMap<Db, Db>();

export function openPostgres(connectionString: string, options: { max?: number } = {}): DatabaseHandle {
  const max = options.max ?? 10;
  const pool = postgresPool(connectionString, max, '');
  const db = kyselyOn(pool);
  // Half as many connections, opened only as searches ask for them (a search's page is one statement
  // of a few milliseconds; on two cores a few at once keep PostgreSQL busy).
  const genericPool = postgresPool(connectionString, Math.max(2, Math.ceil(max / 2)), ' -c plan_cache_mode=force_generic_plan');
  const genericDb = kyselyOn(genericPool);
  engines.set(db, 'postgres');
  engines.set(genericDb, 'postgres');
  genericSiblings.set(db, genericDb);
  return {
    db,
    engine: 'postgres',
    async runScript(sql) {
      const client = await pool.connect();
      try {
        await client.query(sql);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: async () => {
      await db.destroy();
      await genericDb.destroy();
    },
    listen: (channel, handlers) => listenPostgres(connectionString, channel, handlers),
    async withAdvisoryLock(key, work) {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
        try {
          return await work();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [key]);
        }
      } finally {
        client.release();
      }
    },
  };
}

function postgresPool(connectionString: string, max: number, settings: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    // Pipelined: a statement goes out without waiting for the one before it to be answered, which
    // only happens where this module or a use case asks for it (a change's BEGIN with its next
    // statement, its last statement with COMMIT; ADR 29). Each statement keeps its own Sync, so an
    // error is its statement's alone, as before.
    pipeline: true,
    // No JIT compilation: the register's statements are short, and compiling one whose estimate
    // crossed jit_above_cost (a name search, say) took 0.1 s or more to save a millisecond (issue 14).
    options: `-c jit=off${settings}`,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === DATE_OID) return (value: string) => value;
        if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client's error (the server restarting) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

function kyselyOn(pool: pg.Pool): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: { Client: pg.Client, options: pool.options, connect: async () => preparing(await pool.connect()), end: () => pool.end() } }) });
}

/**
 * LISTEN on a connection of its own (not the pool's: a listener holds its connection for ever). A drop
 * (the server restarting, the network) is reported as `lost`, and it reconnects every second until
 * listening again. A heartbeat notices a connection that died without a word.
 */
function listenPostgres(connectionString: string, channel: string, handlers: ListenHandlers): () => Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Not a channel name: ${channel}`);
  let current: pg.Client | null = null;
  let stopped = false;
  let reconnect: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const drop = (client: pg.Client) => {
    if (current !== client) return;
    current = null;
    clearInterval(heartbeat);
    handlers.lost();
    client.end().catch(() => {});
    if (!stopped) reconnect = setTimeout(() => void connect(), LISTENER_RECONNECT_MS).unref();
  };

  async function connect(): Promise<void> {
    if (stopped) return;
    const client = new pg.Client({ connectionString, keepAlive: true, application_name: 's117-listener' });
    client.on('error', () => drop(client));
    client.on('end', () => drop(client));
    client.on('notification', (n) => {
      if (n.channel === channel) handlers.message(n.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
    } catch {
      client.end().catch(() => {});
      if (!stopped) reconnect = setTimeout(() => void connect(), LISTENER_RECONNECT_MS).unref();
      return;
    }
    if (stopped) {
      await client.end().catch(() => {});
      return;
    }
    current = client;
    heartbeat = setInterval(() => {
      const timeout = setTimeout(() => drop(client), LISTENER_HEARTBEAT_MS / 3).unref();
      client.query('SELECT 1').then(() => clearTimeout(timeout), () => drop(client));
    }, LISTENER_HEARTBEAT_MS).unref();
    handlers.ready();
  }

  void connect();
  return async () => {
    stopped = true;
    clearTimeout(reconnect);
    clearInterval(heartbeat);
    const client = current;
    current = null;
    await client?.end().catch(() => {});
  };
}

export async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  const releaseLock = dataDir.startsWith('memory://') ? () => {} : lockDataDir(dataDir);
  const pglite = await PGlite.create(dataDir, {
    parsers: {
      [pgliteTypes.DATE]: (value: string) => value,
      [pgliteTypes.INT8]: (value: string) => Number(value),
      [NUMERIC_OID]: (value: string) => Number(value),
    },
  });
  const handle = pgliteHandle(pglite);
  return {
    ...handle,
    async close() {
      await handle.close();
      releaseLock();
    },
  };
}

/**
 * PGlite is a database in one process: a second process opening the same folder would corrupt it.
 * A lock file holding the owner's process id keeps a second one out with a clear message.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, 's117.lock');
  try {
    writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
  } catch {
    const owner = Number(readFileSync(lockFile, 'utf8'));
    if (owner !== process.pid && isRunning(owner)) {
      throw new Error(`The embedded database in ${dataDir} is in use by process ${owner} (is the server running?). Stop it first, or use PostgreSQL (DATABASE_URL) to run several processes.`);
    }
    writeFileSync(lockFile, String(process.pid)); // left behind by a process that has ended
  }
  return () => rmSync(lockFile, { force: true });
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function pgliteHandle(pglite: PGlite): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  engines.set(db, 'pglite');
  return {
    db,
    engine: 'pglite',
    async runScript(sql) {
      try {
        await pglite.exec(sql);
      } catch (error) {
        await pglite.exec('ROLLBACK').catch(() => {});
        throw error;
      }
    },
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
    // One process: a notification reaches this process's listeners as its transaction commits.
    listen(channel, handlers) {
      const stop = pglite.listen(channel, (payload) => handlers.message(payload));
      handlers.ready();
      return async () => {
        if (!pglite.closed) await (await stop)().catch(() => {});
      };
    },
    withAdvisoryLock: (_key, work) => work(),
  };
}

/** One statement on its own connection, for work outside a database: CREATE or DROP DATABASE. */
export async function adminQuery(connectionString: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
