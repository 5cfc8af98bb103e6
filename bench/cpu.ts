// The CPU time a scenario took, read from /proc (Linux; null elsewhere): the server's processes
// (with its workers) and PostgreSQL's, each divided by the requests answered. On a machine whose
// neighbours come and go, requests a second move by a fifth from one minute to the next; the CPU
// each request costs moves less (10 to 20 % on round 16's machine). To tell two versions of a
// change apart, bench/changes-ab.ts runs both in one process.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuTimes { serverMs: number; postgresMs: number | null }

/** Milliseconds a clock tick of /proc/<pid>/stat is (USER_HZ, 100 on Linux as a rule). */
const TICK_MS = (() => {
  try {
    return 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  } catch {
    return 10;
  }
})();

/** cpuMs: the process's own; childrenMs: that of its children it has waited for (those ended). */
interface ProcStat { pid: number; ppid: number; comm: string; cpuMs: number; childrenMs: number }

function procStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    // After the command's closing parenthesis: field 3 (state) onwards; utime and stime are fields 14
    // and 15, cutime and cstime (children waited for) 16 and 17.
    const fields = text.slice(close + 2).split(' ');
    const ticks = (...at: number[]) => at.reduce((sum, i) => sum + Number(fields[i]), 0) * TICK_MS;
    return { pid, ppid: Number(fields[1]), comm: text.slice(text.indexOf('(') + 1, close), cpuMs: ticks(11, 12), childrenMs: ticks(13, 14) };
  } catch {
    return null;
  }
}

/**
 * The CPU time used so far by the process `serverPid` and its descendants, and (when `withPostgres`)
 * by every `postgres` process, with that of the ones that have ended: a backend whose connection
 * closed during a run is gone from /proc, its time added to the postmaster's children's (without it,
 * PostgreSQL's figure at one connection could come out below nothing). Null without /proc.
 */
export function cpuTimes(serverPid: number | undefined, withPostgres: boolean): CpuTimes | null {
  if (serverPid === undefined) return null;
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return null;
  }
  const stats = pids.map(procStat).filter((s): s is ProcStat => s !== null);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) {
    const siblings = children.get(s.ppid);
    if (siblings) siblings.push(s);
    else children.set(s.ppid, [s]);
  }
  let serverMs = 0;
  const root = stats.find((s) => s.pid === serverPid);
  if (!root) return null;
  for (const queue = [root]; queue.length > 0;) {
    const s = queue.pop()!;
    serverMs += s.cpuMs;
    queue.push(...(children.get(s.pid) ?? []));
  }
  const postgres = withPostgres ? stats.filter((s) => s.comm === 'postgres') : [];
  return { serverMs, postgresMs: postgres.length > 0 ? postgres.reduce((sum, s) => sum + s.cpuMs + s.childrenMs, 0) : null };
}

/** Milliseconds of CPU a request between two readings, rounded to hundredths; null where either reading is missing. */
export function cpuPerRequest(before: CpuTimes | null, after: CpuTimes | null, requests: number): { server: number; postgres: number | null } | null {
  if (!before || !after || requests <= 0) return null;
  const per = (ms: number) => Math.round((ms / requests) * 100) / 100;
  return {
    server: per(after.serverMs - before.serverMs),
    postgres: before.postgresMs !== null && after.postgresMs !== null ? per(after.postgresMs - before.postgresMs) : null,
  };
}
