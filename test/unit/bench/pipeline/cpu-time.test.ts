import { describe, expect, it } from 'vitest';
import {
  machineCpuSince,
  parseMachineStat,
  parseThreadStat,
  threadCpuSince,
} from '#bench/pipeline/cpu-time.ts';

// A line of /proc/<pid>/task/<tid>/stat: pid, (name), state, then numbers; utime and stime are
// fields 14 and 15 (clock ticks).
const statLine = (name: string, utime: number, stime: number) =>
  `4242 (${name}) R 1 4242 4242 0 -1 4194560 1234 0 0 0 ${utime} ${stime} 0 0 20 0 45 0 9876 0 0`;

describe('parseThreadStat', () => {
  it('when the thread name holds spaces and parentheses, then the name and utime + stime come back', () => {
    // Act
    const parsed = parseThreadStat(statLine('SQLiteQueue[(x) y]', 250, 40));
    // Assess
    expect(parsed).toEqual({ name: 'SQLiteQueue[(x) y]', ticks: 290 });
  });

  it('when the line is cut short or not a stat line, then nothing is read from it', () => {
    expect(parseThreadStat('4242 (java) R 1 2')).toBeUndefined();
    expect(parseThreadStat('')).toBeUndefined();
  });
});

describe('threadCpuSince', () => {
  it('when threads ran between two snapshots, then the total and the busiest thread come back in ms', () => {
    // Prepare: 100 ticks a second; thread 3 started after the first snapshot
    const before = {
      atMs: 1_000,
      ticksPerSecond: 100,
      threads: new Map([
        [1, { name: 'java', ticks: 500 }],
        [2, { name: 'SQLiteQueue', ticks: 1_000 }],
      ]),
    };
    const after = {
      atMs: 3_000,
      ticksPerSecond: 100,
      threads: new Map([
        [1, { name: 'java', ticks: 520 }],
        [2, { name: 'SQLiteQueue', ticks: 1_190 }],
        [3, { name: 'qtp-41', ticks: 30 }],
      ]),
    };
    // Act
    const summary = threadCpuSince(after, before);
    // Assess: 20 + 190 + 30 ticks = 2,400 ms; the busiest ran 1,900 of the 2,000 ms between them
    expect(summary).toEqual({
      cpuMs: 2_400,
      wallMs: 2_000,
      busiest: { name: 'SQLiteQueue', cpuMs: 1_900 },
    });
  });
});

describe('parseMachineStat', () => {
  it('when the first line of /proc/stat is read, then busy leaves out idle, iowait and steal', () => {
    // Act: user nice system idle iowait irq softirq steal guest guest_nice
    const parsed = parseMachineStat('cpu  2874256 10 596744 5452971 5396 3 60568 700 0 0');
    // Assess
    expect(parsed).toEqual({
      busy: 2874256 + 10 + 596744 + 3 + 60568,
      steal: 700,
      total: 2874256 + 10 + 596744 + 5452971 + 5396 + 3 + 60568 + 700,
    });
  });

  it("when the line is a single CPU's or cut short, then nothing is read from it", () => {
    expect(parseMachineStat('cpu0 1 2 3 4 5 6 7 8')).toBeUndefined();
    expect(parseMachineStat('cpu  1 2 3')).toBeUndefined();
  });
});

describe('machineCpuSince', () => {
  it('when ticks pass between two snapshots, then busy CPU-ms and the stolen share come back', () => {
    // Prepare: 2 cores for 1 s at 100 ticks a second is 200 ticks in all
    const before = { ticksPerSecond: 100, busy: 1_000, steal: 50, total: 5_000 };
    const after = { ticksPerSecond: 100, busy: 1_150, steal: 70, total: 5_200 };
    // Act / Assess
    expect(machineCpuSince(after, before)).toEqual({ busyMs: 1_500, stealPercent: 10 });
  });
});
