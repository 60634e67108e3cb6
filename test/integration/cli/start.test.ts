import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { within } from '#test/helpers/wait.ts';
import { useCli } from './cli-process.ts';

// `smsc-sender start --smsc-config FILE`: the block is read before anything starts, so a bad one
// stops the start at once, naming the file and line, with no database or port left behind.

describe('smsc-sender start --smsc-config', () => {
  const cli = useCli(() => 'http://127.0.0.1:9');
  const dir = mkdtempSync(join(tmpdir(), 'smsc-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when the block holds a misspelt key, then start exits non-zero naming the file, the line and the key meant', async () => {
    // Prepare
    const file = join(dir, 'smsc.conf');
    writeFileSync(file, 'group = smsc\nsmsc = smpp\nhost = smpp.smscentre.com\nsmsc-usrname = acme\n');
    // Act
    const start = cli(['start', '--smsc-config', file, '--port', '0']);
    const code = await within(start.exited, 20_000, 'start to exit');
    // Assess
    expect(code).toBe(1);
    expect(start.stderr).toContain(
      `SMPP_CONFIG_FILE: ${file} line 4: unknown key smsc-usrname; did you mean smsc-username?`,
    );
  });

  it('when the block file does not exist, then start exits non-zero naming it', async () => {
    // Act
    const start = cli(['start', '--smsc-config', join(dir, 'missing.conf'), '--port', '0']);
    const code = await within(start.exited, 20_000, 'start to exit');
    // Assess
    expect(code).toBe(1);
    expect(start.stderr).toMatch(/SMPP_CONFIG_FILE: cannot read .*missing\.conf: ENOENT/);
  });
});
