// Moving in (issue 10): how long a register of N rows takes to import, dry run and commit, through
// the imports service as the command line calls it.
//
//   node bench/imports.ts [--engine pglite|postgres|both] [--rows 50000] [--format csv|xlsx]
//   node bench/imports.ts --page-read [--engine pglite] [--rows 5000]
//   node bench/imports.ts ... [--services no] [--detentions] [--commit-only] [--commits per-batch|per-chunk]
//
// Each detained row carries an s117 service (provider, weekly cost, split) unless --services no. With
// --detentions, a detentions extract of as many rows (a later section 3 spell for each detained
// person, and a section 2 for the others) is imported after the register. --commit-only times the
// commits alone (no dry run, no re-run).
//
// It writes a synthetic register (999-range NHS numbers; two thirds detained under section 3 and
// discharged, the rest informal) into a fresh database (PGlite in a temporary folder; PostgreSQL a
// new database s117_bench_import_<pid> on BENCH_DATABASE_URL's server, dropped at the end), then
// times reading + dry run, the commit, and a re-run of the same file (everything matched, nothing
// written). It reports figures; it never passes or fails. With --page-read it instead commits the
// file as a job (as the page and the API start one) and meanwhile reads the register's first page
// (services.people.registerPage, as GET /register does) every 100 ms, timing each read, to show how
// long a page waits while an import runs (on PGlite, one connection: by default the import commits
// each chunk in its own transaction, so a page waits for a chunk at most; --commits per-batch shows
// the one transaction of before).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import { adminQuery, openPglite, openPostgres, type DatabaseHandle, type Engine } from '../src/data/database.ts';
import { migrate } from '../src/data/migrate.ts';
import { findUserByEmail } from '../src/data/accounts-repository.ts';
import { testNhsNumber } from '../src/domain/nhs-number.ts';
import { actorFromUser } from '../src/services/kernel/actor.ts';
import type { ImportCommits } from '../src/services/imports/imports-service.ts';
import { createServices } from '../src/services/index.ts';

const { values } = parseArgs({ options: { engine: { type: 'string', default: 'both' }, rows: { type: 'string', default: '50000' }, format: { type: 'string', default: 'csv' }, 'page-read': { type: 'boolean', default: false }, services: { type: 'string', default: 'yes' }, detentions: { type: 'boolean', default: false }, 'commit-only': { type: 'boolean', default: false }, commits: { type: 'string' } } });
const SERVICES = values.services !== 'no';
const ROWS = Number(values.rows);
const engines: Engine[] = values.engine === 'both' ? ['postgres', 'pglite'] : [values.engine as Engine];
const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

const HEADER = ['NHS number', 'Surname', 'Forename', 'Date of birth', 'Section', 'Date detained', 'Discharge date', 'Responsible LA', 'ICB', 'S117', 'Next review', ...(SERVICES ? ['Service', 'Provider', 'Weekly cost', 'LA share', 'ICB share'] : [])];

function rowFor(i: number): string[] {
  const detained = i % 3 !== 2;
  const year = 2015 + (i % 9);
  const month = String(1 + (i % 12)).padStart(2, '0');
  return [
    testNhsNumber(200_000 + i), `Family${i}`, `Given${i}`, `${String(1 + (i % 28)).padStart(2, '0')}/${month}/${1950 + (i % 50)}`,
    detained ? '3' : 'informal', detained ? `01/${month}/${year}` : '', detained ? `20/${month}/${year}` : '', 'E09000099', 'QZZ', detained ? 'yes' : 'no', '01/01/2026',
    ...(SERVICES ? (detained ? ['Supported living', `Provider ${i % 40}`, String(200 + (i % 300)), '50', '50'] : ['', '', '', '', '']) : []),
  ];
}

/** A detentions extract (MHS401/MHS501 shape): a later section 3 spell for each detained person, a section 2 for the others. */
function detentionsFile(): Buffer {
  const lines = ['NHSNumber,LegalStatusCode,StartDateMHALegalStatusClass,ExpiryDateMHALegalStatusClass,StartDateHospProvSpell,DischDateHospProvSpell'];
  for (let i = 0; i < ROWS; i += 1) {
    const month = String(1 + (i % 12)).padStart(2, '0');
    const code = i % 3 !== 2 ? '03' : '02';
    lines.push(`${testNhsNumber(200_000 + i)},${code},2025-${month}-02,2025-${month}-25,2025-${month}-02,2025-${month}-25`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

async function file(): Promise<Buffer> {
  if (values.format === 'xlsx') {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Register');
    sheet.addRow(HEADER);
    for (let i = 0; i < ROWS; i += 1) sheet.addRow(rowFor(i));
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }
  const lines = [HEADER.join(',')];
  for (let i = 0; i < ROWS; i += 1) lines.push(rowFor(i).join(','));
  return Buffer.from(`${lines.join('\n')}\n`);
}

async function open(engine: Engine): Promise<{ handle: DatabaseHandle; dispose(): Promise<void> }> {
  if (engine === 'pglite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 's117-bench-import-'));
    const handle = await openPglite(dir);
    await migrate(handle);
    return { handle, dispose: async () => { await handle.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const name = `s117_bench_import_${process.pid}`;
  await adminQuery(ADMIN_URL, `CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const handle = openPostgres(url.toString());
  await migrate(handle);
  return { handle, dispose: async () => { await handle.close(); await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } };
}

const content = await file();
console.log(`${ROWS} rows, ${values.format}, ${(content.byteLength / 1024 / 1024).toFixed(1)} MB; ${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)}`);
for (const engine of engines) {
  const { handle, dispose } = await open(engine);
  try {
    // --commits per-batch|per-chunk forces how a commit is made (default: the engine decides, ADR 0011).
    const services = createServices(handle.db, values.commits ? { importCommits: values.commits as ImportCommits } : {});
    await services.accounts.addOrganisation({ code: 'E09000099', name: 'Northbridge Borough Council', type: 'local-authority' });
    await services.accounts.addOrganisation({ code: 'QZZ', name: 'NHS Northbridge ICB', type: 'icb' });
    await services.accounts.addUser({ email: 'lead@bench.s117.test', name: 'Lead', role: 'approver', organisationCode: 'E09000099' });
    const actor = actorFromUser((await findUserByEmail(handle.db, 'lead@bench.s117.test'))!);
    const request = (mode: 'dry-run' | 'commit') => ({ kind: 'register' as const, mode, fileName: `bench.${values.format}`, content });
    if (values['page-read']) {
      await pageReadsDuringImport(engine, services, actor, request('commit'));
      continue;
    }
    const steps = values['commit-only'] ? ([['commit', 'commit']] as const) : ([['dry run', 'dry-run'], ['commit', 'commit'], ['re-run (all matched)', 'commit']] as const);
    const time = async (label: string, req: Parameters<typeof services.imports.run>[1]) => {
      const load = os.loadavg()[0]!;
      const started = performance.now();
      const report = await services.imports.run(actor, req);
      const seconds = (performance.now() - started) / 1000;
      console.log(`${engine.padEnd(8)} ${label.padEnd(30)} ${seconds.toFixed(1).padStart(7)} s  (${Math.round(ROWS / seconds)} rows/s; ${report.rowsValid} valid, created ${report.created}, updated ${report.updated}, skipped ${report.skipped}; load ${load.toFixed(1)} -> ${os.loadavg()[0]!.toFixed(1)})`);
    };
    for (const [label, mode] of steps) await time(`register ${label}`, request(mode));
    if (values.detentions) {
      const extract = detentionsFile();
      for (const [label, mode] of steps) await time(`detentions ${label}`, { kind: 'detentions', mode, fileName: 'bench-detentions.csv', content: extract });
    }
  } finally {
    await dispose();
  }
}

async function pageReadsDuringImport(engine: Engine, services: ReturnType<typeof createServices>, actor: ReturnType<typeof actorFromUser>, request: Parameters<ReturnType<typeof createServices>['imports']['start']>[1]): Promise<void> {
  const read = async () => {
    const started = performance.now();
    await services.people.registerPage(actor, {});
    return performance.now() - started;
  };
  const idle: number[] = [];
  for (let i = 0; i < 10; i += 1) idle.push(await read());
  const started = performance.now();
  const job = await services.imports.start(actor, request);
  const during: number[] = [];
  let status = job.status;
  while (status === 'running' || status === 'queued') {
    during.push(await read());
    await new Promise((r) => setTimeout(r, 100));
    status = (await services.imports.get(actor, job.id)).status;
  }
  const seconds = (performance.now() - started) / 1000;
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)] ?? 0;
  const max = (xs: number[]) => sorted(xs).at(-1) ?? 0;
  console.log(`${engine.padEnd(8)} import of ${ROWS} rows as a job: ${seconds.toFixed(1)} s, ${status}`);
  console.log(`${engine.padEnd(8)} register page, idle: median ${median(idle).toFixed(0)} ms, max ${max(idle).toFixed(0)} ms (${idle.length} reads)`);
  console.log(`${engine.padEnd(8)} register page, during the import: median ${median(during).toFixed(0)} ms, max ${max(during).toFixed(0)} ms (${during.length} reads)`);
}
