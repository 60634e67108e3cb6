import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CsvRow } from '#cli/batch/csv-rows.ts';
import { openJournal } from '#cli/batch/journal.ts';
import { mailingKey, mailingOf } from '#cli/batch/mailing.ts';
import { ACCOUNT_REFUSALS_BEFORE_STOP, runBatch } from '#cli/batch/run.ts';
import { createClient, type SendResult, type SmscClient } from '#client/index.ts';

// How a run takes 403 account_forbidden: the row's own refusal once the credentials have been seen
// to work (a row accepted), held back (not journalled) until then, and a stop of the run when the
// refusals come with no row accepted. Then how it takes no answer at all, masks the numbers the API's
// refusals quote, and keeps to --rate after a stall. The API is a stand-in fetch.

const FORBIDDEN = {
  type: 'about:blank',
  title: 'Account not allowed for this caller',
  status: 403,
  code: 'account_forbidden',
  detail: 'This caller may not send through the account "uk"; nothing was stored.',
  account: 'uk',
  accounts: ['uk'],
};

const jsonAnswer = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
const accepted = (n = 38) => ({
  id: `01M89PNMZR2HR54Q7H2NGA98${String(n).padStart(2, '0')}`,
  status: 'accepted',
  encoding: 'gsm7',
  parts: 1,
});

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

/** A passing refusal: nothing of the row was queued, the client may send it again. */
const BUSY = { type: 'about:blank', title: 'Busy', status: 503, code: 'enqueue_failed', detail: 'x' };

describe('a batch run against the API as it answers, or does not', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A run of `count` rows through `api`; the journal's path with it. */
  const start = (
    api: typeof fetch,
    count: number,
    options: { concurrency?: number; rate?: number; firstClient?: boolean } = {},
  ) => {
    const dir = mkdtempSync(join(tmpdir(), 'smsc-run-'));
    dirs.push(dir);
    const csv = join(dir, 'mailing.csv');
    const mailing = mailingOf('f2', 'http://127.0.0.1:9', { text: 'Hello' });
    const rows: CsvRow[] = Array.from({ length: count }, (_, index) => ({
      row: index + 1,
      message: { to: `+7999750000${String(index).padStart(2, '0')}`, text: 'Hello', priority: 'bulk' },
    }));
    const runOnce = () =>
      runBatch({
        client: createClient({ endpoint: mailing.endpoint, fetch: api, retries: 0 }),
        ...(options.firstClient
          ? { firstClient: createClient({ endpoint: mailing.endpoint, fetch: api, retries: 0 }) }
          : {}),
        rows,
        mailingKey: mailingKey(mailing),
        journal: openJournal(csv, mailing, rows.length),
        concurrency: options.concurrency ?? 1,
        rate: options.rate ?? 0,
        stream: process.stderr,
      }).done;
    return { runOnce, journal: `${csv}.progress.jsonl` };
  };
  const journalLines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').slice(1);

  it('when the API stalls on one row for 1 s, then the rows after it still go at most --rate per second', {
    timeout: 20_000,
  }, async () => {
    // Prepare: 8 rows at --rate 4, one request in flight; the first answer takes 1 s (a slow API, a
    // retried request), the others come at once. Paced from the start, rows 2-5 were overdue by then.
    const sentAt: number[] = [];
    const slowFirst: typeof fetch = async () => {
      sentAt.push(performance.now());
      if (sentAt.length === 1) await new Promise((resolve) => setTimeout(resolve, 1_000));
      return jsonAnswer(202, accepted(sentAt.length));
    };
    const { runOnce } = start(slowFirst, 8, { rate: 4 });
    // Act
    const { accepted: sent } = await runOnce();
    // Assess: the most sends that fell within any one second. The limiter keeps its grants a window
    // apart; each send starts after its grant by however late the event loop runs it, so a window is
    // counted 20 ms short (a CI run beside the stack's files once saw 5 sends within 998 ms).
    const SCHEDULING_ALLOWANCE_MS = 20;
    let most = 0;
    for (const first of sentAt) {
      const within = sentAt.filter((t) => t >= first && t < first + 1_000 - SCHEDULING_ALLOWANCE_MS);
      most = Math.max(most, within.length);
    }
    const times = sentAt.map((t) => Math.round(t - (sentAt[0] ?? 0))).join(', ');
    expect(most, `send times (ms): ${times}`).toBeLessThanOrEqual(4);
    expect(sent).toBe(8);
  });

  it('when no row gets an answer (nothing listens at the endpoint), then the run stops at the first with nothing journalled', async () => {
    // Prepare
    let calls = 0;
    const refusedConnection: typeof fetch = async () => {
      calls += 1;
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    };
    const { runOnce, journal } = start(refusedConnection, 40, { concurrency: 4 });
    // Act
    const { stoppedBy, failed, unsent } = await runOnce();
    // Assess: row 1 went alone (no other worker's row waits out the retries), and stopped the run
    expect({ stoppedBy, failed, unsent, journalled: journalLines(journal), calls }).toEqual({
      stoppedBy: {
        row: 1,
        status: 0,
        code: 'network_error',
        detail: expect.stringContaining('ECONNREFUSED'),
      },
      failed: [],
      unsent: 40,
      journalled: [],
      calls: 1,
    });
  });

  it('when rows get no answer after an earlier row had one, then they fail alone, listed by row, and the run goes on', async () => {
    // Prepare: row 1 is accepted at once; rows 2, 4, … get no answer, the later rows sooner (so the
    // failures come out of row order).
    const flaky: typeof fetch = async (_url, init) => {
      const { to } = JSON.parse(String(init?.body)) as { to: string };
      const row = Number(to.slice(-2)) + 1;
      if (row % 2 === 1) return jsonAnswer(202, accepted(row));
      await new Promise((resolve) => setTimeout(resolve, (12 - row) * 5));
      throw new TypeError('fetch failed');
    };
    const { runOnce, journal } = start(flaky, 10, { concurrency: 4 });
    // Act
    const { stoppedBy, failed, accepted: sent, unsent } = await runOnce();
    // Assess
    expect({ stoppedBy, failed: failed.map((failure) => failure.row), sent, unsent }).toEqual({
      stoppedBy: undefined,
      failed: [2, 4, 6, 8, 10],
      sent: 5,
      unsent: 0,
    });
    expect(journalLines(journal)).toHaveLength(5);
  });

  it('when the first row gets a passing refusal (503) through the first client, then the client sends it again and the run goes on', async () => {
    // Prepare
    let calls = 0;
    const busyOnce: typeof fetch = async () => {
      calls += 1;
      if (calls === 1) {
        return jsonAnswer(503, BUSY);
      }
      return jsonAnswer(202, accepted(calls));
    };
    const { runOnce } = start(busyOnce, 3, { firstClient: true, concurrency: 3 });
    // Act
    const { accepted: sent, failed, stoppedBy } = await runOnce();
    // Assess
    expect({ sent, failed, stoppedBy, calls }).toEqual({
      sent: 3,
      failed: [],
      stoppedBy: undefined,
      calls: 4,
    });
  });

  it('when the first row gets a 503 and its resend no answer, then the run does not blame the endpoint: the row failed on its own', async () => {
    // Prepare: the API answers 503, then the connection drops for that row; later rows are accepted
    let calls = 0;
    const busyThenGone: typeof fetch = async () => {
      calls += 1;
      if (calls === 1) {
        return jsonAnswer(503, BUSY);
      }
      if (calls === 2) throw new TypeError('fetch failed');
      return jsonAnswer(202, accepted(calls));
    };
    const { runOnce } = start(busyThenGone, 3, { firstClient: true });
    // Act
    const { accepted: sent, failed, stoppedBy } = await runOnce();
    // Assess: before, the run stopped with "got no answer from <endpoint>", though the API had answered
    expect({ sent, failed: failed.map((row) => row.row), stoppedBy }).toEqual({
      sent: 2,
      failed: [1],
      stoppedBy: undefined,
    });
  });

  it("when the API's refusal quotes the row's number, then the summary and the journal mask it, and the rerun still skips the row", async () => {
    // Prepare: row 1 is refused quoting its number, in the detail and in the reasons.
    const quoting: typeof fetch = async (_url, init) => {
      const { to } = JSON.parse(String(init?.body)) as { to: string };
      if (!to.endsWith('00')) return jsonAnswer(202, accepted());
      return jsonAnswer(400, {
        type: 'about:blank',
        title: 'Invalid request',
        status: 400,
        code: 'validation_failed',
        detail: `to: ${to} is a fixed-line number`,
        errors: [{ path: 'to', message: `${to.slice(1)} is not a mobile number` }],
      });
    };
    const { runOnce, journal } = start(quoting, 2);
    // Act
    const first = await runOnce();
    const rerun = await runOnce();
    // Assess
    const leaked = (text: string) => text.includes('799975000000');
    expect({
      summary: leaked(JSON.stringify(first)),
      journal: leaked(readFileSync(journal, 'utf8')),
      rerunSkipped: rerun.skipped,
    }).toEqual({ summary: false, journal: false, rerunSkipped: 2 });
    expect(rerun.rejected).toEqual([
      {
        row: 1,
        rejected: {
          status: 400,
          code: 'validation_failed',
          detail: 'to: +7999******00 is a fixed-line number',
          reasons: ['+7999******00 is not a mobile number'],
        },
      },
    ]);
  });

  it('when a journal written before the masking holds a number in its reasons, then the resumed run lists it masked', async () => {
    // Prepare: row 1 settled by an earlier version, its reason unmasked
    const { runOnce, journal } = start(async () => jsonAnswer(202, accepted()), 2);
    await runOnce();
    const [header, , second] = readFileSync(journal, 'utf8').split('\n');
    const old = {
      row: 1,
      rejected: { status: 400, code: 'validation_failed', detail: 'x', reasons: ['79997500000 is bad'] },
    };
    writeFileSync(journal, `${header}\n${JSON.stringify(old)}\n${second}\n`);
    // Act
    const { rejected, skipped } = await runOnce();
    // Assess
    expect({ reasons: rejected.map((outcome) => outcome.rejected.reasons), skipped }).toEqual({
      reasons: [['+7999*****00 is bad']],
      skipped: 2,
    });
  });
});

describe('a batch run and an answer that names no message', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A run of 3 rows through `client`; the journal's lines after its header with it. */
  const start = (client: (endpoint: string) => SmscClient) => {
    const dir = mkdtempSync(join(tmpdir(), 'smsc-run-'));
    dirs.push(dir);
    const csv = join(dir, 'mailing.csv');
    const mailing = mailingOf('f3', 'http://127.0.0.1:9', { text: 'Hello' });
    const rows: CsvRow[] = [1, 2, 3].map((row) => ({
      row,
      message: { to: `+7999750000${row}`, text: 'Hello', priority: 'bulk' },
    }));
    const done = runBatch({
      client: client(mailing.endpoint),
      rows,
      mailingKey: mailingKey(mailing),
      journal: openJournal(csv, mailing, rows.length),
      concurrency: 1,
      rate: 0,
      stream: process.stderr,
    }).done;
    const journalled = () => readFileSync(`${csv}.progress.jsonl`, 'utf8').trim().split('\n').slice(1);
    return { done, journalled };
  };

  it('when every row is answered 202 with JSON that is not the API’s, then the run stops at row 1 with nothing journalled', async () => {
    // Prepare: a login page's JSON, as a redirect followed would have brought
    const { done, journalled } = start((endpoint) =>
      createClient({ endpoint, fetch: async () => jsonAnswer(202, { page: 'login' }), retries: 0 }),
    );
    // Act
    const { stoppedBy, accepted: sent, unsent } = await done;
    // Assess
    expect({ stoppedBy, sent, unsent, journalled: journalled() }).toEqual({
      stoppedBy: { row: 1, status: 202, code: 'unexpected_response', detail: expect.any(String) },
      sent: 0,
      unsent: 3,
      journalled: [],
    });
  });

  it('when the client resolves a send without an id, then the row is not journalled as sent and the run stops', async () => {
    // Prepare: a client (another implementation, a stub) whose result lacks the id
    const { done, journalled } = start((endpoint) => ({
      ...createClient({ endpoint }),
      send: async (_message, options) =>
        ({ replayed: false, idempotencyKey: options?.idempotencyKey ?? '' }) as unknown as SendResult,
    }));
    // Act
    const { stoppedBy, accepted: sent } = await done;
    // Assess
    expect({ stoppedBy, sent, journalled: journalled() }).toEqual({
      stoppedBy: {
        row: 1,
        status: 202,
        code: 'unexpected_response',
        detail: 'the answer to row 1 names no message id',
      },
      sent: 0,
      journalled: [],
    });
  });
});
