// api-contract "Moving in (import)", round 3: a register's ordinary residence and GP columns through
// POST /api/v1/imports: the dry run's report says what is not imported and why (RESP-2), the commit
// records the histories, and the person's GP registration and residence are then on their record.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ImportJobSchema } from '../../src/http/api/imports.ts';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { IMPORT_TODAY } from '../support/import-fixtures.ts';
import type { z } from 'zod';

const NHS = testNhsNumber(7401);
const CSV = Buffer.from([
  'NHS number,Surname,Forename,DOB,Section,Date detained,Discharge date,Responsible LA,ICB,Ordinary residence,Resident since,GP practice,GP ICB,GP since',
  `${NHS},Dale,Di,01/02/1970,3,01/03/2024,20/04/2024,E09000099,QZZ,E09000099,01/01/2010,F84003,QZZ,01/01/2012`,
  `${testNhsNumber(7402)},Eve,Ed,01/02/1971,3,01/03/2024,20/04/2024,E09000099,QZZ,E09000099,,,,`,
].join('\n'));

async function multipart(fields: Record<string, string>, file: { name: string; content: Buffer }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(file.content)]), file.name);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}

for (const { engine, skip } of await testEngines()) {
  describe(`imports API: residence and GP on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine, { clock: () => IMPORT_TODAY });
    });
    after(async () => {
      await t?.close();
    });

    const run = async (mode: 'dry-run' | 'commit') => {
      const body = await multipart({ mode }, { name: 'residence.csv', content: CSV });
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/imports', headers: t.as('laApprover', { 'content-type': body.contentType }), payload: body.payload });
      assert.equal(res.statusCode, 202, res.body);
      const id = ImportJobSchema.parse(res.json()).id;
      for (let i = 0; i < 400; i += 1) {
        const job = (await t.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: t.as('laApprover') })).json() as z.infer<typeof ImportJobSchema>;
        if (job.status === 'done' || job.status === 'failed') return job;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error('the import did not finish');
    };

    test('RESP-2, RESP-5: the dry run reports a residence without its date; the commit records residence and GP on the person', async () => {
      const dry = await run('dry-run');
      assert.equal(dry.status, 'done', dry.error ?? '');
      const warning = dry.report?.findings.find((f) => f.row === 3);
      assert.deepEqual([warning?.column, warning?.severity, warning?.rule], ['Ordinary residence', 'warning', 'RESP-2']);
      const committed = await run('commit');
      assert.equal(committed.report?.created, 2);
      const people = (await t.app.inject({ method: 'GET', url: `/api/v1/people?q=${NHS}`, headers: t.as('laApprover') })).json() as { items: { id: string }[] };
      assert.equal(people.items.length, 1);
      const person = await t.app.inject({ method: 'GET', url: `/api/v1/people/${people.items[0]!.id}`, headers: t.as('laApprover') });
      assert.equal(person.statusCode, 200, person.body);
      const text = person.body;
      assert.match(text, /F84003/);
      assert.match(text, /2010-01-01/);
    });
  });
}
