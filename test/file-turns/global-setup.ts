import type { TestProject } from 'vitest/node';
import { startTurnKeeper } from './turn-keeper.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's turn keeper (test/file-turns/turn-keeper.ts), on 127.0.0.1. */
    fileTurnsPort: number;
  }
}

/** Vitest global setup: one turn keeper for the run's stack files (vitest.config.ts says why). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const keeper = await startTurnKeeper();
  project.provide('fileTurnsPort', keeper.port);
  return () => keeper.close();
}
