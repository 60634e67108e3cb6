import { fileURLToPath } from 'node:url';

// Where the code the stack deploys lives. `cdk/` imports no runtime code (DESIGN "Imports"): only
// these entry paths, resolved from this file so synth works from any working directory.

/** The repository root: the Docker build context of the bind-service and the esbuild project root. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

const fromRoot = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

export const ENTRIES = {
  api: fromRoot('lambdas/api/handler.ts'),
  statusStream: fromRoot('lambdas/status-stream/handler.ts'),
  callbacks: fromRoot('lambdas/callbacks/handler.ts'),
  sweeper: fromRoot('lambdas/sweeper/handler.ts'),
  lockFile: fromRoot('package-lock.json'),
  /** Relative to PROJECT_ROOT, as Docker wants it. */
  bindServiceDockerfile: 'bind-service/Dockerfile',
} as const;
