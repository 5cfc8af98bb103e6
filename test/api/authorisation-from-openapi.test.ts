// Issue 15 ("404 before 403", probe 9): an authorisation test generated from the OpenAPI document. Every
// operation on a person's record is called as every role of an unrelated council and ICB, and must
// answer exactly what it answers for a person who does not exist: a 404, checked before the role, the
// body or anything else. Called as the users of the person's own organisations it never answers
// "person not found".
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ROLES } from '../../src/domain/access.ts';
import { createTestApp, ORGS, type TestApp, type UserKey } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { call, created, createPerson, nextNhsNumber } from './helpers.ts';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT';
interface Operation { method: Method; path: string }

const OWN: UserKey[] = ['admin', 'practitioner', 'laPractitioner', 'laApprover', 'icbApprover', 'finance', 'auditor'];

/** Every operation on one person's record in the OpenAPI document. */
async function personOperations(t: TestApp): Promise<Operation[]> {
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/v1/people/{id}'))
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase() as Method, path })));
}

/** The path with the person's id and a fresh UUID (or version number) for every other parameter. */
function urlFor(op: Operation, personId: string): string {
  return op.path.replace('{id}', personId).replace(/\{number\}/g, '1').replace(/\{[A-Za-z]+\}/g, () => randomUUID());
}

for (const { engine, skip } of await testEngines()) {
  describe(`authorisation of every person operation in the OpenAPI document, on ${engine}`, { skip }, () => {
    let t: TestApp;
    let personId: string;
    let operations: Operation[];
    const strangers: Record<string, string> = {};
    before(async () => {
      t = await createTestApp(engine);
      const person = await createPerson(t, { nhsNumber: nextNhsNumber() });
      personId = person.id;
      const admissionId = (await created(t, `/api/v1/people/${personId}/admissions`, { hospital: 'Northbridge Hospital', admittedOn: '2024-01-01' })).id;
      await created(t, `/api/v1/people/${personId}/legal-statuses`, { section: '3', startDate: '2024-01-01', admissionId });
      operations = await personOperations(t);
      // Every role of an unrelated council and an unrelated ICB (admins see everyone, so none here).
      for (const org of [ORGS.otherLa, ORGS.otherIcb]) {
        for (const role of ROLES.filter((r) => r !== 'admin')) {
          const email = `${role}-${org.code}@stranger.s117.test`.toLowerCase();
          await t.services.accounts.addUser({ email, name: `Stranger ${role}`, role, organisationCode: org.code, password: 'a-stranger-password-117' });
          strangers[`${role} of ${org.name}`] = await t.services.accounts.createToken(email);
        }
      }
    });
    after(async () => t?.close());

    test('the document lists the person operations', () => {
      assert.ok(operations.length >= 60, `only ${operations.length} operations`);
    });

    test('every role of an unrelated organisation gets the answer of a person who does not exist, for every method', async () => {
      const failures: string[] = [];
      for (const op of operations) {
        for (const [who, token] of Object.entries(strangers)) {
          const send = (id: string) => t.app.inject({ method: op.method, url: urlFor(op, id), headers: { authorization: `Bearer ${token}`, 'if-match': '1' }, ...(op.method !== 'GET' && { payload: {} }) });
          const [theirs, nobodys] = await Promise.all([send(personId), send(randomUUID())]);
          if (theirs.statusCode !== 404 || theirs.body !== nobodys.body) failures.push(`${op.method} ${op.path} as ${who}: ${theirs.statusCode} ${theirs.body.slice(0, 120)}`);
        }
      }
      assert.deepEqual(failures, []);
    });

    test('the users of the person’s own organisations are never told the person is not there', async () => {
      const failures: string[] = [];
      for (const op of operations) {
        for (const user of OWN) {
          const res = await call(t, op.method, urlFor(op, personId), op.method === 'GET' ? undefined : {}, user, { 'if-match': '999' });
          if (res.statusCode >= 500 || (res.statusCode === 404 && /person was not found/.test(res.body))) failures.push(`${op.method} ${op.path} as ${user}: ${res.statusCode} ${res.body.slice(0, 120)}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  });
}
