import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClients, createSqsClient } from '#core/aws/clients.ts';
import { MESSAGE_KEY_PREFIX } from '#core/aws/messages/message-item.ts';
import { queueDepth } from '#core/aws/queues/queue-depth.ts';
import { isFinal, type MessageStatus } from '#core/domain/messages/message-state.ts';
import { LOCAL_REGION } from '#local/resources.ts';

// What a stop of the local stack throws away. DynamoDB Local and fauxqs keep everything in memory,
// so a stop discards every record and every queued message; a user who pressed Ctrl-C with
// messages still on their way must be told how many will never be sent, as the API accepted them.

/** What the stack held that was not done yet when it stopped. */
export interface Discarded {
  /**
   * Accepted messages not handed to the SMSC yet: the `accepted` records, or, when the table could
   * not be read in time (DynamoDB Local gone), the messages waiting in the send queues.
   */
  unsent: number;
  /** Messages handed to the SMSC whose final status had not come yet; undefined: not counted. */
  awaitingReceipt: number | undefined;
}

export interface CountDiscardedInput {
  dynamoEndpoint: string;
  sqsEndpoint: string;
  messagesTable: string;
  /** URLs of the queues the bind-service sends from (every account's urgent and bulk). */
  sendQueues: string[];
  /** A stop must not hang on a dead or busy server: past this, what could not be read is left out. */
  timeoutMs: number;
}

/** Counts what stopping the storage will discard. Never throws: the stop goes on regardless. */
export async function countDiscarded(input: CountDiscardedInput): Promise<Discarded> {
  const abortSignal = AbortSignal.timeout(input.timeoutMs);
  const [records, queued] = await Promise.all([
    countRecords(input, abortSignal).catch(() => undefined),
    countQueued(input, abortSignal).catch(() => undefined),
  ]);
  return {
    unsent: records?.accepted ?? queued ?? 0,
    awaitingReceipt: records?.awaitingReceipt,
  };
}

/** The lines a stop prints about it; none when nothing was lost. */
export function discardedNotice(discarded: Discarded): string[] {
  const lines: string[] = [];
  if (discarded.unsent > 0) {
    lines.push(
      `${plural(discarded.unsent, 'accepted message')} not yet sent ${are(discarded.unsent)} discarded`,
    );
  }
  if ((discarded.awaitingReceipt ?? 0) > 0) {
    const count = discarded.awaitingReceipt as number;
    lines.push(
      `${plural(count, 'message')} handed to the SMSC and still awaiting a final status ${are(count)} discarded`,
    );
  }
  return lines;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function are(count: number): string {
  return count === 1 ? 'is' : 'are';
}

async function countRecords(
  input: CountDiscardedInput,
  abortSignal: AbortSignal,
): Promise<{ accepted: number; awaitingReceipt: number }> {
  const { dynamo, document } = createDynamoDbClients({
    region: LOCAL_REGION,
    endpoint: input.dynamoEndpoint,
    maxAttempts: 1,
  });
  const counts = { accepted: 0, awaitingReceipt: 0 };
  try {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await document.send(
        new ScanCommand({
          TableName: input.messagesTable,
          ProjectionExpression: 'pk, #status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExclusiveStartKey: startKey,
        }),
        { abortSignal },
      );
      for (const item of page.Items ?? []) {
        if (!String(item.pk).startsWith(MESSAGE_KEY_PREFIX)) continue;
        const status = item.status as MessageStatus;
        if (status === 'accepted') counts.accepted++;
        else if (!isFinal(status)) counts.awaitingReceipt++;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return counts;
  } finally {
    dynamo.destroy();
  }
}

async function countQueued(input: CountDiscardedInput, abortSignal: AbortSignal): Promise<number> {
  const sqs = createSqsClient({ region: LOCAL_REGION, endpoint: input.sqsEndpoint, maxAttempts: 1 });
  try {
    const depths = await Promise.all(
      input.sendQueues.map((queueUrl) => queueDepth(sqs, queueUrl, { abortSignal })),
    );
    return depths.reduce((sum, depth) => sum + depth, 0);
  } finally {
    sqs.destroy();
  }
}
