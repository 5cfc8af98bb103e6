// Sign-in, tokens and the audit trail on PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { ConflictError, ThrottledError, UnauthenticatedError, ValidationError } from '../../src/services/kernel/errors.ts';
import { createServices } from '../../src/services/index.ts';
import { PASSWORD, USERS } from '../support/app.ts';
import { testEngines } from '../support/databases.ts';
import { createServiceFixture, NORTHBRIDGE_PERSON, type ServiceFixture } from '../support/services.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`accounts and audit on ${engine}`, { skip }, () => {
    let f: ServiceFixture;
    before(async () => {
      f = await createServiceFixture(engine);
    });
    after(async () => {
      await f?.close();
    });

    test('passwords and tokens are stored only as hashes', async () => {
      const token = await f.services.accounts.createToken(USERS.auditor.email);
      const user = await f.database.db.selectFrom('users').selectAll().where('email', '=', USERS.auditor.email).executeTakeFirstOrThrow();
      assert.match(user.password_hash ?? '', /^scrypt\$/);
      assert.ok(!user.password_hash?.includes(PASSWORD));
      const tokens = await f.database.db.selectFrom('api_tokens').select('token_hash').execute();
      assert.ok(tokens.every((t) => t.token_hash !== token && /^[0-9a-f]{64}$/.test(t.token_hash)));
      assert.equal((await f.services.accounts.actorForToken(token, null)).email, USERS.auditor.email);
      await assert.rejects(f.services.accounts.actorForToken(`${token}x`, null), UnauthenticatedError);
    });

    test('sign-in opens a session that expires, and sign-out ends it', async () => {
      const { sessionToken } = await f.services.accounts.signIn(` ${USERS.finance.email.toUpperCase()} `, PASSWORD, null);
      assert.equal((await f.services.accounts.actorForSession(sessionToken, null))?.role, 'finance');
      const later = createServices(f.database.db, { clock: () => new Date(Date.now() + 9 * 3_600_000) });
      assert.equal(await later.accounts.actorForSession(sessionToken, null), null);
      await f.services.accounts.signOut(sessionToken, null);
      assert.equal(await f.services.accounts.actorForSession(sessionToken, null), null);
    });

    test('five failed sign-ins in fifteen minutes lock the email out, even with the right password', async () => {
      for (let i = 0; i < 5; i += 1) await assert.rejects(f.services.accounts.signIn(USERS.laPractitioner.email, 'wrong-password-x', null), UnauthenticatedError);
      await assert.rejects(f.services.accounts.signIn(USERS.laPractitioner.email, PASSWORD, null), ThrottledError);
      const later = createServices(f.database.db, { clock: () => new Date(Date.now() + 16 * 60_000) });
      assert.ok((await later.accounts.signIn(USERS.laPractitioner.email, PASSWORD, null)).sessionToken);
    });

    test('an unknown user and a wrong password get the same answer', async () => {
      const messages = [];
      for (const email of ['nobody@test.s117', USERS.auditor.email]) {
        messages.push(await f.services.accounts.signIn(email, 'not-the-password', null).catch((e: Error) => e.message));
      }
      assert.equal(messages[0], messages[1]);
    });

    test('organisations and users are validated, and duplicates refused', async () => {
      await assert.rejects(f.services.accounts.addOrganisation({ code: 'E09000099', name: 'Again', type: 'local-authority' }), ConflictError);
      await assert.rejects(f.services.accounts.addOrganisation({ code: 'x', name: '', type: 'council' }), ValidationError);
      await assert.rejects(f.services.accounts.addUser({ email: 'new@test.s117', name: 'New', role: 'superuser', organisationCode: 'QZZ' }), ValidationError);
      await assert.rejects(f.services.accounts.addUser({ email: 'new@test.s117', name: 'New', role: 'auditor', organisationCode: 'NOPE' }), ValidationError);
      await assert.rejects(f.services.accounts.addUser({ email: USERS.admin.email, name: 'Again', role: 'admin', organisationCode: 'QZZ' }), ConflictError);
      await assert.rejects(f.services.accounts.addUser({ email: 'short@test.s117', name: 'Short', role: 'admin', organisationCode: 'QZZ', password: 'short' }), ValidationError);
    });

    test('the database refuses to change or remove audit events', async () => {
      await f.services.people.create(f.actors.practitioner, NORTHBRIDGE_PERSON);
      await assert.rejects(sql`UPDATE audit_events SET action = 'x' WHERE seq = 1`.execute(f.database.db), /append-only/);
      await assert.rejects(sql`DELETE FROM audit_events WHERE seq = 1`.execute(f.database.db), /append-only/);
      await assert.rejects(sql`TRUNCATE audit_events`.execute(f.database.db), /append-only/);
      assert.equal((await f.services.audit.verify()).ok, true);
    });

    test('audit verify finds an altered event and a missing one', async () => {
      const before = await f.services.audit.verify();
      assert.ok(before.ok && before.checked > 5);
      // Only someone bypassing the database's own refusal could do this: simulate it.
      await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete`.execute(f.database.db);
      await sql`UPDATE audit_events SET action = 'person.innocent' WHERE seq = 3`.execute(f.database.db);
      await sql`DELETE FROM audit_events WHERE seq = 5`.execute(f.database.db);
      await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_or_delete`.execute(f.database.db);
      const result = await f.services.audit.verify();
      assert.equal(result.ok, false);
      assert.ok(result.problems.some((p) => p.includes('event 3 has been altered')), result.problems.join('; '));
      assert.ok(result.problems.some((p) => p.includes('events 5 to 5 are missing')), result.problems.join('; '));
    });
  });
}
