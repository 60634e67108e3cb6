import { describe, expect, it } from 'vitest';
import { CallbackError } from '#core/callbacks/callback.ts';
import { CallbackRefusedError, type CallbackSender } from '#core/callbacks/callback-sender.ts';
import type { CallbackOutcome } from '#core/domain/messages/message-model.ts';
import { type CallbackWorkerPorts, handleCallbackJobs } from '#lambdas/callbacks/handle-jobs.ts';
import { callbackWorkerLogger } from '#lambdas/callbacks/ports.ts';
import { captureLogs } from '#test/helpers/logs.ts';
import { callbackJob } from './jobs.ts';

const NOW = new Date('2025-01-01T00:00:05.000Z');

function ports(sendCallback: CallbackSender, overrides: Partial<CallbackWorkerPorts> = {}) {
  const outcomes: { id: string; outcome: CallbackOutcome }[] = [];
  const delays: { receiptHandle: string; seconds: number }[] = [];
  const { lines: logs, write } = captureLogs();
  const built: CallbackWorkerPorts = {
    sendCallback,
    recordOutcome: async (id, outcome) => {
      outcomes.push({ id, outcome });
    },
    delayRetry: async (receiptHandle, seconds) => {
      delays.push({ receiptHandle, seconds });
    },
    maxAttempts: 8,
    log: callbackWorkerLogger(write),
    now: () => NOW,
    ...overrides,
  };
  return { ports: built, outcomes, delays, logs };
}

const answering =
  (status?: number): CallbackSender =>
  async () => {
    throw new CallbackError(status ? `callback answered ${status}` : 'callback timed out', status);
  };

describe('handleCallbackJobs', () => {
  it('when the receiver takes the callback with 204, then the job is done and the message records a delivery with that status', async () => {
    // Prepare
    const { ports: p, outcomes, delays } = ports(async () => 204);
    const job = callbackJob({ attempt: 2 });
    // Act
    const response = await handleCallbackJobs([job], p);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(delays).toEqual([]);
    expect(outcomes).toEqual([
      {
        id: '01JZ0000000000000000000001',
        outcome: {
          attempts: 2,
          lastStatus: 204,
          lastAt: NOW.toISOString(),
          outcome: 'delivered',
          forStatus: 'delivered',
        },
      },
    ]);
  });

  it('when the receiver answers 503 on attempt 3, then the job comes back after the third back-off and the message says retrying', async () => {
    // Prepare
    const { ports: p, outcomes, delays } = ports(answering(503));
    const job = callbackJob({ attempt: 3 });
    // Act
    const response = await handleCallbackJobs([job], p);
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: job.messageId }]);
    expect(delays).toEqual([{ receiptHandle: job.receiptHandle, seconds: 120 }]);
    expect(outcomes[0]?.outcome).toMatchObject({ attempts: 3, lastStatus: 503, outcome: 'retrying' });
  });

  it('when the last allowed attempt times out, then the job is failed and made visible at once (SQS moves it to the DLQ)', async () => {
    // Prepare
    const { ports: p, outcomes, delays } = ports(answering());
    const job = callbackJob({ attempt: 8 });
    // Act
    const response = await handleCallbackJobs([job], p);
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: job.messageId }]);
    expect(delays).toEqual([{ receiptHandle: job.receiptHandle, seconds: 0 }]);
    expect(outcomes[0]?.outcome).toMatchObject({ attempts: 8, lastStatus: null, outcome: 'failed' });
  });

  it.each([
    [302, 'rejected'],
    [404, 'rejected'],
  ])(
    'when the receiver answers %i, then the job is not retried and the message says %s',
    async (status, outcome) => {
      // Prepare
      const { ports: p, outcomes, delays } = ports(answering(status));
      // Act
      const response = await handleCallbackJobs([callbackJob()], p);
      // Assess
      expect(response.batchItemFailures).toEqual([]);
      expect(delays).toEqual([]);
      expect(outcomes[0]?.outcome).toMatchObject({ attempts: 1, lastStatus: status, outcome });
    },
  );

  it('when the target is refused, then the job is not retried and the message says refused', async () => {
    // Prepare
    const { ports: p, outcomes } = ports(async () => {
      throw new CallbackRefusedError('loopback or link-local address');
    });
    // Act
    const response = await handleCallbackJobs([callbackJob()], p);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(outcomes[0]?.outcome).toMatchObject({ lastStatus: null, outcome: 'refused' });
  });

  it('when one receiver fails and another takes its callback, then only the failing job is reported', async () => {
    // Prepare
    const failing = callbackJob({ url: 'https://dead.example.com/hook' });
    const healthy = callbackJob({ url: 'https://ok.example.com/hook' });
    const { ports: p } = ports(async (url) => {
      if (url.startsWith('https://dead')) throw new CallbackError('callback timed out');
      return 200;
    });
    // Act
    const response = await handleCallbackJobs([failing, healthy], p);
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: failing.messageId }]);
  });

  it('when the outcome cannot be recorded, then the delivered job is still done and a warning names the message', async () => {
    // Prepare
    const { ports: p, logs } = ports(async () => 200, {
      recordOutcome: async () => {
        throw new Error('table unavailable');
      },
    });
    // Act
    const response = await handleCallbackJobs([callbackJob()], p);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'callback outcome not recorded' }));
  });

  it('when a queue message is not a callback job, then it is dropped with an error, not retried', async () => {
    // Prepare
    const { ports: p, logs } = ports(async () => 200);
    // Act
    const response = await handleCallbackJobs([callbackJob({ body: '{"nope":1}' })], p);
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'callback job dropped: unreadable body' }),
    );
  });

  it('when a callback fails, then no log line contains the recipient or the URL’s path', async () => {
    // Prepare
    const { ports: p, logs } = ports(answering(503));
    // Act
    await handleCallbackJobs([callbackJob({ url: 'https://hooks.example.com/sms?token=abc' })], p);
    // Assess
    const text = JSON.stringify(logs);
    expect(text).not.toContain('79991234567');
    expect(text).not.toContain('token=abc');
    expect(logs).toContainEqual(expect.objectContaining({ target: 'https://hooks.example.com' }));
  });
  it('when the deadline passes with one post unanswered and one job not started, then both are handed back, the delivered one is not, and nothing more is posted', async () => {
    // Prepare: one receiver answers at once, one never does; one post at a time
    const posted: string[] = [];
    const { ports: p, logs } = ports(
      async (url) => {
        posted.push(url);
        return url.endsWith('/hung') ? new Promise<number>(() => undefined) : 204;
      },
      { concurrency: 1 },
    );
    const delivered = callbackJob({ url: 'https://hooks.example.com/ok' });
    const hung = callbackJob({ url: 'https://hooks.example.com/hung' });
    const waiting = callbackJob({ url: 'https://hooks.example.com/later' });
    // Act
    const response = await handleCallbackJobs([delivered, hung, waiting], p, { budgetMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: hung.messageId },
      { itemIdentifier: waiting.messageId },
    ]);
    expect(posted).toEqual(['https://hooks.example.com/ok', 'https://hooks.example.com/hung']);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'callback batch cut off at its deadline', jobs: 3, handedBack: 2 }),
    );
  });

  it('when the callback was delivered but its outcome write hangs past the deadline, then the job is not handed back (it would be posted again)', async () => {
    // Prepare
    const { ports: p } = ports(async () => 200, {
      recordOutcome: () => new Promise<void>(() => undefined),
    });
    const job = callbackJob();
    // Act
    const response = await handleCallbackJobs([job], p, { budgetMs: 30 });
    // Assess
    expect(response.batchItemFailures).toEqual([]);
  });

  it('when the invocation has no time left, then nothing is posted and every job is handed back', async () => {
    // Prepare
    const posted: string[] = [];
    const { ports: p } = ports(async (url) => {
      posted.push(url);
      return 204;
    });
    const jobs = [callbackJob(), callbackJob()];
    // Act
    const response = await handleCallbackJobs(jobs, p, { budgetMs: -500 });
    // Assess
    expect(posted).toEqual([]);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
      jobs.map((job) => job.messageId),
    );
  });
});
