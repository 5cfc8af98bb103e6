// Moving in (issue 10) on PGlite and PostgreSQL: dry run, commit, re-run, a failure midway, the
// reconciliation, the bad files, and who may import.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ForbiddenError } from '../../src/services/kernel/errors.ts';
import { BadRequestError } from '../../src/services/kernel/validation.ts';
import { MappingNeededError, type ImportRequest } from '../../src/services/imports/imports-service.ts';
import { MAX_IMPORT_BYTES } from '../../src/services/imports/imports-file.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, type ServiceFixture } from '../support/services.ts';
import {
  detentionsCsv, IMPORT_TODAY, localIdCsv, NHS, northbridgeWorkbook, notASpreadsheet, passwordProtectedWorkbook, windowsCsv, workbookWith, writeFixture,
} from '../support/import-fixtures.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`moving in on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    let northbridge: Buffer;
    before(async () => {
      f = await createServiceFixture(engine, { clock: () => IMPORT_TODAY });
      northbridge = await northbridgeWorkbook();
      writeFixture('northbridge-register.xlsx', northbridge);
      writeFixture('windows-1252-register.csv', windowsCsv());
      writeFixture('local-id-register.csv', localIdCsv());
      writeFixture('mhsds-detentions.csv', detentionsCsv());
    });
    after(async () => {
      await f?.close();
    });

    const count = async (table: 'people' | 'admissions' | 'legal_statuses' | 'services' | 'audit_events' | 'import_jobs') =>
      Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(f.database.db)).rows[0]!.n);
    const snapshot = async () => ({ people: await count('people'), admissions: await count('admissions'), legal: await count('legal_statuses'), services: await count('services'), audit: await count('audit_events'), jobs: await count('import_jobs') });
    const servicesOf = (nhs: string) => f.database.db.selectFrom('services').innerJoin('people', 'people.id', 'services.person_id').selectAll('services').where('people.nhs_number', '=', nhs).execute();
    const register = (mode: 'dry-run' | 'commit', content = northbridge, fileName = 'northbridge.xlsx'): ImportRequest => ({ kind: 'register', mode, fileName, content });

    test('REG-1: a dry run reports every row’s problems with its column, value and what to do, and writes nothing', async () => {
      const before = await snapshot();
      const report = await f.services.imports.run(f.actors.laApprover, register('dry-run'));
      assert.deepEqual(await snapshot(), before);
      assert.equal(report.headerRow, 3);
      assert.equal(report.rowsTotal, 10);
      const errors = report.findings.filter((x) => x.severity === 'error');
      const byRow = (row: number) => errors.filter((x) => x.row === row).map((x) => x.column);
      assert.deepEqual(byRow(7), ['NHS No.']);
      assert.match(errors.find((x) => x.row === 7)!.problem, /check digit/);
      assert.deepEqual(byRow(9), ['Responsible LA']); // another council's person
      assert.deepEqual(byRow(8), ['Charge']); // an s117 service charged for: the service rules refuse it
      assert.deepEqual([errors.find((x) => x.row === 8)!.rule, errors.find((x) => x.row === 8)!.value], ['CHG-1', '25.00']);
      assert.deepEqual(byRow(10), ['ICB share']);
      assert.equal(errors.find((x) => x.row === 10)!.rule, 'RESP-1');
      assert.deepEqual(byRow(12), ['NHS No.']);
      assert.deepEqual(byRow(13), ['NHS No.']);
      assert.equal(report.rowsWithProblems, 6);
      assert.equal(report.rowsValid, 4);
      assert.equal(report.created, 4);
    });

    test('REG-1: a commit imports the valid rows only, records the batch and audits each record touched', async () => {
      const before = await snapshot();
      const report = await f.services.imports.run(f.actors.laApprover, register('commit'));
      assert.deepEqual([report.created, report.updated, report.skipped], [4, 0, 0]);
      const after = await snapshot();
      assert.equal(after.people - before.people, 4);
      assert.equal(after.services - before.services, 1);
      assert.equal(after.jobs - before.jobs, 1);
      const events = await f.database.db.selectFrom('audit_events').select(['action', 'details']).where('action', 'like', 'import.%').execute();
      assert.equal(events.filter((e) => e.action === 'import.person.create').length, 4);
      assert.equal(events.filter((e) => e.action === 'import.service.create').length, 1);
      assert.equal(events.filter((e) => e.action === 'import.commit').length, 1);
      for (const e of events) assert.doesNotMatch(JSON.stringify(e.details), /\bAlpha\b|\bAnn\b|\b999\d{7}\b/); // ids, not personal data (a uuid or the file's sha256 may hold 999 and seven digits, never as a word)
      const batches = await f.services.imports.list(f.actors.laApprover, { mode: 'commit' });
      assert.equal(batches[0]?.fileName, 'northbridge.xlsx');
      assert.match(batches[0]?.sha256 ?? '', /^[0-9a-f]{64}$/);
      assert.equal(batches[0]?.createdBy, 'la-approver@s117.test');
      // Nobody from the rows with problems was imported.
      for (const nhs of [NHS.otherCouncil, NHS.badSplit, NHS.twice, NHS.charged]) {
        assert.equal(await f.database.db.selectFrom('people').select('id').where('nhs_number', '=', nhs).executeTakeFirst(), undefined);
      }
    });

    test('ELIG-1: entitlement is derived by the register, never copied; the reconciliation lists every disagreement with its rule', async () => {
      const report = await f.services.imports.run(f.actors.laApprover, register('dry-run'));
      const kinds = report.reconciliation.map((r) => `${r.row}:${r.kind}:${r.rule}`);
      assert.ok(kinds.includes('4:review-overdue:REV-1'), kinds.join(' '));
      assert.ok(kinds.includes('5:marked-s117-not-detained:ELIG-1'));
      assert.ok(kinds.includes('6:detained-not-marked-s117:ELIG-1'));
      assert.ok(kinds.includes('11:ended-without-joint-decision:END-1'));
      const s2 = await f.database.db.selectFrom('people').innerJoin('person_summaries', 'person_summaries.person_id', 'people.id').select('status').where('nhs_number', '=', NHS.section2Only).executeTakeFirst();
      assert.equal(s2?.status, 'not-entitled'); // the sheet said yes
      const s37 = await f.database.db.selectFrom('people').innerJoin('person_summaries', 'person_summaries.person_id', 'people.id').select('status').where('nhs_number', '=', NHS.notMarked).executeTakeFirst();
      assert.notEqual(s37?.status, 'not-entitled'); // the sheet said no
    });

    test('REG-1: running the same file again duplicates nothing', async () => {
      const before = await snapshot();
      const report = await f.services.imports.run(f.actors.laApprover, register('commit'));
      assert.deepEqual([report.created, report.updated, report.skipped], [0, 0, 4]);
      const after = await snapshot();
      assert.deepEqual([after.people, after.admissions, after.legal, after.services], [before.people, before.admissions, before.legal, before.services]);
    });

    test('REV-1: the last review is imported as a review held, date only and marked as imported; the next review is compared with the register’s timetable; a re-run adds no second review', async () => {
      const db = f.database.db;
      const person = await db.selectFrom('people').select('id').where('nhs_number', '=', NHS.entitled).executeTakeFirstOrThrow();
      const reviews = await db.selectFrom('reviews').selectAll().where('person_id', '=', person.id).execute();
      assert.equal(reviews.length, 1, 'one review, after a commit and a re-run of the same file');
      const [review] = reviews;
      assert.deepEqual([String(review!.held_on), review!.outcome, review!.notes, review!.attendees], ['2024-04-01', null, '', []]);
      const batch = await db.selectFrom('import_jobs').select('id').where('id', '=', review!.imported_batch_id!).executeTakeFirst();
      assert.ok(batch, 'marked with the batch that brought it');
      const events = await db.selectFrom('audit_events').select(['record_id', 'person_id']).where('action', '=', 'import.review.create').execute();
      assert.deepEqual(events.map((e) => [e.record_id, e.person_id]), [[review!.id, person.id]]);
      // The register's own timetable: 12 months after the review held on 1 April 2024.
      const summary = await db.selectFrom('person_summaries').select('next_review_due').where('person_id', '=', person.id).executeTakeFirstOrThrow();
      assert.equal(String(summary.next_review_due), '2025-04-01');
      const report = await f.services.imports.run(f.actors.laApprover, register('dry-run'));
      const differs = report.reconciliation.filter((r) => r.kind === 'review-date-differs');
      assert.deepEqual(differs.map((r) => [r.row, r.rule, r.personId]), [[4, 'REV-1', person.id]]);
      assert.match(differs[0]!.detail, /1 January 2025.*1 April 2025/);
      // The reviews page shows it without an outcome or a letter.
      const page = await f.services.reviews.page(f.actors.laApprover, person.id);
      const shown = page.reviews.history.find((r) => r.id === review!.id)!;
      assert.deepEqual([shown.outcome, shown.letterUrl, shown.importedFromPreviousRegister], [null, null, true]);
    });

    test('REV-1: a last review the rules would refuse (no aftercare running, or before leaving hospital) is a warning and is not imported', async () => {
      const before = await count('audit_events');
      const content = Buffer.from([
        'NHS number,Surname,Forename,Date of birth,Section,Date detained,Discharge date,Responsible LA,ICB,s117,Last review,Next review',
        `${NHS.entitled},Alpha,Ann,01/05/1980,3,10/01/2024,01/03/2024,E09000099,QZZ,Yes,15/02/2024,`,
        `${NHS.section2Only},Bravo,Ben,02/06/1975,2,01/02/2024,20/02/2024,E09000099,QZZ,Y,01/03/2024,01/03/2025`,
      ].join('\n'));
      const reviewsBefore = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM reviews`.execute(f.database.db)).rows[0]!.n);
      const report = await f.services.imports.run(f.actors.laApprover, { kind: 'register', mode: 'commit', fileName: 'reviews.csv', content });
      const warnings = report.findings.filter((x) => x.rule === 'REV-1');
      assert.deepEqual(warnings.map((x) => [x.row, x.column, x.severity]), [[2, 'Last review', 'warning'], [3, 'Last review', 'warning']]);
      assert.match(warnings[0]!.problem, /before the person left hospital on 1 March 2024/);
      assert.match(warnings[1]!.problem, /no aftercare running/);
      assert.equal(Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM reviews`.execute(f.database.db)).rows[0]!.n), reviewsBefore);
      assert.ok((await count('audit_events')) > before);
      assert.equal((await f.database.db.selectFrom('audit_events').select('record_id').where('action', '=', 'import.review.create').execute()).length, 1);
      // No aftercare running: nothing to compare the sheet's next review with.
      assert.deepEqual(report.reconciliation.filter((r) => r.kind === 'review-date-differs'), []);
    });

    test('SCOPE-1: a row’s service is imported as the person’s care service: provider, weekly cost, split and s117, dated from leaving hospital', async () => {
      const [service, ...more] = await servicesOf(NHS.entitled);
      assert.equal(more.length, 0);
      assert.deepEqual(
        [service!.description, service!.provider, service!.weekly_cost_pence, service!.la_percent, service!.icb_percent, service!.s117, service!.person_contribution_pence, String(service!.start_date)],
        ['Supported living', 'Acme Care', 45000, 50, 50, true, 0, '2024-03-01'],
      );
      const episode = await f.database.db.selectFrom('legal_statuses').select('id').where('person_id', '=', service!.person_id).executeTakeFirstOrThrow();
      assert.equal(service!.episode_id, episode.id);
    });

    const laterFile = () => Buffer.from([
      'NHS number,Surname,Forename,Date of birth,Section,Date detained,Discharge date,Responsible LA,ICB,s117,Service,Provider,Weekly cost,LA share,ICB share',
      `${NHS.entitled},Alpha,Ann,01/05/1980,3,10/01/2024,01/03/2024,E09000099,QZZ,Yes,Supported living,Acme Care,480,40,60`,
      `${NHS.section2Only},Bravo,Ben,02/06/1975,2,01/02/2024,20/02/2024,E09000099,QZZ,Y,Home care,Acme Care,100,70,40`,
    ].join('\n'));

    test('RESP-1: a later file updates the same service (person, provider, start date) and refuses a split not adding to 100, importing nothing of that row', async () => {
      const before = await snapshot();
      const report = await f.services.imports.run(f.actors.laApprover, { kind: 'register', mode: 'commit', fileName: 'april.csv', content: laterFile() });
      assert.deepEqual([report.created, report.updated, report.skipped], [0, 1, 0]);
      const refused = report.findings.filter((x) => x.severity === 'error');
      assert.deepEqual(refused.map((x) => [x.row, x.column, x.rule]), [[3, 'ICB share', 'RESP-1']]);
      assert.equal((await snapshot()).services, before.services);
      const [service, ...more] = await servicesOf(NHS.entitled);
      assert.equal(more.length, 0);
      assert.deepEqual([service!.weekly_cost_pence, service!.la_percent, service!.icb_percent], [48000, 40, 60]);
      assert.deepEqual(await servicesOf(NHS.section2Only), []);
      const events = await f.database.db.selectFrom('audit_events').select(['record_id', 'details']).where('action', '=', 'import.service.update').execute();
      assert.deepEqual(events.map((e) => e.record_id), [service!.id]);
      const again = await f.services.imports.run(f.actors.laApprover, { kind: 'register', mode: 'commit', fileName: 'april.csv', content: laterFile() });
      assert.deepEqual([again.created, again.updated, again.skipped], [0, 0, 1]);
    });

    test('REG-1: a batch that fails midway leaves nothing of itself behind', async () => {
      const before = await snapshot();
      const content = windowsCsv();
      await assert.rejects(f.services.imports.run(f.actors.laApprover, { kind: 'register', mode: 'commit', fileName: 'south.csv', content }, (p) => {
        if (p.done === p.total) throw new Error('the disk filled up');
      }), /disk filled up/);
      const after = await snapshot();
      if (f.services.imports.commits === 'per-chunk') {
        // PGlite commits chunk by chunk and undoes the batch (ADR 0011 round 5): the audit trail is
        // append-only, so the chunk's events stay and the undo adds its own; the failed batch is listed.
        assert.ok(after.audit > before.audit);
        assert.equal(after.jobs, before.jobs + 1);
        assert.deepEqual({ ...after, audit: 0, jobs: 0 }, { ...before, audit: 0, jobs: 0 });
      } else assert.deepEqual(after, before);
    });

    test('REG-1: a Windows-1252 CSV with names as "Surname, Forename" and £ amounts; an ambiguous date and a future date are problems', async () => {
      const report = await f.services.imports.run(f.actors.laApprover, { kind: 'register', mode: 'commit', fileName: 'south.csv', content: windowsCsv() });
      assert.equal(report.rowsTotal, 3);
      assert.match(report.findings.find((x) => x.row === 3)!.problem, /two-digit year/);
      assert.match(report.findings.find((x) => x.row === 4)!.problem, /in the future/);
      assert.equal(report.created, 1);
      const person = await f.database.db.selectFrom('people').selectAll().where('nhs_number', '=', NHS.southCsv1).executeTakeFirstOrThrow();
      assert.deepEqual([person.given_name, person.family_name, person.date_of_birth], ['Kim', 'Kilo', '1980-03-01']);
    });

    test('REG-1: a UTF-8 CSV with a BOM, semicolons and local ids only; a re-run updates by local id', async () => {
      const first = await f.services.imports.run(f.actors.laApprover, { kind: 'register', mode: 'commit', fileName: 'c.csv', content: localIdCsv() });
      assert.deepEqual(first.findings.filter((x) => x.severity === 'error'), []);
      assert.equal(first.created, 3);
      const zoe = await f.database.db.selectFrom('people').selectAll().where('local_id', '=', 'NB-1003').executeTakeFirstOrThrow();
      assert.equal(zoe.given_name, 'Zoë');
      const changed = Buffer.from(localIdCsv().toString('utf8').replace('Omar', 'Omari'));
      const second = await f.services.imports.run(f.actors.laApprover, { kind: 'register', mode: 'commit', fileName: 'c.csv', content: changed });
      assert.deepEqual([second.created, second.updated, second.skipped], [0, 1, 2]);
      assert.equal((await f.database.db.selectFrom('people').select('id').where('local_id', '=', 'NB-1002').execute()).length, 1);
    });

    test('ELIG-1: the detentions extract adds stays and legal statuses by MHSDS code, reports an unknown code and a qualifying detention missing from the register', async () => {
      const before = await snapshot();
      const report = await f.services.imports.run(f.actors.laApprover, { kind: 'detentions', mode: 'commit', fileName: 'mhsds.csv', content: detentionsCsv() });
      assert.deepEqual(report.findings.filter((x) => x.severity === 'error').map((x) => [x.row, x.column]), [[4, 'NHSNumber'], [5, 'LegalStatusCode']]);
      assert.match(report.findings.find((x) => x.row === 5)!.problem, /"77"/);
      assert.deepEqual(report.reconciliation.map((r) => [r.row, r.kind]), [[4, 'detained-missing-from-register']]);
      assert.deepEqual([report.created, report.updated, report.skipped], [1, 0, 1]);
      const after = await snapshot();
      assert.equal(after.legal - before.legal, 1);
      assert.equal(after.admissions - before.admissions, 1);
      const s2 = await f.database.db.selectFrom('people').innerJoin('person_summaries', 'person_summaries.person_id', 'people.id').select('status').where('nhs_number', '=', NHS.section2Only).executeTakeFirst();
      assert.equal(s2?.status, 'active'); // now entitled, from the s3 in the extract
      const again = await f.services.imports.run(f.actors.laApprover, { kind: 'detentions', mode: 'commit', fileName: 'mhsds.csv', content: detentionsCsv() });
      assert.deepEqual([again.created, again.updated, again.skipped], [0, 0, 2]);
    });

    test('REG-1: bad files get one clear message each and nothing is written', async () => {
      const before = await snapshot();
      const cases: [string, Buffer, RegExp][] = [
        ['empty.csv', Buffer.alloc(0), /empty/],
        ['report.pdf', notASpreadsheet(), /not a spreadsheet/],
        ['locked.xlsx', passwordProtectedWorkbook(), /password-protected/],
        ['huge.csv', Buffer.alloc(MAX_IMPORT_BYTES + 1, 0x41), /limit is/],
        ['formulas.xlsx', await workbookWith((_, s) => { s.getCell('E2').value = { formula: '1+1', result: 2 }; }), /formulas \(E2\)/],
        ['merged.xlsx', await workbookWith((_, s) => s.mergeCells('B2:B3')), /merged cells \(B2:B3\)/],
        ['hidden.xlsx', await workbookWith((wb) => { wb.addWorksheet('Old', { state: 'hidden' }).addRow(['x']); }), /hidden sheets \("Old"\)/],
        ['noheader.csv', Buffer.from('9990000018,01/05/1980\n9990000026,02/05/1980\n'), /No header row/],
        ['named.xlsx', Buffer.from('NHS number,Surname\n'), /named as a workbook/],
      ];
      for (const [name, content, message] of cases) {
        await assert.rejects(f.services.imports.run(f.actors.laApprover, { kind: 'register', mode: 'commit', fileName: name, content }), (e: unknown) => {
          assert.ok(e instanceof BadRequestError, `${name}: ${String(e)}`);
          assert.match(e.message, message, name);
          return true;
        });
      }
      assert.deepEqual(await snapshot(), before);
    });

    test('REG-1: a mapping that lacks a required field stops the import and says what it needs', async () => {
      const content = Buffer.from('NHS number,Surname,Forename\n9990000018,Alpha,Ann\n');
      await assert.rejects(f.services.imports.run(f.actors.laApprover, { kind: 'register', mode: 'dry-run', fileName: 'x.csv', content }), (e: unknown) => {
        assert.ok(e instanceof MappingNeededError);
        assert.deepEqual(e.errors.map((x) => x.field), ['mapping.dateOfBirth']);
        assert.deepEqual(e.headers, ['NHS number', 'Surname', 'Forename']);
        return true;
      });
    });

    test('REG-1: only admins and the s117 leads of a council or ICB may import', async () => {
      for (const who of ['practitioner', 'laPractitioner', 'finance', 'auditor'] as const) {
        await assert.rejects(f.services.imports.run(f.actors[who], register('dry-run')), ForbiddenError, who);
      }
      const admin = await f.services.imports.run(f.actors.admin, register('dry-run'));
      assert.equal(admin.findings.some((x) => x.row === 9 && x.severity === 'error'), false); // an admin may import for any body
    });

    test('REG-1: a job runs on after the answer, keeps its state in the database, and a dry run can be committed from its kept file', async () => {
      const started = await f.services.imports.start(f.actors.laApprover, { kind: 'register', mode: 'dry-run', fileName: 'c.csv', content: localIdCsv() });
      assert.ok(['running', 'done'].includes(started.status));
      let job = started;
      for (let i = 0; i < 200 && job.status !== 'done' && job.status !== 'failed'; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        job = await f.services.imports.get(f.actors.laApprover, started.id);
      }
      assert.equal(job.status, 'done', job.error ?? '');
      assert.equal(job.canCommit, true);
      assert.equal(job.report?.rowsTotal, 3);
      // The people the dry run checked rows against were read: that read is audited (ids only).
      const read = await f.database.db.selectFrom('audit_events').select('details').where('action', '=', 'import.dry-run.read').where('record_id', '=', started.id).executeTakeFirstOrThrow();
      assert.equal((read.details as { personIds: string[] }).personIds.length, 3);
      await assert.rejects(f.services.imports.get(f.actors.otherLaApprover, started.id), /not found/);
      const commit = await f.services.imports.commitDryRun(f.actors.laApprover, started.id);
      for (let i = 0; i < 200 && (job = await f.services.imports.get(f.actors.laApprover, commit.id)).status === 'running'; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(job.status, 'done', job.error ?? '');
      assert.equal(job.mode, 'commit');
    });
  });
}
