// `s117 system-account create|revoke` as an operator runs it, on the embedded database and on PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliDatabase, runS117, type CliDatabase } from '../support/cli.ts';
import { testEngines } from '../support/databases.ts';

for (const { engine, skip } of await testEngines()) {
  describe(`s117 system-account on ${engine}`, { skip }, () => {
    let database: CliDatabase;
    before(async () => {
      database = await cliDatabase(engine);
    });
    after(async () => {
      await database?.cleanup();
    });

    const s117 = (args: string[]) => runS117(database.env, args);

    test('create prints the client id, secret and email; a council cannot feed detentions; revoke stops it', () => {
      assert.equal(s117(['org', 'add', '--code', 'RZZ', '--name', 'Trust', '--type', 'provider']).status, 0);
      assert.equal(s117(['org', 'add', '--code', 'E09000099', '--name', 'Council', '--type', 'local-authority']).status, 0);
      const created = s117(['system-account', 'create', '--name', 'Trust EPR', '--org', 'RZZ', '--scopes', 'read,feed-detentions']);
      assert.equal(created.status, 0, created.stderr);
      const clientId = /^client_id=(\S+)$/m.exec(created.stdout)?.[1];
      assert.ok(clientId, created.stdout);
      assert.match(created.stdout, /^client_secret=s117cs_\S+$/m);
      const email = /^email=(\S+)$/m.exec(created.stdout)?.[1];
      const token = s117(['token', 'create', '--email', email!]);
      assert.equal(token.status, 0, token.stderr);
      const council = s117(['system-account', 'create', '--name', 'Council feeder', '--org', 'E09000099', '--scopes', 'feed-detentions']);
      assert.notEqual(council.status, 0);
      assert.match(council.stderr, /provider/);
      assert.equal(s117(['system-account', 'revoke', '--client-id', clientId]).status, 0);
      assert.notEqual(s117(['system-account', 'revoke', '--client-id', clientId]).status, 0);
    });
  });
}
