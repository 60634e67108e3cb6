import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { itemKey } from '#core/aws/messages/message-item.ts';
import type { CallbackOutcome } from '#core/domain/messages/message-model.ts';

// The worker's two writes: the outcome on the message record, the back-off on the queue message.

/**
 * Sets only `callback`: neither status nor updatedAt changes, so the stream handler sees no status
 * change in this write and emits nothing (no callback about a callback). A message already gone (TTL)
 * is not recreated.
 */
export function dynamoOutcomeRecorder(document: DynamoDBDocumentClient, tableName: string) {
  return async (messageId: string, outcome: CallbackOutcome): Promise<void> => {
    try {
      await document.send(
        new UpdateCommand({
          TableName: tableName,
          Key: itemKey.message(messageId),
          UpdateExpression: 'SET #callback = :callback',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#callback': 'callback' },
          ExpressionAttributeValues: { ':callback': outcome },
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return;
      throw error;
    }
  };
}

export function sqsRetryDelayer(client: SQSClient, queueUrl: string) {
  return async (receiptHandle: string, seconds: number): Promise<void> => {
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  };
}
