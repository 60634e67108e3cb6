import { GetQueueAttributesCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createDynamoDbClients, createSqsClient, type DynamoDbClients } from '#core/aws/clients.ts';
import { queueDepth } from '#core/aws/queues/queue-depth.ts';
import { freePort } from '#local/ports.ts';
import type { SimulatorOptions, SmscSimulator } from '#local/smsc-simulator/index.ts';
import { type LocalStack, startLocalStack } from '#local/start-stack.ts';
import { ItemFaultProxy } from '#test/helpers/aws/item-fault-proxy.ts';
import { BindServiceProcess } from './bind-service-process.ts';
import { FaultProxy } from './fault-proxy.ts';
import { Teardown } from './teardown.ts';

// The whole local stack for one fault case: DynamoDB Local, fauxqs, the simulator, the API and the
// stream poller in this process, and the bind-service in its own process behind three fault proxies
// (DynamoDB, SQS, SMPP), so a case can cut any of its links without stopping the peer. With
// `itemFaults`, HTTP proxies behind the first two can also fail single items of batch calls.
// The simulator's duplicate rule (the same text to the same number refused within 60 s) is off unless
// a case asks for it (`simulator.duplicateWindowMs`): a message sent twice must be accepted twice
// and so counted, not hidden behind a refusal (the invariants read every SUBMIT_SM from its log).

export interface FaultStackOptions {
  /** Settings for every component (SMPP_*, SQS_WAIT_SECONDS, ...). */
  env?: Record<string, string>;
  /** Only the bind-service's (short timeouts, crash points...). */
  bindEnv?: Record<string, string>;
  /** Simulator options; `duplicateWindowMs` is 0 here unless given. */
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
  /** The urgent and bulk queues' visibility timeout in seconds, as this stack set them up. */
  readonly queueVisibilitySeconds: { urgent: number; bulk: number };
  /** Copies in the urgent and bulk queues: visible, in flight (not visible) and delayed. */
  queueDepths(): Promise<{ urgent: number; bulk: number }>;
  /** Stops everything started, each part whatever became of the others; safe to call twice. */
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
  const teardown = new Teardown();
  try {
    return await startParts(options, teardown);
  } catch (error) {
    // Whatever came up before the failure goes down again (the JVM, fauxqs, the API, proxies).
    await teardown.run().catch((stopError: unknown) => {
      process.stderr.write(`fault stack: cleaning up a failed start: ${String(stopError)}\n`);
    });
    throw error;
  }
}

async function startParts(options: FaultStackOptions, teardown: Teardown): Promise<FaultStack> {
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
    simulator: { duplicateWindowMs: 0, ...options.simulator },
    ...(options.callbackBackoff ? { callbackBackoff: options.callbackBackoff } : {}),
    write: (line) => {
      logs.push(line);
      if (logs.length > KEPT_LOG_LINES) logs.splice(0, logs.length - KEPT_LOG_LINES);
    },
  });
  teardown.add('local stack', () => local.stop());
  const sim = local.simulator;
  if (!sim) throw new Error('the fault suite needs the embedded simulator (unset SMPP_HOST)');
  const itemFaults = options.itemFaults
    ? { dynamodb: new ItemFaultProxy(local.endpoints.dynamodb), sqs: new ItemFaultProxy(local.endpoints.sqs) }
    : undefined;
  if (itemFaults)
    teardown.add('item fault proxies', () =>
      Promise.all(Object.values(itemFaults).map((proxy) => proxy.close())),
    );
  const awsPorts = itemFaults
    ? { dynamodb: portOf(await itemFaults.dynamodb.listen()), sqs: portOf(await itemFaults.sqs.listen()) }
    : { dynamodb: portOf(local.endpoints.dynamodb), sqs: portOf(local.endpoints.sqs) };
  const proxies = {
    dynamodb: new FaultProxy('127.0.0.1', awsPorts.dynamodb),
    sqs: new FaultProxy('127.0.0.1', awsPorts.sqs),
    smpp: new FaultProxy('127.0.0.1', local.smpp.port),
  };
  teardown.add('fault proxies', () => Promise.all(Object.values(proxies).map((proxy) => proxy.close())));
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
  const clients = createDynamoDbClients({ region: local.region, endpoint: local.endpoints.dynamodb });
  teardown.add('DynamoDB clients', () => clients.dynamo.destroy());
  const sqs = createSqsClient({ region: local.region, endpoint: local.endpoints.sqs });
  teardown.add('SQS client', () => sqs.destroy());
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
  const queueVisibilitySeconds = {
    urgent: await visibilityOf(sqs, local.queues.urgent),
    bulk: await visibilityOf(sqs, local.queues.bulk),
  };
  const bind = new BindServiceProcess({ ...bindEnv, HEALTH_PORT: String(healthPort) });
  const processes: BindServiceProcess[] = [bind];
  // Every bind-service child, the ones a case adds too; all are killed even if one kill fails.
  teardown.add('bind-service processes', async () => {
    const results = await Promise.allSettled(processes.map((process) => process.stop()));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  });
  let stopping: Promise<void> | undefined;
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
    queueVisibilitySeconds,
    queueDepths: async () => ({
      urgent: await queueDepth(sqs, local.queues.urgent),
      bulk: await queueDepth(sqs, local.queues.bulk),
    }),
    stop: () => {
      stopping ??= teardown.run();
      return stopping;
    },
  };
}

async function visibilityOf(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['VisibilityTimeout'] }),
  );
  return Number(Attributes?.VisibilityTimeout);
}
