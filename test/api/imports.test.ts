// api-contract "Moving in (import)": POST /api/v1/imports (multipart file, mode) → {id, status,
// progress, report}, GET /api/v1/imports/{id}, the batches, the report downloads and who may.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { ImportJobSchema } from '../../src/http/api/imports.ts';
import { MAX_IMPORT_BYTES } from '../../src/services/imports/imports-file.ts';
import { createTestApp, type TestApp, type UserKey } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { IMPORT_TODAY, localIdCsv, northbridgeWorkbook } from '../support/import-fixtures.ts';
import type { z } from 'zod';
import { assertProblem } from './helpers.ts';

/** A multipart body as a browser or curl sends it. */
async function multipart(fields: Record<string, string>, file?: { name: string; content: Buffer }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([new Uint8Array(file.content)]), file.name);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}

for (const { engine, skip } of await testEngines()) {
  describe(`imports API on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine, { clock: () => IMPORT_TODAY });
    });
    after(async () => {
      await t?.close();
    });

    const post = async (fields: Record<string, string>, file?: { name: string; content: Buffer }, as: UserKey = 'laApprover') => {
      const body = await multipart(fields, file);
      return t.app.inject({ method: 'POST', url: '/api/v1/imports', headers: t.as(as, { 'content-type': body.contentType }), payload: body.payload });
    };
    const finished = async (id: string, as: UserKey = 'laApprover') => {
      for (let i = 0; i < 400; i += 1) {
        const res = await t.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: t.as(as) });
        assert.equal(res.statusCode, 200, res.body);
        const job = res.json() as z.infer<typeof ImportJobSchema>;
        if (job.status === 'done' || job.status === 'failed') return job;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('the import did not finish');
    };

    test('REG-1: a dry run answers 202 {id, status, progress, report}; polling gives the report; nothing is imported', async () => {
      const res = await post({ mode: 'dry-run' }, { name: 'northbridge.xlsx', content: await northbridgeWorkbook() });
      assert.equal(res.statusCode, 202, res.body);
      const started = ImportJobSchema.parse(res.json());
      assert.ok(['running', 'done'].includes(started.status));
      assert.deepEqual(Object.keys(res.json()).filter((k) => ['id', 'status', 'progress', 'report'].includes(k)).sort(), ['id', 'progress', 'report', 'status']);
      const job = await finished(started.id);
      assert.equal(job.status, 'done', job.error ?? '');
      assert.deepEqual([job.report?.rowsTotal, job.report?.rowsValid, job.report?.rowsWithProblems], [10, 4, 6]);
      assert.equal(job.progress.done, 10);
      const people = await t.app.inject({ method: 'GET', url: '/api/v1/people', headers: t.as('admin') });
      assert.equal((people.json() as { items: unknown[] }).items.length, 0);
    });

    test('REG-1: the report downloads as CSV and XLSX, where a value beginning = + - @ stays text', async () => {
      const evil = Buffer.from('NHS number,Surname,Forename,Date of birth,Responsible LA\n=HYPERLINK("http://x"),Alpha,Ann,01/05/1980,E09000099\n');
      const job = await finished((await post({ mode: 'dry-run' }, { name: 'evil.csv', content: evil })).json().id);
      const csv = await t.app.inject({ method: 'GET', url: `/api/v1/imports/${job.id}/report.csv`, headers: t.as('laApprover') });
      assert.equal(csv.statusCode, 200);
      const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
      assert.equal(rows[0]!['value'], `'=HYPERLINK("http://x")`);
      const xlsx = await t.app.inject({ method: 'GET', url: `/api/v1/imports/${job.id}/report.xlsx`, headers: t.as('laApprover') });
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const cell = workbook.worksheets[0]!.getCell('C2');
      assert.equal(cell.type, ExcelJS.ValueType.String);
      assert.equal(cell.value, '=HYPERLINK("http://x")');
    });

    test('REG-1: a commit, then the batch in the list; a dry run can be committed from its kept file', async () => {
      const dry = await finished((await post({ mode: 'dry-run', kind: 'register' }, { name: 'c.csv', content: localIdCsv() })).json().id);
      assert.equal(dry.canCommit, true);
      const commit = await t.app.inject({ method: 'POST', url: `/api/v1/imports/${dry.id}/commit`, headers: t.as('laApprover') });
      assert.equal(commit.statusCode, 202, commit.body);
      const done = await finished(commit.json().id);
      assert.deepEqual([done.mode, done.status, done.report?.created], ['commit', 'done', 3]);
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/imports?mode=commit', headers: t.as('laApprover') });
      assert.equal((list.json() as { items: { id: string }[] }).items[0]?.id, done.id);
      const again = await finished((await post({ mode: 'commit' }, { name: 'c.csv', content: localIdCsv() })).json().id);
      assert.deepEqual([again.report?.created, again.report?.skipped], [0, 3]);
    });

    test('REG-1: bad requests are 400, 403, 404, 413 and 422, never 500', async () => {
      assertProblem(await post({ mode: 'dry-run' }, { name: 'empty.csv', content: Buffer.alloc(0) }), 400);
      assertProblem(await post({ mode: 'sometime' }, { name: 'c.csv', content: localIdCsv() }), 422);
      assertProblem(await post({ mode: 'dry-run' }), 422);
      assertProblem(await post({ mode: 'dry-run', mapping: '[1]' }, { name: 'c.csv', content: localIdCsv() }), 422);
      const needs = assertProblem(await post({ mode: 'dry-run' }, { name: 'x.csv', content: Buffer.from('NHS number,Surname,Forename\n9990000018,A,B\n') }), 422);
      assert.deepEqual(needs.errors?.map((e) => e.field), ['mapping.dateOfBirth']);
      assertProblem(await post({ mode: 'dry-run' }, { name: 'c.csv', content: localIdCsv() }, 'practitioner'), 403);
      assertProblem(await post({ mode: 'dry-run' }, { name: 'huge.csv', content: Buffer.alloc(MAX_IMPORT_BYTES + 1, 0x41) }), 413);
      const mine = (await post({ mode: 'dry-run' }, { name: 'c.csv', content: localIdCsv() })).json().id as string;
      assertProblem(await t.app.inject({ method: 'GET', url: `/api/v1/imports/${mine}`, headers: t.as('otherLaApprover') }), 404);
      assertProblem(await t.app.inject({ method: 'GET', url: '/api/v1/imports/not-an-id', headers: t.as('laApprover') }), 404);
      await finished(mine);
    });

    test('REG-1: cancelling is for a commit being made: a finished job is 422, someone else’s 404, a provider’s staff 403', async () => {
      const job = await finished((await post({ mode: 'dry-run' }, { name: 'c.csv', content: localIdCsv() })).json().id);
      const cancel = (as: UserKey) => t.app.inject({ method: 'POST', url: `/api/v1/imports/${job.id}/cancel`, headers: t.as(as) });
      assertProblem(await cancel('laApprover'), 422);
      assertProblem(await cancel('otherLaApprover'), 404);
      assertProblem(await cancel('practitioner'), 403);
    });
  });
}
