// `npm test`: every test, on the embedded database and on PostgreSQL, with the browser tests.
// Says plainly, before it starts, which tests this machine will skip and why. In CI (CI=true) or
// with TEST_DATABASE_URL set, a missing PostgreSQL or browser fails the run instead.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { postgresAvailable, postgresRequired, postgresUrl } from '../test/support/databases.ts';
import { chromiumPath } from '../test/support/browser.ts';

const required = postgresRequired;
const postgres = await postgresAvailable();
const browser = chromiumPath();
const host = new URL(postgresUrl).host;

console.log(`PostgreSQL at ${host}: ${postgres ? 'reachable, tests run on it and on PGlite' : required ? 'NOT reachable, and required here: the PostgreSQL tests will fail' : 'NOT reachable: the PostgreSQL tests are SKIPPED (PGlite only)'}`);
console.log(`Chromium: ${browser ? `${browser}, browser tests run` : process.env.CI === 'true' ? 'NOT found, and required in CI: the browser tests will fail' : 'NOT found: the browser tests are SKIPPED (apt-get install chromium)'}`);

const patterns = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['test/**/*.test.ts'];
const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...patterns], { stdio: 'inherit' });
child.on('exit', (code, signal) => {
  if (!existsSync('test')) console.error('No test folder: run npm test from the repository root');
  process.exit(signal ? 1 : (code ?? 1));
});
