import {
  type BatchResultErrorEntry,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { QueuePublishError } from '#core/aws/errors.ts';
import type { Priority } from '#core/domain/requests/message-schema.ts';
import { type BackoffPolicy, sleepBackoff } from '#core/support/backoff.ts';

// Puts send requests on the urgent or bulk queue of their account: the first account's pair, or the
// pair ACCOUNT_QUEUES gives the account the body names. A batch is sent 10 entries per
// SendMessageBatch (SQS's limit); entries SQS refuses for a passing reason are sent again, and
// whatever still fails is reported by index in a QueuePublishError — a message is never dropped.

export interface QueuePublisherOptions {
  /** Attempts per entry, the first included; default 4. */
  maxAttempts?: number;
  /** SendMessageBatch calls in flight at once for a large batch; default 4. */
  concurrency?: number;
  backoff?: Pick<BackoffPolicy, 'baseMs' | 'capMs'>;
  /** The queue pairs of accounts other than the first, by name (ACCOUNT_QUEUES). */
  accountQueues?: Readonly<Record<string, Readonly<Record<Priority, string>>>>;
}

export interface PublishOptions {
  /** Only for FIFO queues or SQS fair queues; ignored by plain standard queues. */
  groupId?: string;
  /**
   * Ends the work when the caller's time is up (an API request inside its Lambda's timeout): a call
   * in flight is aborted, and no further call or retry starts. What was not sent is reported like any
   * other failure, so the caller can tell its caller.
   */
  signal?: AbortSignal;
}

const SQS_BATCH_SIZE = 10;

export class QueuePublisher {
  private readonly maxAttempts: number;
  private readonly concurrency: number;
  private readonly backoff: BackoffPolicy;
  private readonly accountQueues: Readonly<Record<string, Readonly<Record<Priority, string>>>>;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrls: Readonly<Record<Priority, string>>,
    options: QueuePublisherOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.concurrency = options.concurrency ?? 4;
    this.backoff = { ...(options.backoff ?? { baseMs: 50, capMs: 1_000 }), jitter: 'full' };
    this.accountQueues = options.accountQueues ?? {};
  }

  /** The queue of `body`'s account (its `account` field) in `lane`. */
  private urlOf(lane: Priority, body: object): string {
    const account = (body as { account?: unknown }).account;
    const pair = typeof account === 'string' ? this.accountQueues[account] : undefined;
    return (pair ?? this.queueUrls)[lane];
  }

  /** Returns the SQS message id. SDK errors (after the SDK's own retries) propagate. */
  async publish(lane: Priority, body: object, options: PublishOptions = {}): Promise<string> {
    const { MessageId } = await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.urlOf(lane, body),
        MessageBody: JSON.stringify(body),
        ...(options.groupId ? { MessageGroupId: options.groupId } : {}),
      }),
      options.signal ? { abortSignal: options.signal } : {},
    );
    if (!MessageId)
      throw new QueuePublishError('SQS returned no message id', [
        { index: 0, code: 'NoMessageId', message: 'no MessageId' },
      ]);
    return MessageId;
  }

  /** Returns the SQS message ids in the order of `bodies`; throws QueuePublishError if any is unsent. */
  async publishBatch(
    lane: Priority,
    bodies: readonly object[],
    options: Pick<PublishOptions, 'signal'> = {},
  ): Promise<string[]> {
    const ids: string[] = new Array(bodies.length);
    const failures: { index: number; code: string; message: string }[] = [];
    // Entries of one queue (one account) per SendMessageBatch, 10 at a time.
    const byQueue = new Map<string, number[]>();
    bodies.forEach((body, index) => {
      const url = this.urlOf(lane, body);
      byQueue.set(url, [...(byQueue.get(url) ?? []), index]);
    });
    const chunks: { url: string; indexes: number[] }[] = [];
    for (const [url, indexes] of byQueue) {
      for (let start = 0; start < indexes.length; start += SQS_BATCH_SIZE) {
        chunks.push({ url, indexes: indexes.slice(start, start + SQS_BATCH_SIZE) });
      }
    }
    let next = 0;
    const worker = async () => {
      for (let chunk = chunks[next++]; chunk !== undefined; chunk = chunks[next++]) {
        const result = await this.sendChunk(chunk.url, chunk.indexes, bodies, options.signal);
        for (const [index, id] of result.sent) ids[index] = id;
        failures.push(...result.failed);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, chunks.length) }, worker));
    if (failures.length > 0) {
      failures.sort((a, b) => a.index - b.index);
      throw new QueuePublishError(
        `${failures.length} of ${bodies.length} messages were not queued`,
        failures,
      );
    }
    return ids;
  }

  private async sendChunk(
    url: string,
    indexes: readonly number[],
    bodies: readonly object[],
    signal: AbortSignal | undefined,
  ) {
    const sent = new Map<number, string>();
    const failed: { index: number; code: string; message: string }[] = [];
    let pending: { index: number; code: string; message: string }[] = indexes.map((index) => ({
      index,
      code: 'NotSent',
      message: '',
    }));
    for (let attempt = 0; attempt < this.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 0) await sleepBackoff(attempt, this.backoff);
      if (signal?.aborted) {
        pending = pending.map(({ index }) => ({ index, code: 'Aborted', message: 'out of time' }));
        break;
      }
      const entries: SendMessageBatchRequestEntry[] = pending.map(({ index }) => ({
        Id: String(index),
        MessageBody: JSON.stringify(bodies[index]),
      }));
      let errors: BatchResultErrorEntry[];
      try {
        const response = await this.sqs.send(
          new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }),
          signal ? { abortSignal: signal } : {},
        );
        for (const entry of response.Successful ?? []) sent.set(Number(entry.Id), entry.MessageId ?? '');
        errors = response.Failed ?? [];
      } catch (error) {
        // The whole call failed (after the SDK's own retries): every entry of it is tried again.
        const reason = error instanceof Error ? error : new Error(String(error));
        errors = entries.map(({ Id }) => ({
          Id,
          SenderFault: false,
          Code: reason.name,
          Message: reason.message,
        }));
      }
      pending = [];
      for (const error of errors) {
        const failure = {
          index: Number(error.Id),
          code: error.Code ?? 'Unknown',
          message: error.Message ?? '',
        };
        // A sender fault (too large, invalid characters) fails the same way every time: not retried.
        (error.SenderFault ? failed : pending).push(failure);
      }
    }
    return { sent, failed: [...failed, ...pending] };
  }
}
