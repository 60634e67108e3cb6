// The bind-service child as it ships: bundled by scripts/build-bind-service.sh (the image's build
// script, with its options) and run by plain `node --enable-source-maps`, as the image's CMD runs it,
// not under tsx (whose loader and transform cache add tens of MB of RSS that Fargate never sees).
// Built once per benchmark run into a temp dir.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

/** The image's CMD: node --enable-source-maps main.mjs (bind-service/Dockerfile). */
export const BUNDLE_EXEC_ARGV = ['--enable-source-maps'];

let bundled: Promise<string> | undefined;

/** The path of the bundled bind-service child; the first call builds it, later calls reuse it. */
export function bindServiceBundle(): Promise<string> {
  bundled ??= buildBundle();
  return bundled;
}

/** Asynchronous: the stack (fauxqs, the simulator) runs in this process meanwhile. */
async function buildBundle(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bind-service-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  await promisify(execFile)(
    'sh',
    ['scripts/build-bind-service.sh', join(here, 'bind-service-process.ts'), dir],
    {
      cwd: root,
    },
  );
  return join(dir, 'main.mjs');
}
