import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

// The esbuild settings of every Lambda, in one place: NodeFunction hands them to CDK's bundler, and
// scripts/bundle-size.ts builds with the very same values to measure what gets deployed.

/** ESM output still has to run CommonJS dependencies that call `require` (node built-ins). */
export const REQUIRE_SHIM =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export const LAMBDA_BUNDLE = {
  target: 'node22',
  format: 'esm',
  platform: 'node',
  // Smaller code loads faster at cold start; names are kept so stack frames in logs stay readable.
  minify: true,
  keepNames: true,
  // A source map would double the package for error paths only; stack frames carry names already.
  sourcemap: false,
  banner: REQUIRE_SHIM,
  mainFields: ['module', 'main'],
  // The Node.js 22 runtime ships AWS SDK v3: bundling it would add ~400 kB (1.16 MB in all) to every
  // cold start. The API uses only long-stable DynamoDB, SQS, EventBridge and Secrets Manager calls.
  external: ['@aws-sdk/*'] as string[],
} as const;

export function cdkBundlingOptions(): BundlingOptions {
  return {
    target: LAMBDA_BUNDLE.target,
    format: OutputFormat.ESM,
    minify: LAMBDA_BUNDLE.minify,
    keepNames: LAMBDA_BUNDLE.keepNames,
    sourceMap: LAMBDA_BUNDLE.sourcemap,
    banner: LAMBDA_BUNDLE.banner,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    externalModules: [...LAMBDA_BUNDLE.external],
    // Synth must work on a machine without Docker: the locally installed esbuild does the bundling.
    forceDockerBundling: false,
  };
}
