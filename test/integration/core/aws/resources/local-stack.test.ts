import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbClients, createSqsClient } from '#core/aws/clients.ts';
import { QUEUES } from '#core/aws/resources/resource-definitions.ts';
import { type DynamoDbLocal, DynamoDbLocalStartError, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { createResources, LOCAL_REGION } from '#local/resources.ts';
import { type SqsLocal, startSqsLocal } from '#local/sqs-local.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('local stack: DynamoDB Local, fauxqs and createResources', () => {
  let dynamoDb: DynamoDbLocal;
  let sqsLocal: SqsLocal;

  beforeAll(async () => {
    [dynamoDb, sqsLocal] = await Promise.all([startDynamoDbLocal(), startSqsLocal()]);
  });

  afterAll(async () => {
    await Promise.all([dynamoDb?.stop(), sqsLocal?.stop()]);
  });

  it('when resources are created twice, then the second run succeeds with the same names and URLs', async () => {
    // Prepare
    const options = { dynamoEndpoint: dynamoDb.endpoint, sqsEndpoint: sqsLocal.endpoint, prefix: 'twice' };
    const first = await createResources(options);
    // Act
    const second = await createResources(options);
    // Assess
    expect(second).toEqual(first);
    expect(first.tables).toEqual({ messages: 'twice-messages', inbound: 'twice-inbound' });
  });

  it('when the messages table is created, then it has the stream, the byBatch and byAttention indexes and TTL as defined', async () => {
    // Prepare
    const { tables } = await createResources({
      dynamoEndpoint: dynamoDb.endpoint,
      sqsEndpoint: sqsLocal.endpoint,
      prefix: 'shape',
    });
    const { dynamo } = createDynamoDbClients({ region: LOCAL_REGION, endpoint: dynamoDb.endpoint });
    // Act
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tables.messages }));
    const { TimeToLiveDescription } = await dynamo.send(
      new DescribeTimeToLiveCommand({ TableName: tables.messages }),
    );
    dynamo.destroy();
    // Assess
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Table?.LatestStreamArn).toBeDefined();
    const indexes = Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.Projection]);
    expect(indexes?.sort(([a], [b]) => String(a).localeCompare(String(b)))).toEqual([
      ['byAttention', { ProjectionType: 'INCLUDE', NonKeyAttributes: ['id', 'status'] }],
      ['byBatch', { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] }],
    ]);
    expect(TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
  });

  it('when the queues are created, then each main queue redrives to its DLQ after maxReceiveCount', async () => {
    // Prepare
    const { queues } = await createResources({
      dynamoEndpoint: dynamoDb.endpoint,
      sqsEndpoint: sqsLocal.endpoint,
      prefix: 'redrive',
    });
    const sqs = createSqsClient({ region: LOCAL_REGION, endpoint: sqsLocal.endpoint });
    // Act
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.bulk, AttributeNames: ['All'] }),
    );
    const dlq = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.bulkDlq, AttributeNames: ['QueueArn'] }),
    );
    sqs.destroy();
    // Assess
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: dlq.Attributes?.QueueArn,
      maxReceiveCount: QUEUES.bulk.maxReceiveCount,
    });
    expect(Attributes?.VisibilityTimeout).toBe(String(QUEUES.bulk.visibilityTimeoutSeconds));
  });

  it('when a DynamoDB Local is stopped, then its JVM has exited', async () => {
    // Prepare
    const server = await startDynamoDbLocal();
    const pid = server.pid ?? -1;
    const aliveBefore = isAlive(pid);
    // Act
    await server.stop();
    // Assess
    expect(aliveBefore).toBe(true);
    expect(isAlive(pid)).toBe(false);
  });

  it('when java is not on PATH, then starting fails with an error that names Java', async () => {
    // Prepare
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    // Act
    const started = startDynamoDbLocal({ startTimeoutMs: 5_000 });
    const error = await started.catch((e: unknown) => e);
    process.env.PATH = path;
    // Assess
    expect(error).toBeInstanceOf(DynamoDbLocalStartError);
    expect((error as Error).message).toMatch(/Java 17/);
  });
});
