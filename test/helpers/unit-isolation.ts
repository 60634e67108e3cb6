// The unit project runs all its files in one worker thread, the infra project in one process, the
// stack project's in four kept processes (vitest.config.ts): what a file changed of the globals is
// put back once it ends, so the next file starts as it would in a fresh one.
import { afterAll, vi } from 'vitest';

afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});
