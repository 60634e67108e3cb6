// Prints the size of each Lambda bundle, built with exactly the esbuild settings the stack deploys
// (cdk/constructs/lambda-bundling.ts), and fails when one exceeds 1 MB: bundle size is cold-start time.
// Usage: npm run bundle-size
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE } from '../cdk/constructs/compute/lambda-bundling.ts';
import { ENTRIES } from '../cdk/paths.ts';

const LIMIT_BYTES = 1_000_000;

const lambdas = {
  api: ENTRIES.api,
  'status-stream': ENTRIES.statusStream,
  sweeper: ENTRIES.sweeper,
} as const;

const outdir = mkdtempSync(join(tmpdir(), 'lambda-bundles-'));
let failed = false;
try {
  for (const [name, entry] of Object.entries(lambdas)) {
    const outfile = join(outdir, name, 'index.mjs');
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: LAMBDA_BUNDLE.platform,
      target: LAMBDA_BUNDLE.target,
      format: LAMBDA_BUNDLE.format,
      minify: LAMBDA_BUNDLE.minify,
      keepNames: LAMBDA_BUNDLE.keepNames,
      sourcemap: LAMBDA_BUNDLE.sourcemap,
      banner: { js: LAMBDA_BUNDLE.banner },
      mainFields: [...LAMBDA_BUNDLE.mainFields],
      external: [...LAMBDA_BUNDLE.external],
      logLevel: 'warning',
    });
    const bytes = statSync(outfile).size;
    const verdict = bytes <= LIMIT_BYTES ? 'ok' : `OVER the ${LIMIT_BYTES} byte limit`;
    console.log(
      `${name.padEnd(14)} ${String(bytes).padStart(9)} bytes (${(bytes / 1024).toFixed(1)} KiB)  ${verdict}`,
    );
    if (bytes > LIMIT_BYTES) failed = true;
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
if (failed) process.exit(1);
