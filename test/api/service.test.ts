// api-contract "Conventions": /healthz, the OpenAPI document and its page, answers that match the
// published schemas, and no input that gives a 500 (property tests with random bodies).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { z } from 'zod';
import { AdmissionSchema, AftercareSchema, LeaveSchema, LegalHistorySchema, LegalStatusSchema, PersonSchema, ProblemSchema, RegisterPageSchema } from '../../src/http/api/schemas.ts';
import { SECTION_CODES } from '../../src/domain/sections.ts';
import { createTestApp, ORGS, type TestApp } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { assertProblem, call, created, createPerson, nextNhsNumber, personBody } from './helpers.ts';

/** Every operation of the contract's sections this API covers, in Fastify's {param} style. */
const CONTRACT_OPERATIONS: Record<string, string[]> = {
  '/api/v1/people': ['get', 'post'],
  '/api/v1/people/{id}': ['get', 'patch'],
  '/api/v1/people/{id}/admissions': ['post'],
  '/api/v1/people/{id}/admissions/{admissionId}': ['patch'],
  '/api/v1/people/{id}/legal-statuses': ['post'],
  '/api/v1/people/{id}/legal-statuses/{statusId}': ['patch'],
  '/api/v1/people/{id}/leave': ['post'],
  '/api/v1/people/{id}/aftercare': ['get'],
  '/api/v1/people/{id}/episodes/{episodeId}/responsibility': ['put'],
};
const CREATES = ['/api/v1/people', '/api/v1/people/{id}/admissions', '/api/v1/people/{id}/legal-statuses', '/api/v1/people/{id}/leave'];

const NO_500 = new Set([201, 400, 409, 422]);
const RUNS = Number(process.env.API_FUZZ_RUNS) || 50; // raise to search harder, e.g. API_FUZZ_RUNS=2000

/** The answer matches its published schema, and has no field the schema does not name. */
function assertSchema(schema: z.ZodObject, value: unknown, what: string): void {
  const result = schema.safeParse(value);
  assert.ok(result.success, `${what}: ${result.error?.message}`);
  const extra = Object.keys(value as object).filter((k) => !(k in schema.shape));
  assert.deepEqual(extra, [], `${what} has fields the OpenAPI document does not describe`);
}

/** Anything at all, as JSON (fc.anything() includes undefined, which JSON cannot carry). */
const anyJson = fc.anything({ withNullPrototype: true, withObjectString: true }).map((v) => JSON.stringify(v) ?? 'null');
const maybe = <T>(valid: fc.Arbitrary<T>) => fc.oneof(valid, fc.anything(), fc.string(), fc.integer(), fc.constant(null));
const isoDate = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const personish = fc.record(
  {
    nhsNumber: maybe(fc.oneof(fc.constant('999 000 0018'), fc.stringMatching(/^\d{3} ?\d{3} ?\d{4}$/))),
    localId: maybe(fc.string({ maxLength: 60 })),
    givenName: maybe(fc.string({ minLength: 1, maxLength: 120, unit: 'binary' })),
    familyName: maybe(fc.string({ minLength: 1, maxLength: 120, unit: 'binary' })),
    dateOfBirth: maybe(isoDate),
    address: maybe(fc.record({ line1: maybe(fc.string()), postcode: maybe(fc.constantFrom('SW1A 1AA', 'sw1a1aa', 'nope', '')) }, { requiredKeys: [] })),
    residence: maybe(fc.record({ localAuthority: maybe(fc.constantFrom(ORGS.la.code, 'E09', 'e09000099')), since: maybe(isoDate) }, { requiredKeys: [] })),
    gp: maybe(fc.record({ practiceCode: maybe(fc.string()), icb: maybe(fc.constantFrom('QZZ', 'Q', 'qzz')), since: maybe(isoDate) }, { requiredKeys: [] })),
    dateOfDeath: maybe(isoDate),
  },
  { requiredKeys: [] },
);
const legalStatusish = fc.record(
  {
    section: maybe(fc.constantFrom(...SECTION_CODES, '99', '3 ', 'toString', '__proto__')),
    startDate: maybe(isoDate),
    endDate: maybe(isoDate),
    admissionId: maybe(fc.uuid()),
  },
  { requiredKeys: [] },
);

for (const { engine, skip } of await testEngines()) {
  describe(`the service on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => {
      await t?.close();
    });

    test('GET /healthz answers 200 {status: "ok"} without a token', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: 'ok' });
    });

    test('GET /api/openapi.json is OpenAPI 3.1 and describes every operation of the contract', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
      assert.equal(res.statusCode, 200);
      const doc = res.json();
      assert.match(doc.openapi, /^3\.1\./);
      assert.equal(typeof doc.info?.title, 'string');
      for (const [path, methods] of Object.entries(CONTRACT_OPERATIONS)) {
        assert.ok(doc.paths[path], `the document lists ${path}; it has ${Object.keys(doc.paths).join(', ')}`);
        for (const method of methods) {
          const operation = doc.paths[path][method];
          assert.ok(operation, `${method.toUpperCase()} ${path} is described`);
          const success = CREATES.includes(path) && method === 'post' ? '201' : '200';
          assert.ok(operation.responses?.[success]?.content?.['application/json']?.schema, `${method.toUpperCase()} ${path} describes its ${success} answer`);
          assert.ok(operation.responses['401']?.content?.['application/problem+json'], `${method.toUpperCase()} ${path} describes 401 as problem+json`);
        }
      }
      // Bodies, parameters and the bearer scheme are described.
      const create = doc.paths['/api/v1/people'].post;
      assert.deepEqual([...create.requestBody.content['application/json'].schema.required].sort(), ['dateOfBirth', 'familyName', 'givenName']);
      assert.ok(create.responses['422'].content['application/problem+json'].schema.properties.errors);
      const sections = doc.paths['/api/v1/people/{id}/legal-statuses'].post.requestBody.content['application/json'].schema.properties.section.enum;
      // zod lists integer-like codes first (object key order), so compare as sets.
      assert.deepEqual([...sections].sort(), [...SECTION_CODES].sort());
      const leaveKinds = doc.paths['/api/v1/people/{id}/leave'].post.requestBody.content['application/json'].schema.properties.kind.enum;
      assert.deepEqual(leaveKinds, ['escorted', 'unescorted', 'trial-placement']);
      const searchParams = doc.paths['/api/v1/people'].get.parameters.map((p: { name: string }) => p.name);
      for (const name of ['q', 'status', 'localAuthority', 'icb', 'reviewOverdue', 'limit', 'cursor']) assert.ok(searchParams.includes(name), `search takes ${name}`);
      const patchParams = doc.paths['/api/v1/people/{id}'].patch.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`.toLowerCase());
      assert.ok(patchParams.includes('header:if-match') && patchParams.includes('path:id'), patchParams.join());
      assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
      const episode = doc.paths['/api/v1/people/{id}/aftercare'].get.responses['200'].content['application/json'].schema.properties.episodes.items;
      for (const field of ['id', 'status', 'qualifyingSection', 'qualifyingFrom', 'leftHospitalOn', 'endedOn', 'endReason', 'localAuthority', 'icb']) {
        assert.ok(episode.properties[field], `the episode schema has ${field}`);
        assert.ok(episode.required.includes(field), `${field} is always present`);
      }
    });

    test('GET /api/docs shows the document to a person', async () => {
      let res = await t.app.inject({ method: 'GET', url: '/api/docs' });
      for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 3; hops++) {
        res = await t.app.inject({ method: 'GET', url: new URL(String(res.headers.location), 'http://localhost/api/docs').pathname });
      }
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.body, /<html/i);
    });

    test('an unknown API path is 404 problem+json', async () => {
      assertProblem(await call(t, 'GET', '/api/v1/nothing-here'), 404);
    });

    test('answers match the schemas the OpenAPI document publishes', async () => {
      const res = await call(t, 'POST', '/api/v1/people', personBody({ nhsNumber: nextNhsNumber(), localId: 'SCHEMA-1', familyName: 'Schemacheck' }));
      assert.equal(res.statusCode, 201);
      const person = res.json();
      assertSchema(PersonSchema, person, 'POST /people');
      const base = `/api/v1/people/${person.id}`;
      assertSchema(PersonSchema, (await call(t, 'GET', base)).json(), 'GET /people/{id}');
      assertSchema(PersonSchema, (await call(t, 'PATCH', base, { address: { line1: '2 Low Road' } })).json(), 'PATCH /people/{id}');
      const stay = await created(t, `${base}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01' });
      assertSchema(AdmissionSchema, stay, 'POST admissions');
      const s3 = await created(t, `${base}/legal-statuses`, { section: '3', startDate: '2024-01-01', admissionId: stay.id });
      assertSchema(LegalStatusSchema, s3, 'POST legal-statuses');
      assertSchema(LeaveSchema, await created(t, `${base}/leave`, { from: '2024-02-01', kind: 'escorted', triggersAftercare: false, reason: 'Escorted walk' }), 'POST leave');
      assertSchema(LegalStatusSchema, (await call(t, 'PATCH', `${base}/legal-statuses/${s3.id}`, { endDate: '2024-03-01' })).json(), 'PATCH legal-statuses');
      assertSchema(AdmissionSchema, (await call(t, 'PATCH', `${base}/admissions/${stay.id}`, { dischargedOn: '2024-03-01' })).json(), 'PATCH admissions');
      assertSchema(LegalHistorySchema, (await call(t, 'GET', `${base}/legal-history`)).json(), 'GET legal-history');
      const aftercare = (await call(t, 'GET', `${base}/aftercare`)).json();
      assertSchema(AftercareSchema, aftercare, 'GET aftercare');
      assert.equal(aftercare.status, 'active');
      const confirmed = await call(t, 'PUT', `${base}/episodes/${s3.id}/responsibility`, { localAuthority: { code: ORGS.la.code, basis: 'Resident' }, icb: { code: ORGS.icb.code, basis: 'GP' } }, 'laApprover');
      assertSchema(AftercareSchema, confirmed.json(), 'PUT responsibility');
      const page = (await call(t, 'GET', '/api/v1/people?q=Schemacheck')).json();
      assertSchema(RegisterPageSchema, page, 'GET /people');
      assert.equal(page.items.length, 1);
      const problem = (await call(t, 'POST', '/api/v1/people', {})).json();
      assertSchema(ProblemSchema, problem, 'a 422');
    });

    test('text with a NUL character, year 0000 and a forged cursor are refused, not 500', async () => {
      assertProblem(await call(t, 'POST', '/api/v1/people', personBody({ givenName: 'Nul\u0000name' })), 422);
      assertProblem(await call(t, 'POST', '/api/v1/people', personBody({ localId: 'A\u0000' })), 422);
      assertProblem(await call(t, 'POST', '/api/v1/people', personBody({ dateOfBirth: '0000-01-01' })), 422);
      assertProblem(await call(t, 'GET', '/api/v1/people?q=a%00b'), 422);
      const forged = (position: unknown[]) => Buffer.from(JSON.stringify(position)).toString('base64url');
      // A register cursor holds only the last person's id (no names in URLs).
      assertProblem(await call(t, 'GET', `/api/v1/people?cursor=${forged(['not-a-uuid'])}`), 422);
      assertProblem(await call(t, 'GET', `/api/v1/people?cursor=${forged(['a\u0000', 'b', '00000000-0000-4000-8000-000000000000'])}`), 422);
      assertProblem(await call(t, 'GET', `/api/v1/people?cursor=${forged(['a', 'b', '00000000-0000-4000-8000-000000000000'])}`), 422);
      assert.equal((await call(t, 'GET', `/api/v1/people?cursor=${forged(['00000000-0000-4000-8000-000000000000'])}`)).statusCode, 200);
      const person = await createPerson(t);
      assertProblem(await call(t, 'POST', `/api/v1/people/${person.id}/admissions`, { hospital: 'H\u0000', admittedOn: '2024-01-01' }), 422);
      assertProblem(await call(t, 'POST', `/api/v1/people/${person.id}/legal-statuses`, { section: 3, startDate: '2024-01-01' }), 400);
      assertProblem(await call(t, 'POST', `/api/v1/people/${person.id}/legal-statuses`, { section: '3', startDate: '0000-02-29' }), 422);
    });

    describe('no input gives a 500', () => {
      test('POST /api/v1/people with any JSON body', async () => {
        await fc.assert(
          fc.asyncProperty(fc.oneof(anyJson, personish.map((b) => JSON.stringify(b))), async (payload) => {
            const res = await t.app.inject({ method: 'POST', url: '/api/v1/people', headers: t.as('practitioner', { 'content-type': 'application/json' }), payload });
            assert.ok(NO_500.has(res.statusCode), `${res.statusCode} for ${payload}: ${res.body}`);
            if (res.statusCode !== 201) assertProblem(res, res.statusCode);
          }),
          { numRuns: RUNS },
        );
      });

      test('POST /legal-statuses with any JSON body', async () => {
        const person = await createPerson(t, { familyName: 'Fuzzed' });
        await fc.assert(
          fc.asyncProperty(fc.oneof(anyJson, legalStatusish.map((b) => JSON.stringify(b))), async (payload) => {
            const res = await t.app.inject({ method: 'POST', url: `/api/v1/people/${person.id}/legal-statuses`, headers: t.as('practitioner', { 'content-type': 'application/json' }), payload });
            assert.ok(NO_500.has(res.statusCode), `${res.statusCode} for ${payload}: ${res.body}`);
            if (res.statusCode !== 201) assertProblem(res, res.statusCode);
          }),
          { numRuns: RUNS },
        );
        assert.equal((await call(t, 'GET', `/api/v1/people/${person.id}/aftercare`)).statusCode, 200, 'whatever was stored, the status can be worked out');
      });

      test('PATCH /api/v1/people/{id} with any JSON body', async () => {
        const person = await createPerson(t, { familyName: 'Patchfuzzed' });
        await fc.assert(
          fc.asyncProperty(fc.oneof(anyJson, personish.map((b) => JSON.stringify(b))), async (payload) => {
            const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/people/${person.id}`, headers: t.as('practitioner', { 'content-type': 'application/json' }), payload });
            assert.ok(new Set([200, 400, 409, 422]).has(res.statusCode), `${res.statusCode} for ${payload}: ${res.body}`);
          }),
          { numRuns: RUNS },
        );
      });

      test('GET /api/v1/people with any query', async () => {
        const query = fc.dictionary(fc.constantFrom('q', 'status', 'localAuthority', 'icb', 'reviewOverdue', 'limit', 'cursor', 'other'), fc.string({ maxLength: 40, unit: 'binary' }));
        await fc.assert(
          fc.asyncProperty(query, async (params) => {
            const res = await t.app.inject({ method: 'GET', url: '/api/v1/people', query: params, headers: t.as('practitioner') });
            assert.ok(new Set([200, 400, 422]).has(res.statusCode), `${res.statusCode} for ${JSON.stringify(params)}: ${res.body}`);
          }),
          { numRuns: RUNS },
        );
      });
    });

    test('the audit trail is whole after everything above', async () => {
      const result = await t.services.audit.verify();
      assert.equal(result.ok, true, result.problems.join('; '));
    });
  });
}
