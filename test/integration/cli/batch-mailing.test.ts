import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ApiStack, useApiHarness } from '#test/helpers/api/api-harness.ts';
import { within } from '#test/helpers/wait.ts';
import { useCli } from './cli-process.ts';

// A `batch` journal belongs to one mailing: the CSV's bytes, the endpoint it was sent to and the
// options that fill its rows (--text, --from, --account, --priority). The same file run again as
// another mailing (another stack, another text) is refused, never taken for a finished resume.

describe('smsc-sender batch run again as another mailing of the same file', () => {
  const harness = useApiHarness();
  const dir = mkdtempSync(join(tmpdir(), 'smsc-batch-mailing-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let endpoint = 'http://127.0.0.1:1';
  const cli = useCli(() => endpoint);
  const stored = async (api: ApiStack) => (await harness.items(api.tables.messages, 'MSG#')).length;

  /** Three recipients numbered after `prefix`, no text column; its path. */
  const recipients = (name: string, prefix: string) => {
    const csv = join(dir, name);
    writeFileSync(csv, `to\n${prefix}01\n${prefix}02\n${prefix}03\n`);
    return csv;
  };

  it('when a mailing tried on one stack is run against another endpoint, then the run is refused (exit 2) naming both, and with the journal moved away the other stack gets every row', {
    timeout: 90_000,
  }, async () => {
    // Prepare
    const staging = await harness.start();
    const production = await harness.start();
    const csv = recipients('to-prod.csv', '+799971000');
    endpoint = staging.url;
    const tried = cli(['batch', '--csv', csv, '--text', 'Sale starts today']);
    expect(await within(tried.exited, 30_000, 'the run on the first stack')).toBe(0);
    // Act
    const args = ['--endpoint', production.url, 'batch', '--csv', csv, '--text', 'Sale starts today'];
    const refused = cli(args);
    const refusedCode = await within(refused.exited, 30_000, 'the run on the second stack');
    const storedByRefused = await stored(production);
    renameSync(`${csv}.progress.jsonl`, `${csv}.staging.progress.jsonl`);
    const sent = cli(args);
    const sentCode = await within(sent.exited, 30_000, 'the run with the journal moved away');
    // Assess
    expect({ refusedCode, storedByRefused }, refused.stdout).toEqual({ refusedCode: 2, storedByRefused: 0 });
    expect(refused.stderr).toContain(`the endpoint ${staging.url}, not ${production.url}`);
    expect(refused.stderr).toContain('move the journal away');
    expect({ sentCode, stored: await stored(production) }, sent.stderr).toEqual({ sentCode: 0, stored: 3 });
    expect(sent.stdout.split('\n')[0]).toContain('3 sent now');
  });

  it('when the same recipients are mailed again with another --text, then the run is refused naming --text, and with the journal moved away the new text is sent', {
    timeout: 90_000,
  }, async () => {
    // Prepare
    const api = await harness.start();
    endpoint = api.url;
    const csv = recipients('recipients.csv', '+799972000');
    const monday = cli(['batch', '--csv', csv, '--text', 'Monday promo']);
    expect(await within(monday.exited, 30_000, 'the first mailing')).toBe(0);
    // Act
    const refused = cli(['batch', '--csv', csv, '--text', 'Tuesday promo']);
    const refusedCode = await within(refused.exited, 30_000, 'the second mailing');
    const storedByRefused = await stored(api);
    renameSync(`${csv}.progress.jsonl`, `${csv}.monday.progress.jsonl`);
    const tuesday = cli(['batch', '--csv', csv, '--text', 'Tuesday promo']);
    const tuesdayCode = await within(tuesday.exited, 30_000, 'the second mailing, journal moved away');
    // Assess
    expect({ refusedCode, storedByRefused }, refused.stdout).toEqual({ refusedCode: 2, storedByRefused: 3 });
    expect(refused.stderr).toContain('--text "Monday promo", not "Tuesday promo"');
    expect({ tuesdayCode, stored: await stored(api) }, tuesday.stderr).toEqual({ tuesdayCode: 0, stored: 6 });
  });

  it('when a mailing is run again with the same endpoint and options (in another order), then it resumes', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const api = await harness.start();
    endpoint = api.url;
    const csv = recipients('resumed.csv', '+799973000');
    const first = cli(['batch', '--csv', csv, '--text', 'Hello', '--priority', 'urgent']);
    expect(await within(first.exited, 30_000, 'the first run')).toBe(0);
    // Act
    const rerun = cli(['batch', '--csv', csv, '--priority', 'urgent', '--text', 'Hello']);
    const rerunCode = await within(rerun.exited, 30_000, 'the rerun');
    // Assess
    expect({ rerunCode, stored: await stored(api) }, rerun.stderr).toEqual({ rerunCode: 0, stored: 3 });
    expect(rerun.stdout.split('\n')[0]).toContain('3 settled before');
  });
});
