import {
  type BatchResultErrorEntry,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { QueuePublishError } from '#core/aws/errors.ts';
import type { Lane } from '#core/aws/resources/resource-definitions.ts';
import { sleepBackoff } from '#core/aws/retry.ts';

// Puts send requests on the urgent or bulk queue. A batch is sent 10 entries per SendMessageBatch
// (SQS's limit); entries SQS refuses for a passing reason are sent again, and whatever still fails
// is reported by index in a QueuePublishError — a message is never dropped silently.

export interface QueuePublisherOptions {
  /** Attempts per entry, the first included; default 4. */
  maxAttempts?: number;
  /** SendMessageBatch calls in flight at once for a large batch; default 4. */
  concurrency?: number;
  backoff?: { baseMs: number; capMs: number };
}

export interface PublishOptions {
  /** Only for FIFO queues or SQS fair queues; ignored by plain standard queues. */
  groupId?: string;
}

const SQS_BATCH_SIZE = 10;

export class QueuePublisher {
  private readonly maxAttempts: number;
  private readonly concurrency: number;
  private readonly backoff: { baseMs: number; capMs: number };

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrls: Readonly<Record<Lane, string>>,
    options: QueuePublisherOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.concurrency = options.concurrency ?? 4;
    this.backoff = options.backoff ?? { baseMs: 50, capMs: 1_000 };
  }

  /** Returns the SQS message id. SDK errors (after the SDK's own retries) propagate. */
  async publish(lane: Lane, body: object, options: PublishOptions = {}): Promise<string> {
    const { MessageId } = await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrls[lane],
        MessageBody: JSON.stringify(body),
        ...(options.groupId ? { MessageGroupId: options.groupId } : {}),
      }),
    );
    if (!MessageId)
      throw new QueuePublishError('SQS returned no message id', [
        { index: 0, code: 'NoMessageId', message: 'no MessageId' },
      ]);
    return MessageId;
  }

  /** Returns the SQS message ids in the order of `bodies`; throws QueuePublishError if any is unsent. */
  async publishBatch(lane: Lane, bodies: readonly object[]): Promise<string[]> {
    const ids: string[] = new Array(bodies.length);
    const failures: { index: number; code: string; message: string }[] = [];
    const chunks: number[][] = [];
    for (let start = 0; start < bodies.length; start += SQS_BATCH_SIZE) {
      chunks.push(
        Array.from({ length: Math.min(SQS_BATCH_SIZE, bodies.length - start) }, (_, i) => start + i),
      );
    }
    let next = 0;
    const worker = async () => {
      for (let chunk = chunks[next++]; chunk !== undefined; chunk = chunks[next++]) {
        const result = await this.sendChunk(lane, chunk, bodies);
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

  private async sendChunk(lane: Lane, indexes: readonly number[], bodies: readonly object[]) {
    const sent = new Map<number, string>();
    const failed: { index: number; code: string; message: string }[] = [];
    let pending: { index: number; code: string; message: string }[] = indexes.map((index) => ({
      index,
      code: 'NotSent',
      message: '',
    }));
    for (let attempt = 0; attempt < this.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 0) await sleepBackoff(attempt, this.backoff);
      const entries: SendMessageBatchRequestEntry[] = pending.map(({ index }) => ({
        Id: String(index),
        MessageBody: JSON.stringify(bodies[index]),
      }));
      let errors: BatchResultErrorEntry[];
      try {
        const response = await this.sqs.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrls[lane], Entries: entries }),
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
