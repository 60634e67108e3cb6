// The kernel's high-water mark of a process's RSS, for part (c)'s peak next to the 20 ms samples
// (which can miss a peak between two of them). Read from /proc/<pid>/status VmHWM: the peak of the
// process's own memory, which starts afresh at exec. Not process.resourceUsage().maxRSS: on Linux a
// forked child's ru_maxrss starts at its parent's RSS (exec keeps the pre-exec image's figure), so
// the bind-service child would report at least the benchmark parent's RSS, the whole local stack.
// Where there is no /proc (macOS), ru_maxrss is what there is, and the result says which it was.
import { readFileSync } from 'node:fs';

export interface KernelPeakRss {
  bytes: number;
  /** VmHWM: the process's own peak; ru_maxrss: the fallback (on Linux it includes the parent's RSS at fork). */
  source: 'VmHWM' | 'ru_maxrss';
}

/** VmHWM of a /proc/<pid>/status text, in bytes; undefined when the text has none. */
export function parseVmHwmBytes(status: string): number | undefined {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** The peak RSS of `pid` (this process by default) from /proc, else this process's ru_maxrss. */
export function kernelPeakRss(pid: number | 'self' = 'self'): KernelPeakRss {
  let status: string | undefined;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    status = undefined;
  }
  const bytes = status === undefined ? undefined : parseVmHwmBytes(status);
  if (bytes !== undefined) return { bytes, source: 'VmHWM' };
  return { bytes: process.resourceUsage().maxRSS * 1024, source: 'ru_maxrss' };
}
