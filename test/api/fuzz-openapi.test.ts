// Issue 15: a fuzz test generated from the OpenAPI document. Every operation is called with bodies,
// query strings and path parameters generated from its own schemas, bent at the edges (numbers beyond
// any column, unpaired surrogates and NUL in text, wrong types, impossible dates, dropped and extra
// fields, forged cursors), as an admin who may see everyone. No answer may be a 5xx. 10,000 requests
// in CI, 3,000 elsewhere (S117_FUZZ_REQUESTS for more); the seed is in the failure so it can be replayed
// with S117_FUZZ_SEED.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { encodeCursor } from '../../src/services/kernel/paging.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { created, createPerson, nextNhsNumber } from './helpers.ts';

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; required?: string[]; items?: Schema; enum?: unknown[]; anyOf?: Schema[]; oneOf?: Schema[]; format?: string; pattern?: string; maxLength?: number };
interface Operation { method: 'GET' | 'POST' | 'PATCH' | 'PUT'; path: string; body?: Schema; query: { name: string; schema: Schema }[] }

const REQUESTS = Number(process.env.S117_FUZZ_REQUESTS ?? (process.env.CI === 'true' ? 10_000 : 3_000));
const SEED = Number(process.env.S117_FUZZ_SEED ?? Date.now() % 2_147_483_647);

const nastyText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('\ud800', 'a\udc00b', 'x\u0000y', '', ' ', '2024-99-99', '2024-02-30', '9'.repeat(40), '<script>alert(1)</script>', 'Zoë Łukasiewicz-Nguyễn', "'; DROP TABLE people; --", 'E09000099', 'QZZ', 'RZZ'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const nastyNumber = fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constantFrom(1e19, -1e19, 1e308, 2 ** 31, 2 ** 53, -0, 0.5, 1.5, 123456789012), fc.double({ noNaN: true, noDefaultInfinity: true }));
const junk = fc.oneof(nastyText, nastyNumber, fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));

/** A value for a schema: mostly of the right shape, with edges; sometimes anything at all. */
function valueFor(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return junk;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => valueFor(s, depth + 1)));
  if (schema.enum) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: junk });
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const shaped = ((): fc.Arbitrary<unknown> => {
    switch (type) {
      case 'object': {
        const props = Object.entries(schema.properties ?? {});
        return fc.record(Object.fromEntries(props.map(([k, s]) => [k, valueFor(s, depth + 1)])), { requiredKeys: [] }).chain((o) => fc.constantFrom(o, { ...o, unexpected: 'field' }));
      }
      case 'array':
        return fc.array(valueFor(schema.items, depth + 1), { maxLength: 3 });
      case 'string':
        if (schema.format === 'uuid') return fc.oneof(fc.uuid(), nastyText);
        if (schema.format === 'date' || /\\d\{4\}/.test(schema.pattern ?? '')) return fc.oneof(fc.date({ min: new Date('1900-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), nastyText);
        return nastyText;
      case 'number':
      case 'integer':
        return nastyNumber;
      case 'boolean':
        return fc.oneof(fc.boolean(), junk);
      case 'null':
        return fc.constant(null);
      default:
        return junk;
    }
  })();
  return fc.oneof({ weight: 5, arbitrary: shaped }, { weight: 1, arbitrary: junk });
}

for (const engine of ['pglite'] as const) {
  describe(`fuzzing every operation of the OpenAPI document on ${engine}`, () => {
    let t: TestApp;
    let operations: Operation[];
    const ids: Record<string, string[]> = { id: [] };
    before(async () => {
      t = await createTestApp(engine);
      const person = await createPerson(t, { nhsNumber: nextNhsNumber() });
      const admission = await created(t, `/api/v1/people/${person.id}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01', dischargedOn: '2024-03-01' });
      const status = await created(t, `/api/v1/people/${person.id}/legal-statuses`, { section: '3', startDate: '2024-01-01', endDate: '2024-03-01', admissionId: admission.id });
      ids.id = [person.id];
      ids.admissionId = [admission.id];
      ids.statusId = [status.id];
      ids.episodeId = [status.id];
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema: Schema }> }; parameters?: { in: string; name: string; schema: Schema }[] }>> };
      operations = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/api/v1/'))
        .flatMap(([path, ops]) =>
          Object.entries(ops).map(([method, op]) => ({
            method: method.toUpperCase() as Operation['method'],
            path,
            body: op.requestBody?.content?.['application/json']?.schema,
            query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
          })),
        );
    });
    after(async () => t?.close());

    test(`${REQUESTS} generated requests: no 5xx`, { timeout: 300_000 }, async () => {
      const param = (name: string) => fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...(ids[name] ?? [randomUUID()])) }, { weight: 1, arbitrary: fc.oneof(fc.uuid(), fc.constantFrom('1', 'not-an-id', '%F0%9F', '..')) });
      const request = fc.constantFrom(...operations).chain((op) =>
        fc.record({
          op: fc.constant(op),
          params: fc.record(Object.fromEntries([...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, param(name!)]))),
          body: valueFor(op.body),
          query: fc.record(Object.fromEntries(op.query.map((q) => [q.name, q.name === 'cursor' ? fc.oneof(nastyText, fc.constant(encodeCursor(['2024-99-99', randomUUID()])), fc.constant(encodeCursor(['\ud800', randomUUID()]))) : valueFor(q.schema)])), { requiredKeys: [] }),
          ifMatch: fc.option(fc.oneof(fc.constantFrom('1', '2', '99999999999', 'W/"1"', 'abc', '-1')), { nil: undefined }),
        }),
      );
      const samples = fc.sample(request, { numRuns: REQUESTS, seed: SEED });
      const failures: string[] = [];
      for (const { op, params, body, query, ifMatch } of samples) {
        const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params[name])));
        const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
        const res = await t.app.inject({
          method: op.method,
          url: search ? `${url}?${search}` : url,
          headers: t.as('admin', ifMatch ? { 'if-match': ifMatch } : {}),
          ...(op.method !== 'GET' && body !== undefined && { payload: JSON.stringify(body), headers: t.as('admin', { 'content-type': 'application/json', ...(ifMatch && { 'if-match': ifMatch }) }) }),
        });
        if (res.statusCode >= 500) failures.push(`${op.method} ${op.path} ${res.statusCode} ${JSON.stringify(body).slice(0, 200)} ${search.slice(0, 100)} -> ${res.body.slice(0, 200)}`);
      }
      assert.deepEqual(failures.slice(0, 20), [], `seed ${SEED}: ${failures.length} answers were 5xx`);
    });
  });
}
