// The bind-service child as it ships: an esbuild bundle of bind-service-process.ts run by plain
// `node`, not under tsx (whose loader and transform cache add tens of MB of RSS that Fargate never
// sees). Built once per benchmark run into a temp dir, with scripts/build-bind-service.sh's options.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** ESM output, but `smpp` is CommonJS and calls require() for node built-ins (as in the build script). */
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

let bundled: Promise<string> | undefined;

/** The path of the bundled bind-service child; the first call builds it, later calls reuse it. */
export function bindServiceBundle(): Promise<string> {
  bundled ??= buildBundle();
  return bundled;
}

async function buildBundle(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bind-service-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const outfile = join(dir, 'bind-service-process.mjs');
  await build({
    entryPoints: [join(here, 'bind-service-process.ts')],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    outfile,
    sourcemap: true,
    legalComments: 'external',
    logLevel: 'warning',
    banner: { js: REQUIRE_BANNER },
  });
  return outfile;
}
