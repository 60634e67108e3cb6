import { SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { createDynamoDbClients, createSqsClient, type DynamoDbClients } from '#core/aws/clients.ts';
import { freePort } from '#local/ports.ts';
import type { SimulatorOptions, SmscSimulator } from '#local/smsc-simulator/index.ts';
import { type LocalStack, startLocalStack } from '#local/start-stack.ts';
import { ItemFaultProxy } from '#test/helpers/aws/item-fault-proxy.ts';
import { BindServiceProcess } from './bind-service-process.ts';
import { FaultProxy } from './fault-proxy.ts';

// The whole local stack for one fault case: DynamoDB Local, fauxqs, the simulator, the API and the
// stream poller in this process, and the bind-service in its own process behind three fault proxies
// (DynamoDB, SQS, SMPP), so a case can cut any of its links without stopping the peer. With
// `itemFaults`, HTTP proxies behind the first two can also fail single items of batch calls.

export interface FaultStackOptions {
  /** Settings for every component (SMPP_*, SQS_WAIT_SECONDS, ...). */
  env?: Record<string, string>;
  /** Only the bind-service's (short timeouts, crash points...). */
  bindEnv?: Record<string, string>;
  simulator?: Partial<SimulatorOptions>;
  /** Shorter queue visibility timeouts, so a killed task's messages come back within the case. */
  queueVisibilitySeconds?: number;
  /** Seconds before a failed callback is tried again (default the worker's 10 s, 30 s, ...). */
  callbackBackoff?: (attempt: number) => number;
  /** Resource name prefix (several stacks may share a machine). */
  prefix: string;
  /** Put item fault proxies (test/helpers/aws/item-fault-proxy.ts) behind the DynamoDB and SQS ones. */
  itemFaults?: boolean;
}

export interface FaultStack {
  readonly local: LocalStack;
  readonly sim: SmscSimulator;
  readonly bind: BindServiceProcess;
  readonly proxies: { dynamodb: FaultProxy; sqs: FaultProxy; smpp: FaultProxy };
  /** With `itemFaults` only: what fails items of the bind-service's batch calls. */
  readonly itemFaults?: { dynamodb: ItemFaultProxy; sqs: ItemFaultProxy };
  readonly clients: DynamoDbClients;
  readonly healthUrl: string;
  /** Every bind-service process of the case: the main one first. */
  readonly bindProcesses: readonly BindServiceProcess[];
  /** Another bind-service process with the same settings and its own health port (not started). */
  secondBindService(): Promise<{ bind: BindServiceProcess; healthUrl: string }>;
  /** Log lines of the in-process components (API, stream poller), newest last. */
  readonly logs: string[];
  stop(): Promise<void>;
}

const KEPT_LOG_LINES = 2_000;

const portOf = (url: string) => Number(new URL(url).port);
const withPort = (url: string, port: number) => {
  const parsed = new URL(url);
  parsed.port = String(port);
  return parsed.toString().replace(/\/$/, '');
};

export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const logs: string[] = [];
  const local = await startLocalStack({
    // Short second looks, so the reconciler (QUERY_SM, orphan receipts) acts within a case's settle time.
    env: {
      SQS_WAIT_SECONDS: '1',
      DRAIN_SECONDS: '3',
      RECONCILE_SECONDS: '2',
      RECONCILE_MIN_AGE_SECONDS: '3',
      ...options.env,
    },
    apiPort: 0,
    prefix: options.prefix,
    bindService: false,
    ...(options.simulator ? { simulator: options.simulator } : {}),
    ...(options.callbackBackoff ? { callbackBackoff: options.callbackBackoff } : {}),
    write: (line) => {
      logs.push(line);
      if (logs.length > KEPT_LOG_LINES) logs.splice(0, logs.length - KEPT_LOG_LINES);
    },
  });
  const sim = local.simulator;
  if (!sim) throw new Error('the fault suite needs the embedded simulator (unset SMPP_HOST)');
  const itemFaults = options.itemFaults
    ? { dynamodb: new ItemFaultProxy(local.endpoints.dynamodb), sqs: new ItemFaultProxy(local.endpoints.sqs) }
    : undefined;
  const awsPorts = itemFaults
    ? { dynamodb: portOf(await itemFaults.dynamodb.listen()), sqs: portOf(await itemFaults.sqs.listen()) }
    : { dynamodb: portOf(local.endpoints.dynamodb), sqs: portOf(local.endpoints.sqs) };
  const proxies = {
    dynamodb: new FaultProxy('127.0.0.1', awsPorts.dynamodb),
    sqs: new FaultProxy('127.0.0.1', awsPorts.sqs),
    smpp: new FaultProxy('127.0.0.1', local.smpp.port),
  };
  await Promise.all(Object.values(proxies).map((proxy) => proxy.listen()));
  const healthPort = await freePort();
  const env = local.bindServiceEnv;
  const bindEnv = {
    ...env,
    AWS_ENDPOINT_URL_DYNAMODB: withPort(local.endpoints.dynamodb, proxies.dynamodb.port),
    AWS_ENDPOINT_URL_SQS: withPort(local.endpoints.sqs, proxies.sqs.port),
    // Queue URLs stay as created: with an endpoint set, the SDK sends to the endpoint (the proxy)
    // and fauxqs finds the queue by the URL in the request.
    SMPP_PORT: String(proxies.smpp.port),
    ...options.bindEnv,
  };
  const bind = new BindServiceProcess({ ...bindEnv, HEALTH_PORT: String(healthPort) });
  const processes: BindServiceProcess[] = [bind];
  const clients = createDynamoDbClients({ region: local.region, endpoint: local.endpoints.dynamodb });
  const sqs = createSqsClient({ region: local.region, endpoint: local.endpoints.sqs });
  const visibility = options.queueVisibilitySeconds;
  if (visibility !== undefined) {
    for (const url of [local.queues.urgent, local.queues.bulk]) {
      await sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: url,
          Attributes: { VisibilityTimeout: String(visibility) },
        }),
      );
    }
  }
  return {
    local,
    sim,
    bind,
    proxies,
    ...(itemFaults ? { itemFaults } : {}),
    clients,
    healthUrl: `http://127.0.0.1:${healthPort}/healthz`,
    bindProcesses: processes,
    secondBindService: async () => {
      const port = await freePort();
      const other = new BindServiceProcess({ ...bindEnv, HEALTH_PORT: String(port) });
      processes.push(other);
      return { bind: other, healthUrl: `http://127.0.0.1:${port}/healthz` };
    },
    logs,
    stop: async () => {
      await Promise.all(processes.map((process) => process.stop()));
      await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
      await Promise.all(Object.values(itemFaults ?? {}).map((proxy) => proxy.close()));
      clients.dynamo.destroy();
      sqs.destroy();
      await local.stop();
    },
  };
}
