// Issue 15, probe 2: the sign-in throttle cannot be raced. Each attempt takes its place in the count
// atomically before its password is checked, per account and per source address, so 50 wrong passwords
// sent at once are not all checked; an unknown email gets the same answers as a known one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ThrottledError, UnauthenticatedError } from '../../src/services/kernel/errors.ts';
import { createServices } from '../../src/services/index.ts';
import { PASSWORD, USERS } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, type ServiceFixture } from '../support/services.ts';

const outcome = (p: Promise<unknown>) => p.then(() => 'signed-in', (e: Error) => (e instanceof ThrottledError ? 'throttled' : e instanceof UnauthenticatedError ? 'refused' : `error: ${e.message}`));

for (const { engine, skip } of await testEngines()) {
  describe(`the sign-in throttle on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine);
    });
    after(async () => f?.close());

    test('50 wrong passwords at once for one account: only five are checked, the rest are refused unchecked (429)', async () => {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => outcome(f.services.accounts.signIn(USERS.auditor.email, `wrong-password-${i}`, null, `198.51.100.${i}`))));
      assert.equal(answers.filter((a) => a === 'refused').length, 5, JSON.stringify(answers));
      assert.equal(answers.filter((a) => a === 'throttled').length, 45);
      assert.equal(await outcome(f.services.accounts.signIn(USERS.auditor.email, PASSWORD, null, '198.51.100.200')), 'throttled');
    });

    test('an unknown email is throttled the same way, with the same answers', async () => {
      const answers = await Promise.all(Array.from({ length: 8 }, () => outcome(f.services.accounts.signIn('nobody-here@s117.test', 'wrong-password-x', null, '192.0.2.77'))));
      assert.deepEqual(answers.toSorted(), ['refused', 'refused', 'refused', 'refused', 'refused', 'throttled', 'throttled', 'throttled']);
      const known = await f.services.accounts.signIn(USERS.finance.email, 'wrong-password-x', null, '192.0.2.78').catch((e: Error) => e.message);
      const unknown = await f.services.accounts.signIn('nobody-else@s117.test', 'wrong-password-x', null, '192.0.2.78').catch((e: Error) => e.message);
      assert.equal(known, unknown);
    });

    test('one address trying many accounts is throttled; another address is not; a success gives its place back', async () => {
      const address = '203.0.113.9';
      const answers = [];
      for (let i = 0; i < 25; i += 1) answers.push(await outcome(f.services.accounts.signIn(`guess-${i}@s117.test`, 'wrong-password-x', null, address)));
      assert.equal(answers.filter((a) => a === 'refused').length, 20);
      assert.equal(answers.slice(20).every((a) => a === 'throttled'), true);
      assert.equal(await outcome(f.services.accounts.signIn(USERS.admin.email, PASSWORD, null, address)), 'throttled');
      assert.equal(await outcome(f.services.accounts.signIn(USERS.admin.email, PASSWORD, null, '203.0.113.10')), 'signed-in');
      // A ward's shared address: people signing in successfully never lock it.
      for (let i = 0; i < 30; i += 1) assert.equal(await outcome(f.services.accounts.signIn(USERS.laApprover.email, PASSWORD, null, '203.0.113.11')), 'signed-in');
      const later = createServices(f.database.db, { clock: () => new Date(Date.now() + 16 * 60_000) });
      assert.equal(await outcome(later.accounts.signIn(USERS.admin.email, PASSWORD, null, address)), 'signed-in');
    });
  });
}
