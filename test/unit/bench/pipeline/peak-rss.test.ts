import { fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelPeakRss, parseVmHwmBytes } from '#bench/pipeline/children/peak-rss.ts';

// Part (c)'s kernel peak RSS of the bind-service child: VmHWM from /proc/<pid>/status, the peak of
// the child's own memory since its exec, not ru_maxrss (on Linux a forked child's ru_maxrss starts
// at its parent's RSS, and the benchmark's parent holds the whole local stack).

const MB = 2 ** 20;
const STATUS = ['Name:\tnode', 'VmPeak:\t 1205004 kB', 'VmHWM:\t   61440 kB', 'VmRSS:\t   58000 kB', ''].join(
  '\n',
);

describe('parseVmHwmBytes', () => {
  it('when the status has a VmHWM line, then its kB come back as bytes', () => {
    expect(parseVmHwmBytes(STATUS)).toBe(61_440 * 1024);
  });

  it('when the status has no VmHWM line (a kernel thread, another OS), then there is none', () => {
    expect(parseVmHwmBytes('Name:\tkthreadd\nState:\tS (sleeping)\n')).toBeUndefined();
  });
});

describe('kernelPeakRss', () => {
  it('when /proc has no such process, then it falls back to resourceUsage().maxRSS and says so', () => {
    // Act: this process's high-water mark only grows, so it is read on either side.
    const lowest = process.resourceUsage().maxRSS * 1024;
    const peak = kernelPeakRss(2 ** 30);
    const highest = process.resourceUsage().maxRSS * 1024;
    // Assess
    expect(peak.source).toBe('ru_maxrss');
    expect(peak.bytes).toBeGreaterThanOrEqual(lowest);
    expect(peak.bytes).toBeLessThanOrEqual(highest);
  });

  it('when a parent of ~300 MB forks a small node child, then the child peak stays near its own RSS', async () => {
    // Prepare: a parent holding ~300 MB, as the bench process holds the local stack.
    const ballast = Array.from({ length: 30 }, () => Buffer.alloc(10 * MB, 1));
    const dir = mkdtempSync(join(tmpdir(), 'peak-rss-'));
    const file = join(dir, 'child.mjs');
    writeFileSync(
      file,
      "process.send({ rss: process.memoryUsage.rss() }); process.once('message', () => process.exit(0));\n",
    );
    try {
      const child = fork(file, [], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
      const [seen] = (await once(child, 'message')) as [{ rss: number }];
      // Act: read while the child is alive, as the benchmark asks its child.
      const peak = kernelPeakRss(child.pid ?? 0);
      child.send('stop');
      await once(child, 'exit');
      // Assess: the child's own peak is a few tens of MB, not the parent's 300. Without /proc
      // (macOS) there is only the fallback, which must say so.
      expect(ballast.length).toBe(30);
      if (!existsSync('/proc/self/status')) {
        expect(peak.source).toBe('ru_maxrss');
        return;
      }
      expect(peak.source).toBe('VmHWM');
      expect(peak.bytes / MB).toBeLessThan(seen.rss / MB + 50);
      expect(peak.bytes).toBeGreaterThanOrEqual(seen.rss * 0.5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
