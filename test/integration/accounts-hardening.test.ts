// Issue 15, probe 12: API tokens expire and can be revoked, users can be disabled, and blank or
// commonly used passwords are refused. On PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { passwordProblems } from '../../src/services/accounts/password-policy.ts';
import { ConflictError, UnauthenticatedError, ValidationError } from '../../src/services/kernel/errors.ts';
import { createServices } from '../../src/services/index.ts';
import { BadRequestError } from '../../src/services/kernel/validation.ts';
import { PASSWORD, USERS } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, type ServiceFixture } from '../support/services.ts';

const refusedField = (field: string) => (e: unknown) => (e instanceof ValidationError || e instanceof BadRequestError) && e.errors.some((x) => x.field === field);

test('blank, short and commonly used passwords are refused; a passphrase is not', () => {
  for (const bad of ['', ' '.repeat(12), '\t\t\t\t\t\t\t\t\t\t\t\t', 'short pass', 'password1234', 'Password123!', 'qwertyuiop12', '123456789012', 'aaaaaaaaaaaa', 'abcabcabcabc', 'passwordpassword', '  letmein2024  ', 'Welcome12345']) {
    assert.ok(passwordProblems(bad).length > 0, `${JSON.stringify(bad)} should be refused`);
  }
  for (const good of ['demo-password-117', 'test-password-117', 'otter kettle lantern 42', 'Zoë’s allotment by the canal']) {
    assert.deepEqual(passwordProblems(good), [], good);
  }
});

for (const { engine, skip } of await testEngines()) {
  describe(`tokens, disabling and passwords on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine);
    });
    after(async () => f?.close());

    test('a user cannot be given twelve spaces or a common password', async () => {
      for (const password of [' '.repeat(12), 'password1234']) {
        await assert.rejects(f.services.accounts.addUser({ email: 'new-user@s117.test', name: 'New', role: 'auditor', organisationCode: 'QZZ', password }), refusedField('password'));
      }
    });

    test('a token expires after the days it was made for (default 90); days outside 1 to 366 are refused', async () => {
      const short = await f.services.accounts.createToken(USERS.auditor.email, { days: 1 });
      const usual = await f.services.accounts.createToken(USERS.auditor.email);
      assert.equal((await f.services.accounts.actorForToken(short, null)).email, USERS.auditor.email);
      const in2Days = createServices(f.database.db, { clock: () => new Date(Date.now() + 2 * 86_400_000) });
      await assert.rejects(in2Days.accounts.actorForToken(short, null), UnauthenticatedError);
      assert.equal((await in2Days.accounts.actorForToken(usual, null)).email, USERS.auditor.email);
      const in91Days = createServices(f.database.db, { clock: () => new Date(Date.now() + 91 * 86_400_000) });
      await assert.rejects(in91Days.accounts.actorForToken(usual, null), UnauthenticatedError);
      for (const days of [0, 367, 'soon']) await assert.rejects(f.services.accounts.createToken(USERS.auditor.email, { days }), refusedField('days'));
    });

    test('revoking one token (by the token) or all of a user’s tokens (by email) stops them at once', async () => {
      const [a, b, c] = [await f.services.accounts.createToken(USERS.finance.email), await f.services.accounts.createToken(USERS.finance.email), await f.services.accounts.createToken(USERS.finance.email)];
      assert.equal(await f.services.accounts.revokeTokens({ token: a }), 1);
      await assert.rejects(f.services.accounts.actorForToken(a, null), UnauthenticatedError);
      assert.equal((await f.services.accounts.actorForToken(b, null)).email, USERS.finance.email);
      assert.ok((await f.services.accounts.revokeTokens({ email: USERS.finance.email })) >= 2);
      for (const token of [b, c]) await assert.rejects(f.services.accounts.actorForToken(token, null), UnauthenticatedError);
      await assert.rejects(f.services.accounts.revokeTokens({ token: 's117_not-a-token' }), refusedField('token'));
    });

    test('a disabled user is signed out, their tokens stop, and sign-in answers as for a wrong password', async () => {
      const token = await f.services.accounts.createToken(USERS.laApprover.email);
      const { sessionToken } = await f.services.accounts.signIn(USERS.laApprover.email, PASSWORD, null);
      assert.deepEqual(await f.services.accounts.disableUser(USERS.laApprover.email), { tokensRevoked: 2 });
      assert.equal(await f.services.accounts.actorForSession(sessionToken, null), null);
      await assert.rejects(f.services.accounts.actorForToken(token, null), UnauthenticatedError);
      const disabled = await f.services.accounts.signIn(USERS.laApprover.email, PASSWORD, null).catch((e: Error) => e);
      const wrong = await f.services.accounts.signIn(USERS.icbApprover.email, 'not-the-password-x', null).catch((e: Error) => e);
      assert.ok(disabled instanceof UnauthenticatedError);
      assert.equal((disabled as Error).message, (wrong as Error).message);
      await assert.rejects(f.services.accounts.createToken(USERS.laApprover.email), refusedField('email'));
      await assert.rejects(f.services.accounts.disableUser(USERS.laApprover.email), ConflictError);
    });
  });
}
