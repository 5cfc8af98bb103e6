// bench/http.ts runs end to end at a tiny size on the embedded database: it loads people, times the
// raw SQL, starts the hello-world and the real server, signs in, drives every scenario and writes
// its JSON; every request it sent was answered with a 2xx (the benchmark's requests are valid ones).
// About a minute or two on a busy machine; it times nothing itself and asserts no figure.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));

test('npm run bench:http -- --people 60 --engine pglite --duration 1 runs and writes its results', { timeout: 600_000 }, async () => {
  const child = spawn(process.execPath, ['bench/http.ts', '--people', '60', '--engine', 'pglite', '--duration', '1', '--connections', '2', '--endpoint-connections', '1', '--no-log-compare'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, stderr.slice(-3000));
  const written = /written to (\S+\.json)/.exec(stderr)?.[1];
  assert.ok(written, stderr.slice(-2000));
  const result = JSON.parse(readFileSync(path.join(ROOT, written), 'utf8')) as { rows: { scenario: string; non2xx: number; errors: number; requests: number; server: unknown; cpuMsPerRequest: { server: number; postgres: number | null } | null }[]; rawSql: Record<string, { statements: number }> };
  const names = result.rows.map((r) => r.scenario);
  for (const expected of ['Fastify hello-world', 'GET /api/v1/people/{id}', 'GET /api/v1/people/{id}/aftercare', 'GET /api/v1/people?q=<NHS number>', 'page /people/{id}', 'mixed: 80 % reads, 20 % writes']) {
    assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
  }
  for (const row of result.rows) {
    assert.equal(row.non2xx, 0, `${row.scenario}: every answer 2xx`);
    assert.equal(row.errors, 0, `${row.scenario}: no connection errors`);
    assert.ok(row.requests > 0, `${row.scenario}: answered`);
    if (row.scenario !== 'Fastify hello-world') assert.ok(row.server, `${row.scenario}: server-side times read from the request log`);
    // The CPU a request took, read from /proc where there is one; PostgreSQL's only when it is the database.
    if (process.platform === 'linux') {
      assert.ok(row.cpuMsPerRequest && row.cpuMsPerRequest.server >= 0, `${row.scenario}: CPU a request ${JSON.stringify(row.cpuMsPerRequest)}`);
      assert.equal(row.cpuMsPerRequest.postgres, null, `${row.scenario}: no PostgreSQL CPU counted for the embedded database`);
    }
  }
  // The person and aftercare reads need one statement each (the read model).
  assert.equal(result.rawSql['person']?.statements, 1);
  assert.equal(result.rawSql['aftercare']?.statements, 1);
  assert.match(stdout, /\| request \| conns \| req\/s/);
});
