import type { ChildProcess } from 'node:child_process';

/** What a child process wrote so far, read live (its pipes append as it runs). */
export interface ChildOutput {
  readonly stdout: string;
  readonly stderr: string;
}

export function collectOutput(child: ChildProcess): ChildOutput {
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => {
    output.stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString('utf8');
  });
  return output;
}
