import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { createSqsClient } from '#core/aws/clients.ts';
import type { LocalStackInfo } from '#local/event-feed.ts';
import { awsRegionOf, type GlobalOptions, isLocal, UsageError } from '../context.ts';

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
  const region = awsRegionOf(options);
  return new SQSClient({
    ...(region ? { region } : {}),
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
