// Reads the text of a generated PDF with pdftotext (Debian's poppler-utils), to check what a person
// would read. Skipped where it is not installed, except in CI.
import { spawnSync } from 'node:child_process';

export function pdfToolSkipReason(): string | false {
  const found = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' }).error === undefined;
  if (found) return false;
  if (process.env.CI === 'true') throw new Error('pdftotext is required in CI (apt-get install poppler-utils)');
  return 'pdftotext is not installed (apt-get install poppler-utils)';
}

export function pdfText(pdf: Buffer): string {
  const run = spawnSync('pdftotext', ['-', '-'], { input: pdf, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pdftotext failed: ${run.stderr}`);
  return run.stdout;
}

export function pdfInfo(pdf: Buffer): Record<string, string> {
  const run = spawnSync('pdfinfo', ['-'], { input: pdf, encoding: 'utf8' });
  const info: Record<string, string> = {};
  for (const line of run.stdout.split('\n')) {
    const match = /^([^:]+):\s*(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) info[match[1].trim()] = match[2].trim();
  }
  return info;
}
