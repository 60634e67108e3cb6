// `npm test` after the lint: the type check and the tests at once, not one after the other. tsc keeps
// one core busy for about 20 s, which the tests' first minute shares instead of waiting for; its
// report is printed after the tests' (it would be lost among theirs), and either failing fails the
// run. Arguments go to `vitest run` (`npm test -- test/unit` runs the unit tests, type-checked).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
/** A package's command, the file npm links into node_modules/.bin. */
function binOf(name, command) {
  const manifest = require.resolve(`${name}/package.json`);
  const { bin } = require(manifest);
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin[command]);
}
const tscBin = binOf('typescript', 'tsc');
const vitestBin = binOf('vitest', 'vitest');

/** Resolves with the exit status; a child ended by a signal counts as 128 + its number, as a shell does. */
function exitOf(child) {
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`${child.spawnfile}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 0)));
  });
}

const typecheck = spawn(process.execPath, [tscBin, '--noEmit', '-p', 'tsconfig.json'], {
  stdio: ['ignore', 'pipe', 'pipe'],
});
let report = '';
typecheck.stdout.on('data', (chunk) => {
  report += chunk;
});
typecheck.stderr.on('data', (chunk) => {
  report += chunk;
});
const tests = spawn(process.execPath, [vitestBin, 'run', ...process.argv.slice(2)], { stdio: 'inherit' });

// Ctrl-C reaches both children from the terminal, as their process group's: this process waits for
// them to end (vitest stops its databases first). A SIGTERM sent to this process alone is passed on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => {
  for (const child of [typecheck, tests]) if (child.exitCode === null) child.kill('SIGTERM');
});

const [typecheckStatus, testsStatus] = await Promise.all([exitOf(typecheck), exitOf(tests)]);
if (typecheckStatus === 0) {
  console.log('\nType check (tsc --noEmit): no errors');
} else {
  console.error(`\nType check (tsc --noEmit) failed, exit ${typecheckStatus}:\n${report.trimEnd()}`);
}
process.exitCode = testsStatus !== 0 ? testsStatus : typecheckStatus;
