// The unit and infra projects run all their files in one process each (vitest.config.ts): what a
// file changed of the process's globals is put back once it ends, so the next file starts as it
// would in a fresh one.
import { afterAll, vi } from 'vitest';

afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});
