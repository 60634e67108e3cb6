import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { createDynamoDbClients, createSqsClient, type DynamoDbClients } from '#core/aws/clients.ts';
import type { QueueNames, TableNames } from '#core/aws/resources/resource-definitions.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { createQueues, createTables, deleteTables, LOCAL_REGION } from '#local/resources.ts';
import { type SqsLocal, startSqsLocal } from '#local/sqs-local.ts';
import { sharedDynamoEndpoint } from './shared-dynamodb-endpoint.ts';

// Real local servers for integration tests: DynamoDB Local and/or fauxqs. DynamoDB Local is one of
// the run's shared ones (test/shared-dynamodb.ts) when the config provides them, else one per test
// FILE; a fauxqs is started per file. Tests stay independent by taking fresh tables/queues under a
// new name prefix instead of sharing data.

export interface LocalAwsOptions {
  dynamo?: boolean;
  sqs?: boolean;
  /** A DynamoDB Local of this file's own even when the run shares one: for a test that breaks it. */
  ownDynamo?: boolean;
}

export interface LocalAws {
  readonly region: string;
  readonly dynamoEndpoint: string;
  readonly sqsEndpoint: string;
  /** Shared clients, destroyed in afterAll. */
  readonly document: DynamoDBDocumentClient;
  readonly dynamo: DynamoDbClients['dynamo'];
  readonly sqs: SQSClient;
  /** How long the servers took to answer, for reports. */
  readonly startupMs: { dynamo?: number; sqs?: number };
  freshTables(): Promise<TableNames>;
  /** Queue URLs. */
  freshQueues(): Promise<QueueNames>;
}

/** Call once at the top of a test file (registers beforeAll/afterAll). */
export function useLocalAws(options: LocalAwsOptions = { dynamo: true, sqs: true }): LocalAws {
  let dynamoServer: Pick<DynamoDbLocal, 'endpoint' | 'stop'> | undefined;
  let sqsServer: SqsLocal | undefined;
  let dynamoClients: DynamoDbClients | undefined;
  let sqsClient: SQSClient | undefined;
  const startupMs: { dynamo?: number; sqs?: number } = {};
  /** Tables this file made: dropped at its end, so a shared DynamoDB Local does not keep growing. */
  const madeTables: string[] = [];

  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`${what} is not running: useLocalAws({ ${what}: true }) and use it in tests`);
    return value;
  };
  const prefix = () => `t${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const started = Date.now();
    await Promise.all([
      options.dynamo &&
        dynamoDbLocalFor(options).then((server) => {
          dynamoServer = server;
          startupMs.dynamo = Date.now() - started;
          dynamoClients = createDynamoDbClients({ region: LOCAL_REGION, endpoint: server.endpoint });
        }),
      options.sqs &&
        startSqsLocal().then((server) => {
          sqsServer = server;
          startupMs.sqs = Date.now() - started;
          sqsClient = createSqsClient({ region: LOCAL_REGION, endpoint: server.endpoint });
        }),
    ]);
  });

  afterAll(async () => {
    if (dynamoServer && madeTables.length > 0) await deleteTables(dynamoServer, madeTables.splice(0));
    dynamoClients?.document.destroy();
    dynamoClients?.dynamo.destroy();
    sqsClient?.destroy();
    await Promise.all([dynamoServer?.stop(), sqsServer?.stop()]);
  });

  return {
    region: LOCAL_REGION,
    get dynamoEndpoint() {
      return required(dynamoServer, 'dynamo').endpoint;
    },
    get sqsEndpoint() {
      return required(sqsServer, 'sqs').endpoint;
    },
    get document() {
      return required(dynamoClients, 'dynamo').document;
    },
    get dynamo() {
      return required(dynamoClients, 'dynamo').dynamo;
    },
    get sqs() {
      return required(sqsClient, 'sqs');
    },
    startupMs,
    freshTables: async () => {
      const tables = await createTables({
        endpoint: required(dynamoServer, 'dynamo').endpoint,
        prefix: prefix(),
        region: LOCAL_REGION,
      });
      madeTables.push(...Object.values(tables));
      return tables;
    },
    freshQueues: () =>
      createQueues({ endpoint: required(sqsServer, 'sqs').endpoint, prefix: prefix(), region: LOCAL_REGION }),
  };
}

/** One of the run's shared DynamoDB Locals (left running: the global setup stops them), or a new one. */
async function dynamoDbLocalFor(options: LocalAwsOptions): Promise<Pick<DynamoDbLocal, 'endpoint' | 'stop'>> {
  const shared = options.ownDynamo ? undefined : sharedDynamoEndpoint();
  if (shared) return { endpoint: shared, stop: async () => undefined };
  return startDynamoDbLocal();
}
