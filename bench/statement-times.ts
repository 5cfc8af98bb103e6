// Where PostgreSQL's time goes, statement by statement: sums the durations PostgreSQL logged with
// `log_min_duration_statement = 0` by phase (parse, bind, execute, or a simple statement) and text.
// A bind of a prepared statement is where PostgreSQL plans it afresh (a custom plan) or checks the
// plan it keeps (a generic one), so a bind much dearer than others of its kind is a statement planned
// on every execution (docs/performance.md, round 19).
//
//   psql -c "ALTER DATABASE s117_bench_100k SET log_min_duration_statement = 0"
//   node bench/http.ts --people 100000 --database-url .../s117_bench_100k --keep --only mixed --connections 1
//   psql -c "ALTER DATABASE s117_bench_100k RESET log_min_duration_statement"
//   node bench/statement-times.ts /var/log/postgresql/postgresql-15-main.log [--since '2026-12-07 03:20:00'] [--top 40]
//
// Reads the log's default stderr format (a line prefix of time, [pid], user@database, level). The
// figures are wall time inside PostgreSQL, so on a busy machine they include waiting for a core: run
// the workload at one connection to read them as cost. It reports figures; it never passes or fails.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { since: { type: 'string' }, top: { type: 'string', default: '40' }, width: { type: 'string', default: '140' } } });
const file = positionals[0];
if (!file) throw new Error('usage: node bench/statement-times.ts LOGFILE [--since "YYYY-MM-DD HH:MM:SS"] [--top N]');

interface Entry { at: string; level: string; text: string }

/** The log's entries, a statement's continuation lines joined to its first. */
function entries(text: string): Entry[] {
  const out: Entry[] = [];
  for (const line of text.split('\n')) {
    const head = /^(\d{4}-\d\d-\d\d [\d:.]+) \S+ \[\d+\] \S+ (\w+):\s+(.*)$/.exec(line);
    if (head) out.push({ at: head[1]!, level: head[2]!, text: head[3]! });
    else if (out.length > 0) out.at(-1)!.text += ` ${line.trim()}`;
  }
  return out;
}

interface Sum { phase: string; named: boolean; text: string; count: number; ms: number; each: number[] }

const sums = new Map<string, Sum>();
let totalMs = 0;
for (const entry of entries(readFileSync(file, 'utf8'))) {
  if (entry.level !== 'LOG' || (values.since && entry.at < values.since)) continue;
  const logged = /^duration: ([\d.]+) ms\s+(?:(parse|bind|execute) ([^:]*):|statement:)\s*(.*)$/.exec(entry.text);
  if (!logged) continue;
  const ms = Number(logged[1]);
  const phase = logged[2] ?? 'simple';
  const named = logged[3] !== undefined && logged[3] !== '<unnamed>';
  const text = logged[4]!.replace(/\s+/g, ' ').replace(/^\/\* s117:[a-z-]+ \*\/ /, '');
  const key = `${phase} ${named} ${text}`;
  const sum = sums.get(key) ?? sums.set(key, { phase, named, text, count: 0, ms: 0, each: [] }).get(key)!;
  sum.count += 1;
  sum.ms += ms;
  sum.each.push(ms);
  totalMs += ms;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
console.log(`${Math.round(totalMs)} ms logged in all`);
console.log('share  | count  | median ms | phase   | statement');
for (const sum of [...sums.values()].sort((a, b) => b.ms - a.ms).slice(0, Number(values.top))) {
  const phase = `${sum.phase}${sum.named ? '' : sum.phase === 'simple' ? '' : '*'}`;
  console.log(`${((100 * sum.ms) / totalMs).toFixed(1).padStart(5)} % | ${String(sum.count).padStart(6)} | ${median(sum.each).toFixed(3).padStart(9)} | ${phase.padEnd(7)} | ${sum.text.slice(0, Number(values.width))}`);
}
console.log('* sent unnamed: parsed and planned each time');
