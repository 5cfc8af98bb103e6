// Issue 15, probe 12: the admins' users page. Revoking a token, disabling and enabling a user from
// the page: admins only, CSRF on every form, each change audited with the admin who made it, and the
// change takes effect at once (the token and the disabled user's sign-in stop working).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findUserByEmail } from '../../src/data/accounts-repository.ts';
import { SESSION_COOKIE } from '../../src/http/auth/index.ts';
import { actorFromUser, type Actor } from '../../src/services/kernel/actor.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../src/services/kernel/errors.ts';
import { createTestApp, PASSWORD, USERS, type TestApp, type UserKey } from '../support/app.ts';

describe('the users page: revoke a token, disable and enable a user', () => {
  let t: TestApp;
  const actors = {} as Record<UserKey, Actor>;
  const sessions: Partial<Record<UserKey, string>> = {};
  const page = async (url: string, as: UserKey, method: 'GET' | 'POST' = 'GET') => {
    sessions[as] ??= (await t.services.accounts.signIn(USERS[as].email, PASSWORD, null)).sessionToken;
    return t.app.inject({ method, url, cookies: { [SESSION_COOKIE]: sessions[as]! }, ...(method === 'POST' && { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' }) });
  };
  const userId = async (key: UserKey) => (await findUserByEmail(t.database.db, USERS[key].email))!.id;
  const apiStatus = async (key: UserKey) => (await t.app.inject({ method: 'GET', url: '/api/v1/people', headers: t.as(key) })).statusCode;

  before(async () => {
    t = await createTestApp('pglite');
    for (const key of ['admin', 'practitioner', 'finance', 'auditor'] as const) actors[key] = actorFromUser((await findUserByEmail(t.database.db, USERS[key].email))!, `test-${key}`);
  });
  after(async () => t?.close());

  test('only admins open the page; it lists users and tokens, never a token itself', async () => {
    assert.equal((await page('/users', 'practitioner')).statusCode, 403);
    assert.equal((await page('/users', 'auditor')).statusCode, 403);
    const res = await page('/users', 'admin');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(USERS.finance.email.replace('.', '\\.')));
    assert.doesNotMatch(res.body, new RegExp(t.tokens.finance));
    assert.match(res.body, /action="\/users\/tokens\/[0-9a-f-]{36}\/revoke"/);
    assert.match(res.body, /name="_csrf"/);
  });

  test('a form sent without its CSRF token changes nothing', async () => {
    const res = await page(`/users/${await userId('finance')}/disable`, 'admin', 'POST');
    assert.equal(res.statusCode, 403);
    assert.equal((await findUserByEmail(t.database.db, USERS.finance.email))!.disabled_at, null);
  });

  test('revoking a token stops it at once, audited with the admin', async () => {
    assert.equal(await apiStatus('auditor'), 200);
    const { users } = await t.services.userAdmin.usersPage(actors.admin);
    const token = users.find((u) => u.email === USERS.auditor.email)!.tokens.find((x) => x.live)!;
    await t.services.userAdmin.revokeToken(actors.admin, token.id);
    assert.equal(await apiStatus('auditor'), 401);
    await assert.rejects(t.services.userAdmin.revokeToken(actors.admin, token.id), ConflictError);
    await assert.rejects(t.services.userAdmin.revokeToken(actors.admin, '00000000-0000-4000-8000-000000000000'), NotFoundError);
    await assert.rejects(t.services.userAdmin.revokeToken(actors.practitioner, token.id), ForbiddenError);
    const event = await t.database.db.selectFrom('audit_events').selectAll().where('action', '=', 'token.revoke').where('record_id', '=', token.id).executeTakeFirstOrThrow();
    assert.equal(event.user_id, actors.admin.userId);
  });

  test('disabling a user ends their sign-in and tokens; enabling lets them sign in again', async () => {
    const finance = await userId('finance');
    assert.equal(await apiStatus('finance'), 200);
    await assert.rejects(t.services.userAdmin.disableUser(actors.practitioner, finance), ForbiddenError);
    await assert.rejects(t.services.userAdmin.disableUser(actors.admin, actors.admin.userId), ValidationError);
    assert.deepEqual(await t.services.userAdmin.disableUser(actors.admin, finance), { id: finance, tokensRevoked: 1 });
    assert.equal(await apiStatus('finance'), 401);
    await assert.rejects(t.services.accounts.signIn(USERS.finance.email, PASSWORD, null));
    await assert.rejects(t.services.userAdmin.disableUser(actors.admin, finance), ConflictError);
    await t.services.userAdmin.enableUser(actors.admin, finance);
    assert.ok((await t.services.accounts.signIn(USERS.finance.email, PASSWORD, null)).sessionToken);
    assert.equal(await apiStatus('finance'), 401, 'revoked tokens stay revoked');
    await assert.rejects(t.services.userAdmin.enableUser(actors.admin, finance), ConflictError);
    const actions = (await t.database.db.selectFrom('audit_events').select(['action', 'user_id']).where('record_id', '=', finance).where('action', 'in', ['user.disable', 'user.enable']).execute()).map((e) => [e.action, e.user_id]);
    assert.deepEqual(actions.sort(), [['user.disable', actors.admin.userId], ['user.enable', actors.admin.userId]]);
  });
});
