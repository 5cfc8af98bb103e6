// npx s117 charges import FILE --as EMAIL: charges a person paid, from the finance system's CSV
// (header: nhsNumber or personId, periodFrom, periodTo, amountPence, paidOn, description), imported
// all or nothing as the named finance user (CHG-2). Progress goes to stderr; no personal data is printed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ValidationError } from '../services/kernel/errors.ts';
import type { Services } from '../services/index.ts';

export async function importChargesCommand(services: Services, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { as: { type: 'string' } } });
  const file = positionals[0];
  if (sub !== 'import' || !file) {
    console.error('Usage: s117 charges import FILE --as EMAIL   (a finance user or admin)');
    return 2;
  }
  if (!values.as) throw new ValidationError([{ field: 'as', message: '--as is required: the email of the finance user importing the charges' }]);
  const actor = await services.accounts.actorForEmail(values.as, 'cli');
  if (!actor) throw new ValidationError([{ field: 'as', message: 'No user has that email' }]);
  const csv = readFileSync(file, 'utf8');
  const result = await services.refunds.importCharges(actor, csv, {
    reference: path.basename(file),
    onProgress: (done, total) => process.stderr.write(`\rchecked ${done} of ${total} lines`),
  });
  process.stderr.write('\n');
  if (result.errors.length > 0) {
    for (const e of result.errors.slice(0, 20)) console.error(`line ${e.line}: ${e.field}: ${e.message}`);
    console.error(`Nothing was imported: ${result.errors.length} problem(s)`);
    return 1;
  }
  console.log(`Imported ${result.imported} charges`);
  return 0;
}
