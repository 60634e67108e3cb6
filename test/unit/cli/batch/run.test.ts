import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CsvRow } from '#cli/batch/csv-rows.ts';
import { openJournal } from '#cli/batch/journal.ts';
import { mailingKey, mailingOf } from '#cli/batch/mailing.ts';
import { ACCOUNT_REFUSALS_BEFORE_STOP, runBatch } from '#cli/batch/run.ts';
import { createClient } from '#client/index.ts';

// How a run takes 403 account_forbidden: the row's own refusal once the credentials have been seen
// to work (a row accepted), held back (not journalled) until then, and a stop of the run when the
// refusals come with no row accepted. The API is a stand-in fetch answering by recipient.

const FORBIDDEN = {
  type: 'about:blank',
  title: 'Account not allowed for this caller',
  status: 403,
  code: 'account_forbidden',
  detail: 'This caller may not send through the account "uk"; nothing was stored.',
  account: 'uk',
  accounts: ['uk'],
};

/** Answers 403 account_forbidden for +44 numbers, 202 for the others. */
const fakeApi: typeof fetch = async (_url, init) => {
  const { to } = JSON.parse(String(init?.body)) as { to: string };
  if (to.startsWith('+44')) {
    return new Response(JSON.stringify(FORBIDDEN), {
      status: 403,
      headers: { 'content-type': 'application/problem+json' },
    });
  }
  const accepted = { id: '01M89PNMZR2HR54Q7H2NGA9838', status: 'accepted', encoding: 'gsm7', parts: 1 };
  return new Response(JSON.stringify(accepted), {
    status: 202,
    headers: { 'content-type': 'application/json' },
  });
};

describe('a batch run refused 403 account_forbidden', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const run = (recipients: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'smsc-run-'));
    dirs.push(dir);
    const csv = join(dir, 'mailing.csv');
    const mailing = mailingOf('f1', 'http://127.0.0.1:9', { text: 'Hello' });
    const rows: CsvRow[] = recipients.map((to, index) => ({
      row: index + 1,
      message: { to, text: 'Hello', priority: 'bulk' },
    }));
    const summary = runBatch({
      client: createClient({ endpoint: mailing.endpoint, fetch: fakeApi, retries: 0 }),
      rows,
      mailingKey: mailingKey(mailing),
      journal: openJournal(csv, mailing, rows.length),
      concurrency: 1,
      rate: 0,
      stream: process.stderr,
    }).done;
    const journalled = () => readFileSync(`${csv}.progress.jsonl`, 'utf8').trim().split('\n').length - 1;
    return { summary, journalled };
  };

  it('when rows refused so come before the first accepted one, then they are journalled as rejected once it is', async () => {
    // Prepare
    const { summary, journalled } = run(['+447911100001', '+447911100002', '+79997500003', '+447911100004']);
    // Act
    const { rejected, accepted, stoppedBy, unsent } = await summary;
    // Assess
    expect({ rejected: rejected.map((outcome) => outcome.row), accepted, stoppedBy, unsent }).toEqual({
      rejected: [1, 2, 4],
      accepted: 1,
      stoppedBy: undefined,
      unsent: 0,
    });
    expect(journalled()).toBe(4);
  });

  it(`when the first ${ACCOUNT_REFUSALS_BEFORE_STOP} rows are refused so and none accepted, then the run stops with nothing journalled`, async () => {
    // Prepare
    const recipients = Array.from(
      { length: 15 },
      (_, index) => `+4479111000${String(index).padStart(2, '0')}`,
    );
    const { summary, journalled } = run(recipients);
    // Act
    const { rejected, stoppedBy, unsent } = await summary;
    // Assess
    expect({ rejected, stoppedBy, unsent, journalled: journalled() }).toEqual({
      rejected: [],
      stoppedBy: {
        row: 1,
        status: 403,
        code: 'account_forbidden',
        detail: FORBIDDEN.detail,
        refusedAlike: ACCOUNT_REFUSALS_BEFORE_STOP,
      },
      unsent: 15,
      journalled: 0,
    });
  });
});
