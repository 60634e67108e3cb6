// Vitest global setup of the infra project: one temporary directory for the run, under which every
// synth of test/infra puts its cloud assembly (bundled Lambdas, the staged Docker context). The
// project's files share one process (vitest.config.ts), so a file-level hook in synth.ts would run
// for the first file only; removing the whole directory at the end of the run covers them all.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where this run's test synths put their cloud assemblies; removed when the run ends. */
    synthDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'sms-sender-synths-'));
  project.provide('synthDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
