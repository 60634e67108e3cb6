// Biome catches `.only`/`.skip` on describe/it/test; this also catches todo and x-prefixed forms,
// so a focused or parked test can never land silently.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const pattern =
  /\b(?:describe|it|test)\.(?:only|skip|todo|skipIf|runIf)\s*\(|\b(?:xit|xdescribe|fit|fdescribe)\s*\(/;
const offenders = [];

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(test|fault)\.ts$/.test(name)) {
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          if (pattern.test(line)) offenders.push(`${path}:${index + 1}: ${line.trim()}`);
        });
    }
  }
}

walk('test');
if (offenders.length > 0) {
  console.error(`Focused, skipped or todo tests are not allowed:\n${offenders.join('\n')}`);
  process.exit(1);
}
