import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { createSqsClient } from '#core/aws/clients.ts';
import type { LocalStackInfo } from '#local/event-feed.ts';
import { type GlobalOptions, isLocal, UsageError } from '../context.ts';

// The stack's dead-letter queues, found the way SQS knows them: a queue is a DLQ when another queue's
// RedrivePolicy names it. Locally the SQS endpoint (fauxqs) comes from the local stack itself.

export interface DeadLetterQueue {
  name: string;
  url: string;
  messages: number;
  inFlight: number;
  /** The queues that dead-letter into it (a redrive goes back to one of them). */
  sources: { name: string; url: string }[];
}

export async function sqsClientFor(options: GlobalOptions): Promise<SQSClient> {
  if (isLocal(options)) {
    const response = await fetch(new URL('/local/stack', options.endpoint)).catch(() => undefined);
    if (!response?.ok) {
      throw new UsageError(`${options.endpoint} does not describe a local stack: is npm start running?`);
    }
    const info = (await response.json()) as LocalStackInfo;
    return createSqsClient({ region: info.region, endpoint: info.endpoints.sqs });
  }
  return new SQSClient({
    ...(options.region ? { region: options.region } : {}),
    credentials: fromNodeProviderChain(options.profile ? { profile: options.profile } : {}),
  });
}

const nameOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

export async function listDeadLetterQueues(sqs: SQSClient, prefix?: string): Promise<DeadLetterQueue[]> {
  const urls: string[] = [];
  let token: string | undefined;
  do {
    const page = await sqs.send(
      new ListQueuesCommand({
        ...(prefix ? { QueueNamePrefix: prefix } : {}),
        NextToken: token,
        MaxResults: 1000,
      }),
    );
    urls.push(...(page.QueueUrls ?? []));
    token = page.NextToken;
  } while (token);
  const queues = await Promise.all(
    urls.map(async (url) => {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: [
            'QueueArn',
            'RedrivePolicy',
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
          ],
        }),
      );
      const target = Attributes.RedrivePolicy
        ? (JSON.parse(Attributes.RedrivePolicy) as { deadLetterTargetArn?: string }).deadLetterTargetArn
        : undefined;
      return { url, arn: Attributes.QueueArn ?? '', target, attributes: Attributes };
    }),
  );
  return queues
    .filter((queue) => queues.some((other) => other.target !== undefined && other.target === queue.arn))
    .map((queue) => ({
      name: nameOf(queue.url),
      url: queue.url,
      messages: Number(queue.attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(queue.attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      sources: queues
        .filter((other) => other.target === queue.arn)
        .map((other) => ({ name: nameOf(other.url), url: other.url })),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Moves up to `max` messages from the DLQ back to `target`, body and attributes as they are, each
 * deleted from the DLQ only after SQS took its copy. A crash between the two leaves a message on both
 * queues: the consumer claims a message once by its id, so the copy is not sent twice.
 */
export async function redrive(
  sqs: SQSClient,
  dlqUrl: string,
  targetUrl: string,
  max: number,
): Promise<number> {
  let moved = 0;
  while (moved < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: Math.min(10, max - moved),
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 60,
      }),
    );
    if (Messages.length === 0) return moved;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: targetUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body ?? '',
          ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
        })),
      }),
    );
    const ok = new Set((sent.Successful ?? []).map((entry) => entry.Id));
    const taken = Messages.filter((_, index) => ok.has(String(index)));
    if (taken.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: dlqUrl,
          Entries: taken.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
    }
    moved += taken.length;
    if (taken.length < Messages.length) {
      throw new UsageError(
        `${Messages.length - taken.length} messages could not be sent back; they stay on the DLQ`,
      );
    }
  }
  return moved;
}
