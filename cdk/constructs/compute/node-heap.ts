// V8 sizes its heap from the memory the process sees, which need not be the container's limit (on
// the benchmark's machine it is the host's), and with a large limit it lets the old generation grow
// to about 4 times what is live before a full collection, and the young generation to 2 × 16 MB.
// Stating the task's size makes the limit explicit wherever the image runs.
// Measured at window 2000 (bench part (c)): about 50 MB live, 191 MB of old space and 32 MB of new
// space at the peak, 301 MB of RSS. Told the task's size, V8 picks a factor near 2 and collects
// before it grows the process to the limit; a 4 MB semi-space keeps the young generation at 8 MB.
// Both are limits on garbage, not on work: the messages held stay bounded by the window.

/** Young generation semi-space, MB: 2 × 4 MB instead of 2 × 16 MB. */
const SEMI_SPACE_MB = 4;

/** The old generation's share of the task's memory; the rest is new space, code, buffers, native. */
const OLD_SPACE_SHARE = 0.5;

/** NODE_OPTIONS for the bind-service in a task (or a benchmark child) of this much memory. */
export function bindServiceNodeOptions(memoryLimitMiB: number): string {
  const oldSpaceMb = Math.floor(memoryLimitMiB * OLD_SPACE_SHARE);
  return `--max-old-space-size=${oldSpaceMb} --max-semi-space-size=${SEMI_SPACE_MB}`;
}
