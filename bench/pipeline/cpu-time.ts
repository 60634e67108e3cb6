// CPU time from Linux's /proc: the machine's, and a process's by thread. Part (a) prints where the
// CPU of a message goes (DynamoDB Local's JVM, the bind-service, the stack's own process), because on
// a small machine their sum, not any one of them, sets the local stack's rate.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ThreadTicks {
  name: string;
  /** utime + stime, in clock ticks. */
  ticks: number;
}

export interface ThreadTimes {
  /** When the threads were read (performance.now()). */
  atMs: number;
  ticksPerSecond: number;
  /** By thread id. */
  threads: Map<number, ThreadTicks>;
}

export interface ThreadCpuSummary {
  /** Every thread's CPU time between two snapshots. */
  cpuMs: number;
  wallMs: number;
  /** The thread that ran longest between them. */
  busiest: { name: string; cpuMs: number };
}

/**
 * The name and utime + stime of one line of /proc/<pid>/task/<tid>/stat. The name sits in
 * parentheses and may itself hold spaces and parentheses, so the fields are counted from the last
 * ')'; utime and stime are fields 14 and 15.
 */
export function parseThreadStat(line: string): ThreadTicks | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // From field 3 (the state) on.
  const fields = line.slice(close + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (fields.length < 13 || !Number.isInteger(utime) || !Number.isInteger(stime)) return undefined;
  return { name: line.slice(open + 1, close), ticks: utime + stime };
}

export interface MachineTicks {
  ticksPerSecond: number;
  /** Summed over every CPU: running anything (user, nice, system, irq, softirq). */
  busy: number;
  /** Taken by the hypervisor for other guests while this one wanted to run. */
  steal: number;
  /** Every tick of every CPU, idle and steal included. */
  total: number;
}

/** The first line of /proc/stat: "cpu  user nice system idle iowait irq softirq steal ...". */
export function parseMachineStat(line: string): Omit<MachineTicks, 'ticksPerSecond'> | undefined {
  const [label, ...rest] = line.trim().split(/\s+/);
  const ticks = rest.slice(0, 8).map(Number);
  if (label !== 'cpu' || ticks.length < 8 || !ticks.every(Number.isInteger)) return undefined;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    busy: user + nice + system + irq + softirq,
    steal,
    total: user + nice + system + idle + iowait + irq + softirq + steal,
  };
}

/** The machine's CPU ticks now; undefined where there is no /proc/stat. */
export function readMachineTicks(): MachineTicks | undefined {
  try {
    const parsed = parseMachineStat(readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '');
    return parsed && { ticksPerSecond: clockTicksPerSecond(), ...parsed };
  } catch {
    return undefined;
  }
}

let ticksPerSecond: number | undefined;

/** USER_HZ: 100 on every Linux build in use; asked of getconf in case this one differs. */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * A process's CPU time so far (utime + stime of /proc/<pid>/stat, which keeps the time of threads
 * that have ended), in ms; undefined where there is no /proc or the process is gone.
 */
export function readProcessCpuMs(pid: number): number | undefined {
  try {
    const parsed = parseThreadStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return parsed && (parsed.ticks * 1000) / clockTicksPerSecond();
  } catch {
    return undefined;
  }
}

/** The process's threads now; undefined where there is no /proc (not Linux) or the process is gone. */
export function readThreadTimes(pid: number): ThreadTimes | undefined {
  const threads = new Map<number, ThreadTicks>();
  let ids: string[];
  try {
    ids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  for (const id of ids) {
    try {
      const parsed = parseThreadStat(readFileSync(`/proc/${pid}/task/${id}/stat`, 'utf8'));
      if (parsed) threads.set(Number(id), parsed);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return { atMs: performance.now(), ticksPerSecond: clockTicksPerSecond(), threads };
}

/**
 * CPU time between two snapshots of one process. A thread started in between counts from zero; one
 * that ended in between is missing from `after`, and its time with it.
 */
export function threadCpuSince(after: ThreadTimes, before: ThreadTimes): ThreadCpuSummary {
  const msPerTick = 1000 / after.ticksPerSecond;
  let cpuMs = 0;
  let busiest = { name: '', cpuMs: 0 };
  for (const [id, thread] of after.threads) {
    const ms = (thread.ticks - (before.threads.get(id)?.ticks ?? 0)) * msPerTick;
    cpuMs += ms;
    if (ms > busiest.cpuMs) busiest = { name: thread.name, cpuMs: ms };
  }
  return { cpuMs, wallMs: after.atMs - before.atMs, busiest };
}

/** The machine's busy CPU time between two snapshots, and the share of it stolen by the hypervisor. */
export function machineCpuSince(
  after: MachineTicks,
  before: MachineTicks,
): { busyMs: number; stealPercent: number } {
  const total = after.total - before.total;
  return {
    busyMs: ((after.busy - before.busy) * 1000) / after.ticksPerSecond,
    stealPercent: total > 0 ? (100 * (after.steal - before.steal)) / total : 0,
  };
}
