// npx s117 import as an operator runs it (api-contract: "Moving in (import)"), on both databases.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createPgliteDataDir, createTestDatabase, testEngines, type TestDatabase } from '../support/databases.ts';
import { detentionsCsv, northbridgeWorkbook, writeFixture } from '../support/import-fixtures.ts';

const BIN = path.resolve('bin/s117.js');

for (const { engine, skip } of await testEngines()) {
  describe(`s117 import on ${engine}`, { skip }, () => {
    let env: NodeJS.ProcessEnv;
    let cleanup: () => Promise<void>;
    let workbook: string;
    const dir = mkdtempSync(path.join(tmpdir(), 's117-import-cli-'));
    before(async () => {
      if (engine === 'pglite') {
        const { dataDir, remove } = await createPgliteDataDir();
        env = { ...process.env, S117_DATA_DIR: dataDir, DATABASE_URL: '' };
        cleanup = async () => remove();
      } else {
        const database: TestDatabase = await createTestDatabase('postgres');
        env = { ...process.env, DATABASE_URL: (database.location as { databaseUrl: string }).databaseUrl };
        cleanup = () => database.dispose();
      }
      workbook = writeFixture('northbridge-register.xlsx', await northbridgeWorkbook());
      for (const [code, name, type] of [['E09000099', 'Northbridge Borough Council', 'local-authority'], ['QZZ', 'Northbridge ICB', 'icb']]) {
        assert.equal(s117(['org', 'add', '--code', code!, '--name', name!, '--type', type!]).status, 0);
      }
      assert.equal(s117(['user', 'add', '--email', 'lead@import.s117.test', '--name', 'Lead', '--role', 'approver', '--org', 'E09000099']).status, 0);
      assert.equal(s117(['user', 'add', '--email', 'worker@import.s117.test', '--name', 'Worker', '--role', 'practitioner', '--org', 'E09000099']).status, 0);
    });
    after(async () => {
      await cleanup?.();
    });

    const s117 = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
    const lastLine = (out: string) => out.trim().split('\n').at(-1);

    test('REG-1: a dry run prints the summary, writes the report with the contract’s columns, and imports nothing', () => {
      const report = path.join(dir, 'report.csv');
      const run = s117(['import', 'register', workbook, '--report', report, '--as', 'lead@import.s117.test']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(lastLine(run.stdout), '10 rows: 4 valid, 6 with problems');
      assert.match(run.stderr, /checking/);
      const rows = parse(readFileSync(report, 'utf8'), { columns: true }) as Record<string, string>[];
      assert.deepEqual(Object.keys(rows[0]!).slice(0, 4), ['row', 'column', 'value', 'problem']);
      assert.ok(rows.some((r) => r['row'] === '7' && r['column'] === 'NHS No.' && /check digit/.test(r['problem']!)));
      const again = s117(['import', 'register', workbook, '--as', 'lead@import.s117.test']);
      assert.equal(lastLine(again.stdout), '10 rows: 4 valid, 6 with problems'); // the first wrote nothing
    });

    test('REG-1: a commit, then the same file again, then the detentions extract', () => {
      const first = s117(['import', 'register', workbook, '--commit', '--as', 'lead@import.s117.test']);
      assert.equal(first.status, 0, first.stderr);
      assert.equal(lastLine(first.stdout), 'imported: 4 created, 0 updated, 0 skipped');
      const second = s117(['import', 'register', workbook, '--commit', '--as', 'lead@import.s117.test']);
      assert.equal(lastLine(second.stdout), 'imported: 0 created, 0 updated, 4 skipped');
      const extract = writeFixture('mhsds-detentions.csv', detentionsCsv());
      const detentions = s117(['import', 'detentions', extract, '--commit', '--as', 'lead@import.s117.test']);
      assert.equal(detentions.status, 0, detentions.stderr);
      assert.equal(lastLine(detentions.stdout), 'imported: 1 created, 0 updated, 1 skipped');
    });

    test('REG-1: a mapping file is used; a mapping that lacks a field stops with the mapping it needs', () => {
      const csv = path.join(dir, 'odd.csv');
      writeFileSync(csv, 'Ref,Who,Born,Council\n9990000018,"Alpha, Ann",01/05/1980,E09000099\n');
      const stop = s117(['import', 'register', csv, '--as', 'lead@import.s117.test']);
      assert.notEqual(stop.status, 0);
      assert.equal(stop.stderr.trim().split('\n').length, 1);
      assert.match(stop.stdout, /Headers in the file: "Ref", "Who", "Born", "Council"/);
      const mapping = path.join(dir, 'mapping.json');
      writeFileSync(mapping, JSON.stringify({ nhsNumber: 'Ref', name: 'Who', dateOfBirth: 'Born', localAuthority: 'Council' }));
      const run = s117(['import', 'register', csv, '--mapping', mapping, '--as', 'lead@import.s117.test']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(lastLine(run.stdout), '1 rows: 1 valid, 0 with problems');
    });

    test('REG-1: an unreadable file or a user who may not import exits non-zero with one line', () => {
      const empty = path.join(dir, 'empty.csv');
      writeFileSync(empty, '');
      for (const run of [
        s117(['import', 'register', empty, '--as', 'lead@import.s117.test']),
        s117(['import', 'register', workbook, '--as', 'worker@import.s117.test']),
        s117(['import', 'register', workbook]),
      ]) {
        assert.notEqual(run.status, 0);
        assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      }
    });
  });
}
