import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readCsv } from '#cli/batch/csv-rows.ts';
import { openJournal } from '#cli/batch/journal.ts';
import { mailingKey, mailingOf } from '#cli/batch/mailing.ts';
import { runBatch } from '#cli/batch/run.ts';
import { createClient } from '#client/index.ts';
import type { AccountEntryInput } from '#core/domain/accounts/account-schema.ts';
import { accountQueuesJson, useAccountsFile } from '#test/helpers/accounts-file.ts';
import { type ApiStack, useApiHarness } from '#test/helpers/api/api-harness.ts';
import { waitUntil, within } from '#test/helpers/wait.ts';
import { startSigV4Gateway } from '#test/integration/client/sigv4-gateway.ts';
import { useCli } from './cli-process.ts';

// How a `batch` run stops before its end, against the real API on DynamoDB Local and fauxqs (no
// bind-service: rows are accepted, not sent on): Ctrl-C while rows wait for their rate slot, and
// refusals that are about the run (wrong endpoint, refused credentials, no answer at all) rather than
// about a row, and files refused before anything is sent (not UTF-8). Whatever a run did not settle
// must be left for the rerun: never journalled, never reported done; a run that leaves rows refused
// ends with an error, so a script sees they were not sent; and the numbers the API's refusals quote
// are masked wherever the run shows or keeps them.

const LOGIN = { host: '127.0.0.1', port: 2775 };
/** `uk` (numbers +44) is open to one role only: the local API's unsigned caller may not use it. */
const UK_CLOSED: AccountEntryInput[] = [
  { name: 'main', systemId: 'main-login', password: 'fake-pw-1', ...LOGIN },
  {
    name: 'uk',
    systemId: 'uk-login',
    password: 'fake-pw-2',
    ...LOGIN,
    prefixes: ['+44'],
    principals: ['arn:aws:iam::123456789012:role/uk-only'],
  },
];

describe('smsc-sender batch stopping before the end', () => {
  const harness = useApiHarness();
  const accountsFile = useAccountsFile();
  let api: ApiStack | undefined;
  const cli = useCli(() => api?.url ?? 'http://127.0.0.1:1');
  const dir = mkdtempSync(join(tmpdir(), 'smsc-batch-stops-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** A mailing of `rows` rows to numbers starting `prefix`; its path. */
  const mailing = (name: string, prefix: string, rows: number, extra: string[] = []) => {
    const csv = join(dir, name);
    const lines = ['to,text'];
    for (let row = 1; row <= rows; row++)
      lines.push(`${prefix}${String(row).padStart(2, '0')},${name} row ${row}`);
    writeFileSync(csv, `${[...lines, ...extra].join('\n')}\n`);
    return csv;
  };
  /** Journal lines after the header. */
  const journalled = (csv: string) =>
    existsSync(`${csv}.progress.jsonl`)
      ? readFileSync(`${csv}.progress.jsonl`, 'utf8').trim().split('\n').length - 1
      : 0;
  const stored = async () => (api ? (await harness.items(api.tables.messages, 'MSG#')).length : 0);

  // SIGHUP: the terminal closed (an SSH session dropped). Before, it ended the run at once, losing
  // the answers of the rows in flight, unjournalled.
  it.each([
    ['Ctrl-C (SIGINT)', 'SIGINT'],
    ['a closed terminal (SIGHUP)', 'SIGHUP'],
  ] as const)(
    'when %s comes while every remaining row waits for its rate slot, then the run stops at once, is interrupted (130) and the rerun sends the rest',
    {
      timeout: 60_000,
    },
    async (_name, signal) => {
      // Prepare: 12 rows at 1 msg/s; the default concurrency (16) takes them all at once.
      api = await harness.start();
      const csv = mailing(`paced-${signal}.csv`, '+799960000', 12);
      const first = cli(['batch', '--csv', csv, '--rate', '1']);
      await waitUntil(() => journalled(csv) >= 2, 20_000, 'two rows to be journalled');
      // Act
      const stopAt = performance.now();
      first.child.kill(signal);
      const firstCode = await within(first.exited, 20_000, 'the first run to stop');
      const stopSeconds = (performance.now() - stopAt) / 1000;
      const sentByFirst = await stored();
      const journalledByFirst = journalled(csv);
      const rerun = cli(['batch', '--csv', csv]);
      const rerunCode = await within(rerun.exited, 30_000, 'the rerun');
      // Assess: the rows still waiting (due up to 11 s in) are not waited for.
      expect(sentByFirst).toBeLessThan(12);
      expect(stopSeconds, 'seconds from Ctrl-C to the end of the run').toBeLessThan(4);
      expect({ firstCode, stdout: first.stdout }).toEqual({
        firstCode: 130,
        stdout: expect.stringContaining('interrupted: run the same command again to send the rest'),
      });
      expect({ rerunCode, stored: await stored() }, rerun.stdout).toEqual({ rerunCode: 0, stored: 12 });
      expect(rerun.stderr).toContain(`resuming: ${journalledByFirst} of 12 rows settled by earlier runs`);
    },
  );

  it('when the endpoint misses its stage (404 for every row), then nothing is journalled, the run ends with an error (exit 1) and the rerun at the right endpoint sends every row', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    api = await harness.start();
    const csv = mailing('wrong-endpoint.csv', '+799961000', 3);
    // Act
    const wrong = cli(['--endpoint', `${api.url}/prod`, 'batch', '--csv', csv]);
    const wrongCode = await within(wrong.exited, 30_000, 'the run at the wrong endpoint');
    const journalledByWrong = journalled(csv);
    const right = cli(['batch', '--csv', csv]);
    const rightCode = await within(right.exited, 30_000, 'the rerun');
    // Assess
    expect({ wrongCode, journalledByWrong }, wrong.stdout).toEqual({ wrongCode: 1, journalledByWrong: 0 });
    expect(wrong.stderr).toContain('error: row 1 was refused with 404 not_found, which is not about the row');
    expect(wrong.stderr).toContain('check --endpoint');
    expect({ rightCode, stored: await stored() }).toEqual({ rightCode: 0, stored: 3 });
    expect(right.stdout.split('\n')[0]).toContain('3 sent now');
  });

  it('when --endpoint names a port nothing listens on (a typo, the stack not started), then the run stops at the first rows (the README: a wrong --endpoint stops the run at the first) instead of trying every row', {
    timeout: 60_000,
  }, async () => {
    // Prepare: a port that was free a moment ago (connection refused), and 64 rows
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const csv = mailing('unreachable.csv', '+7999790000', 64);
    // Act
    const started = performance.now();
    const run = cli(['--endpoint', `http://127.0.0.1:${port}`, 'batch', '--csv', csv]);
    const code = await within(run.exited, 30_000, 'the run');
    const seconds = (performance.now() - started) / 1000;
    // Assess: stopped as for a refusal of the run: most rows not tried ("not sent"), an error naming
    // the endpoint, and quickly, not ~1.5 s of retries per row (10,000 rows: ~25 minutes).
    const [firstLine] = run.stdout.split('\n');
    expect(
      {
        code,
        notSent: /\d+ not sent/.test(firstLine ?? ''),
        failed: firstLine?.match(/(\d+) failed/)?.[1],
        journalled: journalled(csv),
      },
      run.stdout,
    ).toEqual({ code: 1, notSent: true, failed: expect.not.stringMatching(/^64$/), journalled: 0 });
    expect(run.stderr).toContain(`row 1 got no answer from http://127.0.0.1:${port} (`);
    expect(run.stderr).toContain('check --endpoint');
    expect(seconds).toBeLessThan(5);
  });

  it('when the CSV is not UTF-8 (Excel on a Russian Windows saves Windows-1251), then it is refused (exit 2) and nothing is sent, not mojibake', {
    timeout: 60_000,
  }, async () => {
    // Prepare: "Привет" in Windows-1251
    api = await harness.start();
    const csv = join(dir, 'cp1251.csv');
    const privet = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]);
    writeFileSync(csv, Buffer.concat([Buffer.from('to,text\r\n+79997800001,'), privet, Buffer.from('\r\n')]));
    // Act
    const run = cli(['batch', '--csv', csv]);
    const code = await within(run.exited, 30_000, 'the run');
    const stored = (await harness.items(api.tables.messages, 'MSG#')).map((item) => JSON.stringify(item));
    // Assess
    expect(
      { code, stored: stored.length, replacementCharSent: stored.some((item) => item.includes('\uFFFD')) },
      run.stdout + run.stderr,
    ).toEqual({ code: 2, stored: 0, replacementCharSent: false });
    expect(run.stderr).toContain('line 2 (byte 22) cannot be read as UTF-8');
    expect(run.stderr).toContain('"CSV UTF-8"');
  });

  it('when the SigV4 credentials are refused (API Gateway 403), then no row is journalled as rejected and a run with good credentials sends them', async () => {
    // Prepare: the SigV4 stand-in for API Gateway in front of the real API.
    api = await harness.start();
    const region = 'eu-central-1';
    const credentials = { accessKeyId: 'FAKEACCESSKEYBATCH03', secretAccessKey: 'fake-right-secret' };
    const gateway = await startSigV4Gateway({ target: api.url, region, credentials });
    closers.push(() => gateway.close());
    const path = mailing('expired.csv', '+799962000', 3);
    const csv = readCsv(readFileSync(path), {});
    const identity = mailingOf(csv.fingerprint, gateway.url, {});
    const run = (secretAccessKey: string) =>
      runBatch({
        client: createClient({
          endpoint: gateway.url,
          signing: 'sigv4',
          region,
          credentials: { ...credentials, secretAccessKey },
        }),
        rows: csv.rows,
        mailingKey: mailingKey(identity),
        journal: openJournal(path, identity, csv.rows.length),
        concurrency: 1,
        rate: 0,
        stream: process.stderr,
      }).done;
    // Act
    const refused = await run('expired-or-wrong');
    const journalledByRefused = journalled(path);
    const retried = await run('fake-right-secret');
    // Assess
    expect({ ...refused, seconds: 0 }).toMatchObject({
      rejected: [],
      accepted: 0,
      unsent: 3,
      interrupted: false,
      stoppedBy: { row: 1, status: 403, code: 'unexpected_response' },
    });
    expect(journalledByRefused).toBe(0);
    expect({ accepted: retried.accepted, stoppedBy: retried.stoppedBy, stored: await stored() }).toEqual({
      accepted: 3,
      stoppedBy: undefined,
      stored: 3,
    });
  });

  it('when rows are refused for themselves (invalid, identical to an earlier row, too large for the API), then they are journalled as rejected, the run goes on and the rerun has nothing left', async () => {
    // Prepare: row 3 is invalid, row 4 repeats row 1 within the provider's duplicate window, row 5's
    // text is far beyond the API's body limit (a paste gone wrong: 413), row 6 comes after it.
    api = await harness.start();
    const path = mailing('row-faults.csv', '+799963000', 2, [
      '12,not a number',
      '+79996300001,row-faults.csv row 1',
      `+79996300005,${'x'.repeat(90_000)}`,
      '+79996300006,after the oversized row',
    ]);
    const csv = readCsv(readFileSync(path), {});
    const endpoint = api.url;
    const identity = mailingOf(csv.fingerprint, endpoint, {});
    const run = () =>
      runBatch({
        client: createClient({ endpoint }),
        rows: csv.rows,
        mailingKey: mailingKey(identity),
        journal: openJournal(path, identity, csv.rows.length),
        concurrency: 1,
        rate: 0,
        stream: process.stderr,
      }).done;
    // Act
    const summary = await run();
    const journalledByFirst = journalled(path);
    const rerun = await run();
    // Assess
    expect({
      accepted: summary.accepted,
      rejected: summary.rejected.map(({ row, rejected }) => `${row}:${rejected.status} ${rejected.code}`),
      stoppedBy: summary.stoppedBy,
      journalled: journalledByFirst,
    }).toEqual({
      accepted: 3,
      rejected: ['3:400 validation_failed', '4:409 duplicate_request', '5:413 payload_too_large'],
      stoppedBy: undefined,
      journalled: 6,
    });
    expect({ skipped: rerun.skipped, stoppedBy: rerun.stoppedBy, stored: await stored() }).toEqual({
      skipped: 6,
      stoppedBy: undefined,
      stored: 3,
    });
  });

  it('when rows are rejected for their number, then the summary, --json and the journal show the number masked, as `status` and the logs do', {
    timeout: 60_000,
  }, async () => {
    // Prepare: a Moscow fixed-line number and one written without its "+"
    api = await harness.start();
    const csv = join(dir, 'rejected.csv');
    writeFileSync(csv, 'to,text\n+74951234567,Hello\n79161234567,Hello\n');
    // Act
    const run = cli(['batch', '--csv', csv]);
    const code = await within(run.exited, 30_000, 'the run');
    const json = cli(['--json', 'batch', '--csv', csv]);
    await within(json.exited, 30_000, 'the --json rerun');
    const journal = readFileSync(`${csv}.progress.jsonl`, 'utf8');
    // Assess: both rows rejected and listed (exit 1), their full numbers nowhere
    expect(code).toBe(1);
    expect(run.stdout).toMatch(/│ 1\s+│ validation_failed/);
    const leaked = (text: string) => ['74951234567', '79161234567'].filter((number) => text.includes(number));
    expect({ summary: leaked(run.stdout), json: leaked(json.stdout), journal: leaked(journal) }).toEqual({
      summary: [],
      json: [],
      journal: [],
    });
  });

  it('when the API rejects every row, then the run and its rerun end with an error (exit 1), nothing sent', {
    timeout: 60_000,
  }, async () => {
    // Prepare: numbers exported without their "+" (as a spreadsheet does), all refused by the API.
    api = await harness.start();
    const csv = join(dir, 'no-plus.csv');
    writeFileSync(csv, 'to,text\n79997300001,Hello\n79997300002,Hello\n79997300003,Hello\n');
    // Act
    const run = cli(['batch', '--csv', csv]);
    const runCode = await within(run.exited, 30_000, 'the run');
    const rerun = cli(['batch', '--csv', csv]);
    const rerunCode = await within(rerun.exited, 30_000, 'the rerun');
    // Assess
    expect({ runCode, rerunCode, stored: await stored() }, run.stdout).toEqual({
      runCode: 1,
      rerunCode: 1,
      stored: 0,
    });
    expect(run.stdout.split('\n')[0]).toContain('3 rejected');
    expect(rerun.stdout.split('\n')[0]).toContain('3 settled before, 3 rejected');
  });

  it('when one row routes to an account closed to the caller (403 account_forbidden), then that row alone is rejected and the rest are sent', {
    timeout: 60_000,
  }, async () => {
    // Prepare: row 2 is a UK number, routed to `uk`.
    const queues = await harness.aws.freshQueues();
    api = await harness.start({
      env: { SMPP_ACCOUNTS: accountsFile(UK_CLOSED), ACCOUNT_QUEUES: accountQueuesJson({ uk: queues }) },
    });
    const csv = join(dir, 'mixed.csv');
    writeFileSync(
      csv,
      'to,text\n+79997400001,Hello\n+447911123456,Hello\n+79997400003,Hello\n+79997400004,Hello\n',
    );
    // Act
    const first = cli(['batch', '--csv', csv]);
    const firstCode = await within(first.exited, 30_000, 'the first run');
    const rerun = cli(['batch', '--csv', csv]);
    const rerunCode = await within(rerun.exited, 30_000, 'the rerun');
    // Assess: exit 1 for the rejected row; the rerun has nothing left to send.
    const sentTo = (await harness.items(api.tables.messages, 'MSG#')).map((item) => String(item.to)).sort();
    expect({ firstCode, rerunCode, sentTo, journalled: journalled(csv) }, first.stderr).toEqual({
      firstCode: 1,
      rerunCode: 1,
      sentTo: ['+79997400001', '+79997400003', '+79997400004'],
      journalled: 4,
    });
    expect(first.stdout).toMatch(/│ 2\s+│ account_forbidden/);
    expect(rerun.stdout.split('\n')[0]).toContain('4 settled before, 1 rejected');
  });

  it('when every row is refused 403 account_forbidden and none accepted, then the run stops (exit 1) with nothing journalled', {
    timeout: 60_000,
  }, async () => {
    // Prepare: every row is a UK number: these credentials may use no account the file goes to.
    const queues = await harness.aws.freshQueues();
    api = await harness.start({
      env: { SMPP_ACCOUNTS: accountsFile(UK_CLOSED), ACCOUNT_QUEUES: accountQueuesJson({ uk: queues }) },
    });
    const csv = mailing('all-uk.csv', '+4479111000', 3);
    // Act
    const run = cli(['batch', '--csv', csv]);
    const code = await within(run.exited, 30_000, 'the run');
    // Assess
    expect({ code, journalled: journalled(csv), stored: await stored() }, run.stdout).toEqual({
      code: 1,
      journalled: 0,
      stored: 0,
    });
    expect(run.stderr).toContain('403 account_forbidden');
    expect(run.stderr).toContain('3 row(s) were refused so before any row was accepted');
  });
});
