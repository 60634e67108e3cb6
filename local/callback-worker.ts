import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createDynamoDbClients } from '#core/aws/clients.ts';
import { CALLBACK_QUEUE } from '#core/aws/resources/resource-definitions.ts';
import { callbackSender } from '#core/callbacks/callback-sender.ts';
import type { Logger } from '#core/observability/logger.ts';
import { dynamoOutcomeRecorder, sqsRetryDelayer } from '#lambdas/callbacks/adapters.ts';
import { type CallbackWorkerPorts, handleCallbackJobs } from '#lambdas/callbacks/handle-jobs.ts';
import type { SqsRecord } from '#lambdas/callbacks/sqs-event.ts';
import { LOCAL_REGION } from '#local/resources.ts';

// What Lambda's SQS event source does in AWS, for the local callback queue (fauxqs): long-poll,
// hand each batch to the callback worker, delete what it did not report as failed. Failed jobs stay
// hidden for the back-off the worker set and come back; SQS's redrive moves them to the DLQ.

export interface CallbackWorkerLoopOptions {
  sqs: SQSClient;
  queueUrl: string;
  ports: CallbackWorkerPorts;
  log: Logger;
  /** Long-poll wait per ReceiveMessage; default 1 s (keeps stop() quick). */
  waitSeconds?: number;
}

export interface CallbackWorkerLoop {
  stop(): Promise<void>;
}

export function startCallbackWorker(options: CallbackWorkerLoopOptions): CallbackWorkerLoop {
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        await pollOnce(options);
      } catch (error) {
        if (!running) return;
        options.log.warn('callback poll failed', { error: error instanceof Error ? error.name : 'unknown' });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function pollOnce(options: CallbackWorkerLoopOptions): Promise<void> {
  const { Messages = [] } = await options.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: options.queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: options.waitSeconds ?? 1,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }),
  );
  const records: SqsRecord[] = Messages.flatMap((message) =>
    message.MessageId && message.ReceiptHandle
      ? [
          {
            messageId: message.MessageId,
            receiptHandle: message.ReceiptHandle,
            body: message.Body ?? '',
            attributes: { ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1' },
          },
        ]
      : [],
  );
  if (records.length === 0) return;
  const { batchItemFailures } = await handleCallbackJobs(records, options.ports);
  const failed = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
  const done = records.filter((record) => !failed.has(record.messageId));
  if (done.length === 0) return;
  await options.sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: options.queueUrl,
      Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
    }),
  );
}

/** The worker's ports on the local resources: real clients, callback receivers on this machine. */
export function callbackWorkerPorts(
  dynamoEndpoint: string,
  messagesTable: string,
  sqs: SQSClient,
  queueUrl: string,
  options: { secret: string; timeoutMs: number; log: Logger; backoff?: (attempt: number) => number },
): CallbackWorkerPorts {
  const { document } = createDynamoDbClients({ region: LOCAL_REGION, endpoint: dynamoEndpoint });
  return {
    // Callback receivers run on this machine in local mode.
    sendCallback: callbackSender({
      secret: async () => options.secret,
      allowLoopback: true,
      timeoutMs: options.timeoutMs,
    }),
    recordOutcome: dynamoOutcomeRecorder(document, messagesTable),
    delayRetry: sqsRetryDelayer(sqs, queueUrl),
    maxAttempts: CALLBACK_QUEUE.maxReceiveCount,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    log: options.log,
  };
}
