// A program as busy as the local stack can be on a loaded machine: its event loop is held 200 ms at
// a time, back to back, so a signal is handled up to 200 ms after it arrives. On Ctrl-C it stops
// its own way, as local/main.ts drains and unbinds; run by npm-start-signals.test.ts in its place.

const BUSY_MS = 200;
const held = new Int32Array(new SharedArrayBuffer(4));

process.on('SIGINT', () => {
  process.stdout.write('stopped by its own handler\n');
  process.exit(0);
});
// Atomics.wait holds the thread as a busy task would, without taking a core from the test run.
setInterval(() => Atomics.wait(held, 0, 0, BUSY_MS), 1);
process.stdout.write('running\n');
