// Where a benchmark run happened, for its results file: the commit checked out. (Uncommitted changes
// are not detected: `git status` would write the index that other work in the tree is using.)
import { execFileSync } from 'node:child_process';

/** `git rev-parse --short HEAD` in `cwd`; undefined outside a git checkout or without git. */
export function gitCommit(cwd: string): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}
