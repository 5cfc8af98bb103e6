// Shared steps of the API tests: making people and their legal history through the API, checking
// problem+json answers (api-contract: "Conventions"), and a signed-in browser for the pages.
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { addDays, todayInLondon } from '../../src/domain/dates.ts';
import { testNhsNumber } from '../../src/domain/nhs-number.ts';
import { ORGS, PASSWORD, USERS, type TestApp, type UserKey } from '../support/app.ts';

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

/**
 * Counts the route guard's visibility queries (services.people.canSee) until restored: a route
 * marked personVisibilityInUseCase asks none, or one on a refusal's way out (person-scope.ts).
 */
export function countGuardQueries(t: TestApp): { readonly asked: number; reset(): void; restore(): void } {
  const people = t.services.people;
  const canSee = people.canSee;
  let asked = 0;
  people.canSee = (...args) => {
    asked += 1;
    return canSee.apply(people, args);
  };
  return {
    get asked() {
      return asked;
    },
    reset: () => {
      asked = 0;
    },
    restore: () => {
      people.canSee = canSee;
    },
  };
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

/** A browser without JavaScript, signed in to the pages: it keeps its cookies and posts forms with their CSRF token. */
export interface PageBrowser {
  get(url: string): Promise<LightMyRequestResponse>;
  /**
   * Posts a form with the CSRF token of the page whose HTML is `csrfFrom` (none when null). The fields
   * go as fastify's inject sends an object, unless `urlencoded` asks for a browser's encoding.
   */
  post(url: string, csrfFrom: string | null, fields: Record<string, string>, options?: { urlencoded?: boolean }): Promise<LightMyRequestResponse>;
  /** A multipart form (a file upload) as a browser sends it. */
  postFile(url: string, csrfFrom: string | null, fields: Record<string, string>, file?: { name: string; content: string }): Promise<LightMyRequestResponse>;
  /** Follows a redirect answer to its page, as a browser does (the fragment stays in the browser). */
  follow(redirect: LightMyRequestResponse): Promise<LightMyRequestResponse>;
}

const csrfTokenIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Signs the user in through the sign-in form and returns their browser; fails the test unless signed in. */
export async function signedInBrowser(app: FastifyInstance, user: UserKey): Promise<PageBrowser> {
  const jar = new Map<string, string>();
  const keep = (res: LightMyRequestResponse): LightMyRequestResponse => {
    for (const c of res.cookies) {
      if (c.value === '') jar.delete(c.name);
      else jar.set(c.name, c.value);
    }
    return res;
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const get = async (url: string) => keep(await app.inject({ method: 'GET', url, headers: { cookie: cookie() } }));
  const post: PageBrowser['post'] = async (url, csrfFrom, fields, options = {}) => {
    const all = { ...fields, ...(csrfFrom !== null && { _csrf: csrfTokenIn(csrfFrom) }) };
    const body = options.urlencoded
      ? { headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(all).toString() }
      : { headers: { cookie: cookie() }, payload: all };
    return keep(await app.inject({ method: 'POST', url, ...body }));
  };
  const postFile: PageBrowser['postFile'] = async (url, csrfFrom, fields, file) => {
    const formData = new FormData();
    if (csrfFrom !== null) formData.append('_csrf', csrfTokenIn(csrfFrom));
    for (const [k, v] of Object.entries(fields)) formData.append(k, v);
    if (file) formData.append('file', new Blob([file.content], { type: 'text/csv' }), file.name);
    const request = new Request('http://localhost/', { method: 'POST', body: formData });
    const payload = Buffer.from(await request.arrayBuffer());
    return keep(await app.inject({ method: 'POST', url, headers: { cookie: cookie(), 'content-type': request.headers.get('content-type')! }, payload }));
  };
  const follow = async (redirect: LightMyRequestResponse) => {
    assert.ok(redirect.statusCode >= 300 && redirect.statusCode < 400 && redirect.headers.location, `a redirect: ${redirect.statusCode} ${redirect.body}`);
    return get(String(redirect.headers.location).split('#')[0]!);
  };
  const form = await get('/sign-in');
  const signedIn = await post('/sign-in', form.body, { email: USERS[user].email, password: PASSWORD });
  assert.equal(signedIn.statusCode, 302, signedIn.body);
  return { get, post, postFile, follow };
}
