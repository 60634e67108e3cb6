// How much of the heap a piece of work leaves reachable once it is done: full collections before
// and after, so only what something still points to counts. For leaks that grow with each message
// (a reaction left on a long-lived promise per wait), measured over enough repetitions that the
// growth dwarfs the collector's noise (well under a megabyte here).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// `gc` is only installed in contexts created after the flag is set.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Bytes of heap still in use after `work` resolves, over what was in use before it. */
export async function retainedBytesAfter(work: () => Promise<void>): Promise<number> {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  await work();
  collectGarbage();
  return process.memoryUsage().heapUsed - before;
}

export const MEGABYTE = 1024 * 1024;
