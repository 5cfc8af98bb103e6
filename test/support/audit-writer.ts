// A process that writes audit events and then waits to be killed (test/integration/audit-log.test.ts):
// `commit` appends 3 events, commits, says "committed <seqs>" and waits; `open` appends and waits with
// its transaction still open.
import { sql } from 'kysely';
import { appendAuditEvents } from '../../src/data/audit-repository.ts';
import { openPostgres } from '../../src/data/database.ts';

const [url, mode] = process.argv.slice(2);
const handle = openPostgres(url!);
const events = [1, 2, 3].map((i) => ({ userId: null, organisationId: null, action: `crash.${mode}.${i}` }));
if (mode === 'commit') {
  await handle.db.transaction().execute((trx) => appendAuditEvents(trx, events));
  const rows = await handle.db.selectFrom('audit_events').select('seq').where('action', 'like', 'crash.commit.%').execute();
  process.stdout.write(`committed ${rows.map((r) => r.seq).join(',')}\n`);
} else {
  const connection = handle.db.connection();
  await connection.execute(async (db) => {
    await sql`BEGIN`.execute(db);
    await appendAuditEvents(db, events);
    process.stdout.write('appended\n');
    await new Promise(() => {});
  });
}
await new Promise(() => {});
