// JSON answers are sent through the response schemas the OpenAPI document publishes (src/http/api/index.ts):
// what is sent is what the document describes.
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/app.ts';
import { assertProblem, call, createPerson, nextNhsNumber } from './helpers.ts';

describe('answers through their response schemas', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp('pglite');
  });
  after(async () => t?.close());

  /** GET /people/{id} with the service's answer changed by `change`; returns the answer as built and as sent. */
  async function personAnswer(change: (person: Record<string, unknown>) => Record<string, unknown>) {
    const person = await createPerson(t, { nhsNumber: nextNhsNumber() });
    const people = t.services.people;
    const get = people.get.bind(people);
    let built: Record<string, unknown> | undefined;
    const stub = mock.method(people, 'get', async (...args: Parameters<typeof get>) => {
      built = change((await get(...args)) as unknown as Record<string, unknown>);
      return built;
    });
    try {
      const res = await call(t, 'GET', `/api/v1/people/${person.id}`);
      return { res, built: built! };
    } finally {
      stub.mock.restore();
    }
  }

  test('a field the schema does not declare is left out; the rest is sent as built', async () => {
    const { res, built } = await personAnswer((person) => ({ ...person, undeclared: 'not in the OpenAPI document' }));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().undeclared, undefined);
    const { undeclared: _, ...declared } = built;
    assert.deepEqual(res.json(), JSON.parse(JSON.stringify(declared)));
  });

  test('an answer that does not match its schema is a 500 problem, never sent', async () => {
    const { res } = await personAnswer((person) => ({ ...person, version: 'one' }));
    const problem = assertProblem(res, 500);
    assert.doesNotMatch(res.body, /"version"/);
    assert.equal(problem.type, '/problems/server-error');
    assert.match(problem.detail, /carried out, but its answer could not be sent/);
  });
});
