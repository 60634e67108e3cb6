// `npm run bench -- <name>`: runs one benchmark (or all, without a name). Benchmarks print what they
// measured and write it to bench/results/<name>.json; they are not tests and assert nothing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BENCHMARKS = ['smpp', 'pipeline', 'dynamodb-local', 'records'].filter((name) =>
  existsSync(join(here, `${name}.ts`)),
);
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !BENCHMARKS.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}

for (const name of requested.length > 0 ? requested : BENCHMARKS) {
  console.log(`== bench: ${name}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
