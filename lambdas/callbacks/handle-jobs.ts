import { CallbackError } from '#core/callbacks/callback.ts';
import type { CallbackSender } from '#core/callbacks/callback-sender.ts';
import type { CallbackOutcome, CallbackResult } from '#core/domain/messages/message-model.ts';
import type { Logger } from '#core/observability/logger.ts';
import { ABORTED, raceAbort, signalAfter } from '#core/support/abort.ts';
import { type CallbackJob, parseCallbackJob } from '../../core/aws/queues/callback-job.ts';
import { backoffSeconds, failureKind } from './attempt-policy.ts';
import type { SqsBatchResponse, SqsRecord } from './sqs-event.ts';

// The callback worker's one job: post each queued callback once, record how it went on the message,
// and hand back only the jobs worth another attempt, each delayed by its own back-off. A dead
// receiver costs its own jobs' attempts, never another message's callback or the stream.

export interface CallbackWorkerPorts {
  sendCallback: CallbackSender;
  /** Writes `callback` on the message; a failure is logged, not retried (the callback itself went). */
  recordOutcome: (messageId: string, outcome: CallbackOutcome) => Promise<void>;
  /** Hides the job for this long before SQS hands it out again. */
  delayRetry: (receiptHandle: string, seconds: number) => Promise<void>;
  /** The callback queue's maxReceiveCount: after that many attempts SQS moves the job to the DLQ. */
  maxAttempts: number;
  backoff?: (attempt: number) => number;
  log: Logger;
  now?: () => Date;
  /** Jobs posted at the same time; default 10 (a Lambda batch). */
  concurrency?: number;
}

export interface BatchOptions {
  /**
   * How long the batch may take from this call (the Lambda's remaining time less a margin). The jobs
   * not finished by then are handed back, so the invocation answers instead of being killed at its
   * timeout, which would bring back every job of the batch, the callbacks delivered included. No
   * limit when absent (the local worker loop).
   */
  budgetMs?: number;
}

export async function handleCallbackJobs(
  records: readonly SqsRecord[],
  ports: CallbackWorkerPorts,
  options: BatchOptions = {},
): Promise<SqsBatchResponse> {
  // A job is done once its post was answered for good (or it is unreadable): the outcome write and
  // back-off after it are best effort, so a deadline that cuts them off does not post it again.
  const done = new Set<SqsRecord>();
  const queue = [...records];
  let open = options.budgetMs === undefined || options.budgetMs > 0;
  const next = () => (open ? queue.shift() : undefined);
  const worker = async () => {
    for (let record = next(); record !== undefined; record = next()) {
      const job = record;
      await attempt(job, ports, () => done.add(job));
    }
  };
  const concurrency = Math.max(1, ports.concurrency ?? 10);
  const all = Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));
  const finished = await within(all, options.budgetMs);
  open = false;
  const failed = records.filter((record) => !done.has(record));
  if (!finished || queue.length > 0) {
    ports.log.warn('callback batch cut off at its deadline', {
      jobs: records.length,
      handedBack: failed.length,
    });
  }
  return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) };
}

/** Whether `work` settled within `budgetMs` (always, without a budget); a later outcome is dropped. */
async function within(work: Promise<unknown>, budgetMs: number | undefined): Promise<boolean> {
  if (budgetMs === undefined) {
    await work;
    return true;
  }
  return (await raceAbort(work, signalAfter(budgetMs))) !== ABORTED;
}

/** One attempt of one job; calls `finish` as soon as the job needs no other attempt. */
async function attempt(record: SqsRecord, ports: CallbackWorkerPorts, finish: () => void): Promise<void> {
  const job = parseCallbackJob(record.body);
  if (!job) {
    // Not a job and never will be: dropping it is all that is left (nothing identifies a message).
    ports.log.error('callback job dropped: unreadable body', { queueMessageId: record.messageId });
    finish();
    return;
  }
  const attempts = Math.max(1, Number(record.attributes.ApproximateReceiveCount ?? '1') || 1);
  try {
    const lastStatus = await ports.sendCallback(job.callbackUrl, job.event);
    finish();
    await saveOutcome(job, ports, { attempts, lastStatus, outcome: 'delivered' });
    return;
  } catch (error) {
    const lastStatus = error instanceof CallbackError && error.status !== undefined ? error.status : null;
    const last = attempts >= ports.maxAttempts;
    const outcome: CallbackResult =
      failureKind(error) === 'final'
        ? error instanceof CallbackError
          ? 'rejected'
          : 'refused'
        : last
          ? 'failed'
          : 'retrying';
    ports.log.warn('callback failed', {
      id: job.event.id,
      status: job.event.status,
      target: urlOrigin(job.callbackUrl),
      attempts,
      outcome,
      reason: error instanceof Error ? error.message : 'unknown',
      ...(lastStatus !== null ? { httpStatus: lastStatus } : {}),
    });
    const final = outcome !== 'retrying' && outcome !== 'failed';
    if (final) finish();
    await saveOutcome(job, ports, { attempts, lastStatus, outcome });
    if (final) return;
    // The last attempt is reported failed too and made visible at once: the next receive then finds
    // it over maxReceiveCount and SQS moves it to the DLQ, where it is alarmed.
    await delay(record, ports, last ? 0 : (ports.backoff ?? backoffSeconds)(attempts));
  }
}

async function saveOutcome(
  job: CallbackJob,
  ports: CallbackWorkerPorts,
  result: Pick<CallbackOutcome, 'attempts' | 'lastStatus' | 'outcome'>,
): Promise<void> {
  const outcome: CallbackOutcome = {
    ...result,
    lastAt: (ports.now?.() ?? new Date()).toISOString(),
    forStatus: job.event.status,
  };
  try {
    await ports.recordOutcome(job.event.id, outcome);
  } catch (error) {
    ports.log.warn('callback outcome not recorded', {
      id: job.event.id,
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
}

async function delay(record: SqsRecord, ports: CallbackWorkerPorts, seconds: number): Promise<void> {
  try {
    await ports.delayRetry(record.receiptHandle, seconds);
  } catch (error) {
    // The job still comes back, after the queue's own visibility timeout instead.
    ports.log.warn('callback back-off not set', { error: error instanceof Error ? error.name : 'unknown' });
  }
}

/** Where a URL points, without path or query (it may carry the receiver's token). */
function urlOrigin(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : 'invalid-url';
}
