// The s117 command as an operator runs it, on the embedded database and on PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliDatabase, runS117, type CliDatabase } from '../support/cli.ts';
import { testEngines } from '../support/databases.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`s117 command line on ${engine}`, { skip }, () => {
    let database: CliDatabase;
    before(async () => {
      database = await cliDatabase(engine);
    });
    after(async () => {
      await database?.cleanup();
    });

    const s117 = (args: string[], input?: string) => runS117(database.env, args, input);

    test('migrate brings the schema up to date and can run again', () => {
      for (let i = 0; i < 2; i += 1) {
        const run = s117(['migrate']);
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stdout, /up to date/);
      }
    });

    test('org add, user add with a password from standard input, token create prints only the token', () => {
      assert.equal(s117(['org', 'add', '--code', 'E09000099', '--name', 'Northbridge', '--type', 'local-authority']).status, 0);
      const user = s117(['user', 'add', '--email', 'lead@cli.s117.test', '--name', 'Lead', '--role', 'approver', '--org', 'E09000099'], 'a-long-enough-password\n');
      assert.equal(user.status, 0, user.stderr);
      assert.match(user.stdout, /with a password/);
      const token = s117(['token', 'create', '--email', 'lead@cli.s117.test']);
      assert.equal(token.status, 0, token.stderr);
      assert.match(token.stdout, /^s117_[A-Za-z0-9_-]{43}\n$/);
    });

    test('token create --days, token revoke (by email, or the token on standard input) and user disable (issue 15, probe 12)', () => {
      const add = s117(['user', 'add', '--email', 'leaver@cli.s117.test', '--name', 'Leaver', '--role', 'finance', '--org', 'E09000099'], 'otter kettle lantern 42\n');
      assert.equal(add.status, 0, add.stderr);
      const token = s117(['token', 'create', '--email', 'leaver@cli.s117.test', '--days', '7']).stdout.trim();
      assert.match(token, /^s117_/);
      assert.notEqual(s117(['token', 'create', '--email', 'leaver@cli.s117.test', '--days', '0']).status, 0);
      const one = s117(['token', 'revoke'], `${token}\n`);
      assert.equal(one.status, 0, one.stderr);
      assert.match(one.stdout, /Revoked 1 API token$/m);
      s117(['token', 'create', '--email', 'leaver@cli.s117.test']);
      const all = s117(['token', 'revoke', '--email', 'leaver@cli.s117.test']);
      assert.match(all.stdout, /Revoked 1 API token$/m);
      const disable = s117(['user', 'disable', '--email', 'leaver@cli.s117.test']);
      assert.equal(disable.status, 0, disable.stderr);
      assert.match(disable.stdout, /Disabled leaver@cli\.s117\.test/);
      assert.notEqual(s117(['user', 'disable', '--email', 'leaver@cli.s117.test']).status, 0);
      const blank = s117(['user', 'add', '--email', 'blank@cli.s117.test', '--name', 'Blank', '--role', 'finance', '--org', 'E09000099'], `${' '.repeat(12)}\n`);
      assert.notEqual(blank.status, 0);
      assert.match(blank.stderr, /blank/);
    });

    test('mistakes exit non-zero with one line on standard error', () => {
      const cases = [
        s117(['org', 'add', '--code', 'E09000099', '--name', 'Again', '--type', 'local-authority']),
        s117(['org', 'add', '--code', 'X1', '--name', 'Bad', '--type', 'council']),
        s117(['user', 'add', '--email', 'x@cli.s117.test', '--name', 'X', '--role', 'boss', '--org', 'E09000099']),
        s117(['token', 'create', '--email', 'nobody@cli.s117.test']),
        s117(['no-such-command']),
      ];
      for (const run of cases) {
        assert.notEqual(run.status, 0);
        assert.ok(run.stderr.trim().length > 0);
      }
      for (const run of cases.slice(0, 4)) assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    });

    test('reproject derives the projections again and leaves the audit trail whole', () => {
      const run = s117(['reproject']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(s117(['audit', 'verify']).status, 0);
    });

    test('audit verify reports a whole trail', () => {
      const run = s117(['audit', 'verify']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /whole and unaltered \(\d+ events\)/);
    });
  });
}
