import { setTimeout as delay } from 'node:timers/promises';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createDynamoDbClients, createSqsClient } from '#core/aws/clients.ts';
import { toCreateTableInput, toUpdateTimeToLiveInput } from '#core/aws/resources/create-table-input.ts';
import {
  CALLBACK_QUEUE,
  QUEUES,
  type QueueDefinition,
  type QueueNames,
  queueNames,
  TABLES,
  type TableDefinition,
  type TableNames,
  tableNames,
} from '#core/aws/resources/resource-definitions.ts';

export interface CreateResourcesOptions {
  dynamoEndpoint: string;
  sqsEndpoint: string;
  /** Names are `<prefix>-messages`, `<prefix>-urgent`, ...; a fresh prefix gives fresh resources. */
  prefix: string;
  region?: string;
}

export interface LocalResources {
  tables: TableNames;
  /** Queue URLs. */
  queues: QueueNames;
}

/** Any region works locally (DynamoDB Local runs with -sharedDb); this one matches fauxqs's default. */
export const LOCAL_REGION = 'us-east-1';

/** Creates the tables and queues of resource-definitions.ts on local servers. Safe to call twice. */
export async function createResources(options: CreateResourcesOptions): Promise<LocalResources> {
  const [tables, queues] = await Promise.all([
    createTables({ endpoint: options.dynamoEndpoint, prefix: options.prefix, region: options.region }),
    createQueues({ endpoint: options.sqsEndpoint, prefix: options.prefix, region: options.region }),
  ]);
  return { tables, queues };
}

export interface CreateOnServerOptions {
  endpoint: string;
  prefix: string;
  region?: string | undefined;
}

/** The messages and inbound tables, with stream, GSI and TTL as defined. */
export async function createTables(options: CreateOnServerOptions): Promise<TableNames> {
  const { dynamo } = createDynamoDbClients({
    region: options.region ?? LOCAL_REGION,
    endpoint: options.endpoint,
  });
  try {
    const tables = tableNames(options.prefix);
    await Promise.all([
      createTable(dynamo, TABLES.messages, tables.messages),
      createTable(dynamo, TABLES.inbound, tables.inbound),
    ]);
    return tables;
  } finally {
    dynamo.destroy();
  }
}

/** Drops tables (a run's shared DynamoDB Local keeps only what the tests still use); absent ones are fine. */
export async function deleteTables(options: { endpoint: string; region?: string }, names: readonly string[]) {
  const { dynamo } = createDynamoDbClients({
    region: options.region ?? LOCAL_REGION,
    endpoint: options.endpoint,
  });
  try {
    await Promise.allSettled(names.map((TableName) => dynamo.send(new DeleteTableCommand({ TableName }))));
  } finally {
    dynamo.destroy();
  }
}

/** The urgent, bulk and callback queues, each with its DLQ and redrive policy; returns the URLs. */
export async function createQueues(options: CreateOnServerOptions): Promise<QueueNames> {
  const sqs = createSqsClient({ region: options.region ?? LOCAL_REGION, endpoint: options.endpoint });
  try {
    const names = queueNames(options.prefix);
    const [urgent, bulk, callbacks] = await Promise.all([
      createQueueWithDlq(sqs, QUEUES.urgent, names.urgent, names.urgentDlq),
      createQueueWithDlq(sqs, QUEUES.bulk, names.bulk, names.bulkDlq),
      createQueueWithDlq(sqs, CALLBACK_QUEUE, names.callbacks, names.callbacksDlq),
    ]);
    return {
      urgent: urgent.url,
      bulk: bulk.url,
      urgentDlq: urgent.dlqUrl,
      bulkDlq: bulk.dlqUrl,
      callbacks: callbacks.url,
      callbacksDlq: callbacks.dlqUrl,
    };
  } finally {
    sqs.destroy();
  }
}

async function createTable(dynamo: DynamoDBClient, def: TableDefinition, name: string): Promise<void> {
  try {
    await dynamo.send(new CreateTableCommand(toCreateTableInput(def, name)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilActive(dynamo, name);
  try {
    await dynamo.send(new UpdateTimeToLiveCommand(toUpdateTimeToLiveInput(def, name)));
  } catch (error) {
    // A second run finds TTL already on, which DynamoDB reports as a validation error.
    if (!(error instanceof Error && /already enabled/i.test(error.message))) throw error;
  }
}

async function waitUntilActive(dynamo: DynamoDBClient, name: string): Promise<void> {
  // DynamoDB Local creates tables ACTIVE at once; the bound only guards against a stuck server.
  for (let attempt = 0; attempt < 50; attempt++) {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await delay(100);
  }
  throw new Error(`table ${name} did not become ACTIVE`);
}

async function createQueueWithDlq(
  sqs: SQSClient,
  def: QueueDefinition,
  name: string,
  dlqName: string,
): Promise<{ url: string; dlqUrl: string }> {
  // As in AWS (toDeadLetterQueueProps): the DLQ takes no larger messages than its queue.
  const dlqUrl = await createQueue(sqs, dlqName, {
    MessageRetentionPeriod: String(def.dlq.messageRetentionSeconds),
    MaximumMessageSize: String(def.maxMessageSizeBytes),
  });
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
  );
  const dlqArn = Attributes?.QueueArn;
  if (!dlqArn) throw new Error(`queue ${dlqName} has no ARN`);
  const url = await createQueue(sqs, name, {
    VisibilityTimeout: String(def.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(def.messageRetentionSeconds),
    MaximumMessageSize: String(def.maxMessageSizeBytes),
    ReceiveMessageWaitTimeSeconds: String(def.receiveWaitTimeSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: def.maxReceiveCount }),
  });
  return { url, dlqUrl };
}

async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  // CreateQueue is idempotent when the attributes are the same.
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`queue ${name} was created without a URL`);
  return QueueUrl;
}
