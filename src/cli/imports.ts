// npx s117 import register|detentions FILE [--mapping M] [--dry-run | --commit] [--report R] --as EMAIL
// (api-contract: "Moving in (import)"). A progress bar goes to stderr; the summary to stdout, its last
// line "N rows: V valid, P with problems" (a dry run) or "imported: C created, U updated, S skipped".
// Exit 0 when the file could be read, whatever its rows' problems; otherwise one line and non-zero.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { IMPORT_KINDS, type ColumnMapping, type ImportKind } from '../domain/import-mapping.ts';
import { ValidationError } from '../services/kernel/errors.ts';
import type { Services } from '../services/index.ts';
import { MappingNeededError } from '../services/imports/imports-service.ts';
import { MAX_IMPORT_BYTES } from '../services/imports/imports-file.ts';
import { reportCsv } from '../services/imports/imports-report.ts';

const USAGE = 'Usage: s117 import register|detentions FILE [--mapping MAPPING.json] [--dry-run | --commit] [--report REPORT.csv] --as EMAIL';

export async function importCommand(services: Services, args: string[]): Promise<number> {
  const [kind, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { as: { type: 'string' }, mapping: { type: 'string' }, 'dry-run': { type: 'boolean' }, commit: { type: 'boolean' }, report: { type: 'string' } },
  });
  const file = positionals[0];
  if (!kind || !(IMPORT_KINDS as readonly string[]).includes(kind) || !file || positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  if (values.commit && values['dry-run']) throw new ValidationError([{ field: 'commit', message: 'Choose --dry-run or --commit, not both' }]);
  if (!values.as) throw new ValidationError([{ field: 'as', message: '--as is required: the email of the admin or s117 lead the import is recorded as' }]);
  const actor = await services.accounts.actorForEmail(values.as, 'cli');
  if (!actor) throw new ValidationError([{ field: 'as', message: 'No user has that email' }]);
  if (statSync(file).size > MAX_IMPORT_BYTES) throw new ValidationError([{ field: 'file', message: `The file is larger than the ${MAX_IMPORT_BYTES / 1024 / 1024} MB limit: split it` }]);
  const mapping = values.mapping ? readMapping(values.mapping) : null;
  const mode = values.commit ? 'commit' : 'dry-run';
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: `${mode === 'commit' ? 'importing' : 'checking'} [{bar}] {value}/{total} rows`, hideCursor: false, noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic);
  let started = false;
  let report;
  try {
    report = await services.imports.run(actor, { kind: kind as ImportKind, mode, fileName: path.basename(file), content: readFileSync(file), mapping }, ({ done, total }) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    });
  } catch (error) {
    if (error instanceof MappingNeededError) {
      // What to write in a mapping file: every field, with the header suggested for it or "" to fill in.
      console.log(JSON.stringify(error.suggested, null, 2));
      console.log(`Headers in the file: ${error.headers.map((h) => JSON.stringify(h)).join(', ')}`);
    }
    throw error;
  } finally {
    if (started) bar.stop();
  }
  if (values.report) writeFileSync(values.report, reportCsv(report));
  for (const f of report.findings.slice(0, 20)) console.log(`row ${f.row}: ${f.column}: ${f.problem}${f.severity === 'warning' ? ' (warning)' : ''}`);
  if (report.findings.length > 20) console.log(`... and ${report.findings.length - 20} more${values.report ? ` in ${values.report}` : ' (use --report to write them all)'}`);
  if (report.reconciliation.length > 0) console.log(`Reconciliation: ${report.reconciliation.length} disagreement(s) between the file and the register's rules${values.report ? ` (in ${values.report})` : ''}`);
  console.log(`${report.rowsTotal} rows: ${report.rowsValid} valid, ${report.rowsWithProblems} with problems`);
  if (mode === 'commit') console.log(`imported: ${report.created} created, ${report.updated} updated, ${report.skipped} skipped`);
  return 0;
}

function readMapping(file: string): ColumnMapping {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new ValidationError([{ field: 'mapping', message: `${file} is not a JSON mapping file (an object of field: "header")` }]);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
    throw new ValidationError([{ field: 'mapping', message: 'The mapping file must be a JSON object of field: "header", for example {"nhsNumber": "NHS No."}' }]);
  }
  return Object.fromEntries(Object.entries(parsed as Record<string, string>).filter(([, v]) => v.trim() !== ''));
}
