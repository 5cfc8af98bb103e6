// Moving in (issue 10, ADR 0011 round 5): an import committed chunk by chunk, as the embedded database
// (PGlite, one session) commits it so that pages are served between chunks. Forced here on both
// engines (importCommits), with two rows a chunk, so that a small file has several chunks: a batch
// that fails midway, is cancelled, or whose server stopped, is undone and leaves nothing of itself
// behind (every table's rows counted, and the rows it changed compared); its chunks' audit events stay
// and the undo adds its own; change notifications wait for the end; a re-run duplicates nothing; a
// dry run in chunks reports what one transaction reports; and on PGlite a page read during an import
// is answered while the import still runs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, TableNode, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { createServices, type Services } from '../../src/services/index.ts';
import type { ImportRequest } from '../../src/services/imports/imports-service.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, type ServiceFixture } from '../support/services.ts';
import { IMPORT_TODAY, NHS, northbridgeWorkbook } from '../support/import-fixtures.ts';

const clock = () => IMPORT_TODAY;
const NEW = [testNhsNumber(7301), testNhsNumber(7302), testNhsNumber(7303)];

/** Next month's file: two people already held change (address, service cost, a discharge), three are new. */
const laterFile = () => Buffer.from([
  'NHS number,Surname,Forename,Date of birth,Address,Section,Date detained,Discharge date,Responsible LA,ICB,s117,Service,Provider,Weekly cost,LA share,ICB share',
  `${NHS.entitled},Alpha,Ann,01/05/1980,1 New Street,3,10/01/2024,01/03/2024,E09000099,QZZ,Yes,Supported living,Acme Care,480,40,60`,
  `${NHS.notMarked},Charlie,Cara,03/03/1990,,Section 37/41,01/05/2023,01/02/2025,E09000099,QZZ,No,,,,,`,
  ...NEW.map((nhs, i) => `${nhs},Newman${i},Nia,0${i + 1}/02/1970,,3,01/01/2024,01/03/2024,E09000099,QZZ,Yes,Home care,Acme Care,100,50,50`),
].join('\n'));

/** A plugin that fails the statements `fails` picks (a disk filling up, a server stopping). */
function failing(fails: (node: RootOperationNode) => boolean): KyselyPlugin {
  return {
    transformQuery: ({ node }) => {
      if (fails(node)) throw new Error('the disk filled up');
      return node;
    },
    transformResult: async ({ result }) => result,
  };
}
const intoTable = (node: RootOperationNode, table: string) => node.kind === 'InsertQueryNode' && node.into?.table.identifier.name === table;
const fromTable = (node: RootOperationNode, table: string) => node.kind === 'SelectQueryNode' && (node.from?.froms ?? []).some((f) => TableNode.is(f) && f.table.identifier.name === table);

for (const { engine, skip } of await testEngines()) {
  describe(`imports committed chunk by chunk on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    let chunked: Services;
    before(async () => {
      f = await createServiceFixture(engine, { clock });
      chunked = createServices(f.database.db, { clock, importCommits: 'per-chunk', importChunkRows: 2 });
    });
    after(async () => {
      await f?.close();
    });

    /** Rows of every table but the append-only audit trail and the job list. */
    async function counts(): Promise<Record<string, number>> {
      const tables = await sql<{ table_name: string }>`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT IN ('audit_events', 'import_jobs', 'report_dirty_people') ORDER BY table_name`.execute(f.database.db);
      const out: Record<string, number> = {};
      for (const { table_name } of tables.rows) out[table_name] = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table_name)}`.execute(f.database.db)).rows[0]!.n);
      return out;
    }
    /** What the later file changes in records already held. */
    const held = async () => ({
      people: await f.database.db.selectFrom('people').select(['nhs_number', 'address_line1', 'given_name']).where('nhs_number', 'in', [NHS.entitled, NHS.notMarked]).orderBy('nhs_number').execute(),
      services: await f.database.db.selectFrom('services').select(['id', 'weekly_cost_pence', 'la_percent', 'icb_percent', 'updated_by']).orderBy('id').execute(),
      admissions: await f.database.db.selectFrom('admissions').select(['id', 'discharged_on']).orderBy('id').execute(),
      legal: await f.database.db.selectFrom('legal_statuses').select(['id', 'end_date']).orderBy('id').execute(),
      summaries: await f.database.db.selectFrom('person_summaries').select(['person_id', 'status', 'left_hospital_on', 'next_review_due']).orderBy('person_id').execute(),
    });
    const later = (mode: 'dry-run' | 'commit'): ImportRequest => ({ kind: 'register', mode, fileName: 'june.csv', content: laterFile() });
    const events = (action: string) => f.database.db.selectFrom('audit_events').select(['record_id', 'details']).where('action', '=', action).execute();

    test('REG-1: a dry run in chunks (each rolled back) reports what one transaction reports, and writes nothing', async () => {
      const northbridge: ImportRequest = { kind: 'register', mode: 'dry-run', fileName: 'northbridge.xlsx', content: await northbridgeWorkbook() };
      const before = await counts();
      const inChunks = await chunked.imports.run(f.actors.laApprover, northbridge);
      const whole = await createServices(f.database.db, { clock, importCommits: 'per-batch' }).imports.run(f.actors.laApprover, northbridge);
      assert.deepEqual(await counts(), before);
      assert.deepEqual([inChunks.created, inChunks.updated, inChunks.skipped, inChunks.rowsWithProblems], [whole.created, whole.updated, whole.skipped, whole.rowsWithProblems]);
      assert.deepEqual(inChunks.findings, whole.findings);
      assert.deepEqual(inChunks.reconciliation.map((r) => [r.row, r.kind]), whole.reconciliation.map((r) => [r.row, r.kind]));
    });

    test('REG-1: a commit in chunks imports the valid rows, records the batch, and a re-run of the same file duplicates nothing', async () => {
      const northbridge: ImportRequest = { kind: 'register', mode: 'commit', fileName: 'northbridge.xlsx', content: await northbridgeWorkbook() };
      const report = await chunked.imports.run(f.actors.laApprover, northbridge);
      assert.deepEqual([report.created, report.updated, report.skipped], [4, 0, 0]);
      const job = await f.database.db.selectFrom('import_jobs').select(['status', 'created']).where('id', '=', report.batchId!).executeTakeFirstOrThrow();
      assert.deepEqual([job.status, job.created], ['done', 4]);
      assert.equal((await f.database.db.selectFrom('import_undo').select('seq').execute()).length, 0); // nothing kept once finished
      assert.equal((await events('import.commit')).length, 1);
      const before = await counts();
      const again = await chunked.imports.run(f.actors.laApprover, northbridge);
      assert.deepEqual([again.created, again.updated, again.skipped], [0, 0, 4]);
      assert.deepEqual(await counts(), before);
    });

    test('ELIG-1: a detentions dry run in chunks keeps a person’s rows in one chunk, so it reports what one transaction reports', async () => {
      // Rows 2 and 5 are the same person's: in one transaction row 5 sees row 2's stay (nothing new).
      const extract = Buffer.from([
        'NHSNumber,LegalStatusCode,StartDateMHALegalStatusClass,ExpiryDateMHALegalStatusClass,StartDateHospProvSpell,DischDateHospProvSpell',
        `${NHS.entitled},03,2024-06-01,2024-09-01,2024-06-01,2024-09-01`,
        `${NHS.section2Only},03,2024-06-01,2024-09-01,2024-06-01,2024-09-01`,
        `${NHS.notOnRegister},10,2024-03-01,,2024-03-01,`,
        `${NHS.entitled},03,2024-06-01,2024-09-01,2024-06-01,2024-09-01`,
      ].join('\n'));
      const request: ImportRequest = { kind: 'detentions', mode: 'dry-run', fileName: 'mhsds.csv', content: extract };
      const before = await counts();
      const inChunks = await chunked.imports.run(f.actors.laApprover, request);
      const whole = await createServices(f.database.db, { clock, importCommits: 'per-batch' }).imports.run(f.actors.laApprover, request);
      assert.deepEqual(await counts(), before);
      assert.deepEqual([inChunks.created, inChunks.updated, inChunks.skipped], [whole.created, whole.updated, whole.skipped]);
      assert.deepEqual(inChunks.findings, whole.findings);
    });

    test('REG-1: a batch that fails midway (its first chunks committed) is undone and leaves nothing of itself behind; its chunks’ audit events stay', async () => {
      const before = await counts();
      const heldBefore = await held();
      // The second chunk that adds people fails: by then two chunks (changes, then two new people) are committed.
      let peopleInserts = 0;
      const failingServices = createServices(f.database.db.withPlugin(failing((node) => intoTable(node, 'people') && ++peopleInserts === 2)), { clock, importCommits: 'per-chunk', importChunkRows: 2 });
      await assert.rejects(failingServices.imports.run(f.actors.laApprover, later('commit')), /disk filled up/);
      assert.equal(peopleInserts, 2);
      assert.deepEqual(await counts(), before);
      assert.deepEqual(await held(), heldBefore);
      // The audit trail is append-only: the committed chunks' events stay, and the undo adds its own.
      const created = await events('import.person.create');
      const undo = (await events('import.undo')).find((e) => (e.details as { reason: string }).reason === 'failed');
      const batchId = undo!.record_id!;
      assert.equal(created.filter((e) => (e.details as { batchId: string }).batchId === batchId).length, 2);
      assert.equal((await events('import.undo.delete')).filter((e) => (e.details as { batchId: string }).batchId === batchId).length > 0, true);
      assert.equal((await events('import.undo.restore')).filter((e) => (e.details as { batchId: string }).batchId === batchId).length > 0, true);
      const job = await f.database.db.selectFrom('import_jobs').select(['status', 'error']).where('id', '=', batchId).executeTakeFirstOrThrow();
      assert.equal(job.status, 'failed');
      assert.match(job.error ?? '', /already saved has been removed/);
    });

    test('REG-1: a batch whose server stopped midway is undone when the next server starts (failAbandoned)', async () => {
      const before = await counts();
      const heldBefore = await held();
      // The process "stops" at its third chunk: its own undo cannot run either (it cannot read what it kept).
      let peopleInserts = 0;
      const stopping = createServices(f.database.db.withPlugin(failing((node) => (intoTable(node, 'people') && ++peopleInserts === 2) || fromTable(node, 'import_undo'))), { clock, importCommits: 'per-chunk', importChunkRows: 2 });
      await assert.rejects(stopping.imports.run(f.actors.laApprover, later('commit')), /disk filled up/);
      const job = await f.database.db.selectFrom('import_jobs').select(['id', 'error']).where('file_name', '=', 'june.csv').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
      assert.match(job.error ?? '', /could not be removed automatically/);
      assert.notDeepEqual(await counts(), before); // two chunks are still there
      // As a process that stopped leaves it: running, its heartbeat long stale.
      await f.database.db.updateTable('import_jobs').set({ status: 'running', error: null, heartbeat_at: new Date(IMPORT_TODAY.getTime() - 3_600_000) }).where('id', '=', job.id).execute();
      assert.equal(await chunked.imports.failAbandoned(), 1);
      assert.deepEqual(await counts(), before);
      assert.deepEqual(await held(), heldBefore);
      const after = await f.database.db.selectFrom('import_jobs').select(['status', 'error']).where('id', '=', job.id).executeTakeFirstOrThrow();
      assert.equal(after.status, 'failed');
      assert.match(after.error ?? '', /server restarted: the part of it already saved has been removed/);
      assert.equal((await events('import.undo')).some((e) => (e.details as { reason: string }).reason === 'server-stopped'), true);
    });

    test('REG-1: while a batch is unfinished, a change to a person it created or whose values it kept waits for it (409), so its undo is never blocked and overwrites nobody', async () => {
      const before = await counts();
      let peopleInserts = 0;
      const stopping = createServices(f.database.db.withPlugin(failing((node) => (intoTable(node, 'people') && ++peopleInserts === 2) || fromTable(node, 'import_undo'))), { clock, importCommits: 'per-chunk', importChunkRows: 2 });
      await assert.rejects(stopping.imports.run(f.actors.laApprover, later('commit')), /disk filled up/);
      // The one batch left unfinished: the values it kept name it (its job's time is the test's fixed clock).
      const keptByIt = await f.database.db.selectFrom('import_undo').select(['batch_id', 'person_id']).executeTakeFirstOrThrow();
      const job = { id: keptByIt.batch_id };
      await f.database.db.updateTable('import_jobs').set({ status: 'running', error: null, heartbeat_at: new Date(IMPORT_TODAY.getTime() - 3_600_000) }).where('id', '=', job.id).execute();
      const createdByIt = await f.database.db.selectFrom('people').select('id').where('import_batch_id', '=', job.id).executeTakeFirstOrThrow();
      // Someone an earlier, finished batch created, whose values this one did not keep.
      const kept = (await f.database.db.selectFrom('import_undo').select('person_id').execute()).map((k) => k.person_id);
      const otherPerson = await f.database.db.selectFrom('people').select('id').where('import_batch_id', '!=', job.id).where('id', 'not in', kept).executeTakeFirstOrThrow();
      const rename = (id: string) => chunked.people.update(f.actors.admin, id, null, { familyName: 'Changed Meanwhile' });
      await assert.rejects(rename(createdByIt.id), /part of an import that is still being saved/);
      await assert.rejects(rename(keptByIt.person_id), /part of an import that is still being saved/);
      await rename(otherPerson.id); // anyone else's record changes as ever, one a finished batch made included
      assert.equal(await chunked.imports.failAbandoned(), 1);
      const after = await counts();
      assert.deepEqual(after, before);
      await rename(keptByIt.person_id); // the batch undone, the person changes again
    });

    test('REG-1: a cancelled import stops before its next chunk and is undone', async () => {
      const before = await counts();
      const job = await chunked.imports.start(f.actors.laApprover, later('commit'));
      // The job runs on after the answer: cancelled at once, it stops before its next chunk.
      await chunked.imports.cancel(f.actors.laApprover, job.id);
      let status = await chunked.imports.get(f.actors.laApprover, job.id);
      for (let i = 0; i < 600 && status.status === 'running'; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        status = await chunked.imports.get(f.actors.laApprover, job.id);
      }
      assert.equal(status.status, 'failed');
      assert.match(status.error ?? '', /cancelled/);
      assert.deepEqual(await counts(), before);
      assert.equal((await events('import.cancel')).length, 1);
    });

    test('FHIR: the change notifications of a batch committed in chunks are held until every chunk is in, then released', async () => {
      const inserts: string[] = [];
      const watching: KyselyPlugin = {
        transformQuery: ({ node }) => {
          if (node.kind === 'InsertQueryNode' && node.into) inserts.push(node.into.table.identifier.name);
          return node;
        },
        transformResult: async ({ result }) => result,
      };
      const services = createServices(f.database.db.withPlugin(watching), { clock, importCommits: 'per-chunk', importChunkRows: 2 });
      const report = await services.imports.run(f.actors.laApprover, later('commit'));
      assert.equal(report.created, 3);
      const lastChunkWrite = Math.max(inserts.lastIndexOf('people'), inserts.lastIndexOf('person_summaries'));
      assert.ok(inserts.indexOf('notification_states') > lastChunkWrite, inserts.join(' '));
      const states = await f.database.db.selectFrom('notification_states').innerJoin('people', 'people.id', 'notification_states.person_id').select('people.nhs_number').where('people.nhs_number', 'in', NEW).execute();
      assert.equal(states.length, 3);
    });
  });
}

// PGlite only: its one session is what the chunks are for.
for (const { engine, skip } of (await testEngines()).filter((e) => e.engine === 'pglite')) {
  describe(`pages during an import on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine, { clock });
    });
    after(async () => {
      await f?.close();
    });

    test('REG-1: by default the embedded database commits imports chunk by chunk, and a register page read during an import is answered while the import still runs', async () => {
      assert.equal(f.services.imports.commits, 'per-chunk');
      const services = createServices(f.database.db, { clock, importChunkRows: 1 });
      const rows = Array.from({ length: 12 }, (_, i) => `${testNhsNumber(7400 + i)},Page${i},Pat,01/02/1970,3,01/01/2024,01/03/2024,E09000099,QZZ,Yes`);
      const content = Buffer.from(['NHS number,Surname,Forename,Date of birth,Section,Date detained,Discharge date,Responsible LA,ICB,s117', ...rows].join('\n'));
      const job = await services.imports.start(f.actors.laApprover, { kind: 'register', mode: 'commit', fileName: 'pages.csv', content });
      const page = await services.people.registerPage(f.actors.laApprover, {});
      assert.ok(page);
      // Ordering, not timing: the page was answered, and the import had not finished yet (in one
      // transaction, the page would have waited for every row: all done by then).
      const during = await services.imports.get(f.actors.laApprover, job.id);
      assert.equal(during.status, 'running');
      assert.ok(during.progress.done < during.progress.total, JSON.stringify(during.progress));
      let status = during;
      for (let i = 0; i < 600 && status.status === 'running'; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        status = await services.imports.get(f.actors.laApprover, job.id);
      }
      assert.equal(status.status, 'done', status.error ?? '');
      assert.equal(status.report?.created, 12);
    });
  });
}
