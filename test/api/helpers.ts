// Shared steps of the API tests: making people and their legal history through the API, and
// checking problem+json answers (api-contract: "Conventions").
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { addDays, todayInLondon } from '../../src/domain/dates.ts';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { ORGS, type TestApp, type UserKey } from '../support/app.ts';

export const today = () => todayInLondon();
export const tomorrow = () => addDays(today(), 1);

let nhsSeed = 1000;
/** A fresh valid NHS number from the test range (999 000 0000 to 999 999 9999). */
export function nextNhsNumber(): string {
  return testNhsNumber(nhsSeed++);
}

/** A person the trust's practitioner registers: living in the council's area, with a GP in its ICB. */
export function personBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    givenName: 'Alex',
    familyName: 'Testperson',
    dateOfBirth: '1980-05-17',
    residence: { localAuthority: ORGS.la.code, since: '2010-01-01' },
    gp: { practiceCode: 'F84003', icb: ORGS.icb.code, since: '2010-01-01' },
    ...overrides,
  };
}

export async function call(t: TestApp, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown, as: UserKey = 'practitioner', headers: Record<string, string> = {}) {
  return t.app.inject({ method, url, headers: t.as(as, headers), ...(payload !== undefined && { payload: payload as object }) });
}

/** POSTs a person and returns the created record; fails the test unless the answer is 201. */
export async function createPerson(t: TestApp, overrides: Record<string, unknown> = {}, as: UserKey = 'practitioner') {
  const res = await call(t, 'POST', '/api/v1/people', personBody(overrides), as);
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; version: number; nhsNumber: string | null; [key: string]: unknown };
}

/** POSTs to a person's sub-resource and returns the body; fails unless 201. */
export async function created(t: TestApp, url: string, payload: unknown, as: UserKey = 'practitioner') {
  const res = await call(t, 'POST', url, payload, as);
  assert.equal(res.statusCode, 201, `${url}: ${res.body}`);
  return res.json() as { id: string; version: number; [key: string]: unknown };
}

export interface ProblemBody { type: string; title: string; status: number; detail: string; errors?: { field: string; message: string; rule?: string }[] }

/** Asserts an RFC 9457 problem+json answer with the given status, and returns its body. */
export function assertProblem(res: LightMyRequestResponse, status: number): ProblemBody {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json() as ProblemBody;
  assert.equal(typeof body.type, 'string');
  assert.equal(typeof body.title, 'string');
  assert.equal(body.status, status);
  assert.equal(typeof body.detail, 'string');
  assert.ok(body.title.length > 0 && body.detail.length > 0);
  return body;
}

/** A 422 naming the field (and the rule, when given). */
export function assertInvalid(res: LightMyRequestResponse, field: string, rule?: string): ProblemBody {
  const body = assertProblem(res, 422);
  assert.ok(Array.isArray(body.errors), 'a 422 lists the errors');
  const match = body.errors.find((e) => e.field === field);
  assert.ok(match, `expected an error for field '${field}', got ${JSON.stringify(body.errors)}`);
  assert.equal(typeof match.message, 'string');
  if (rule) assert.equal(match.rule, rule);
  return body;
}
