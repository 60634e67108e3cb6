import { type ClientLimits, createEventBridgeClient, createSqsClient } from '#core/aws/clients.ts';
import { sqsCallbackEnqueuer } from '#core/aws/queues/callback-job.ts';
import type { EntryOutcome, Refusal } from '#core/aws/refusal.ts';
import { createLogger } from '#core/observability/json-logger.ts';
import type { Logger, LogWriter } from '#core/observability/logger.ts';
import { ABORTED, raceAbort, signalAfter } from '#core/support/abort.ts';
import type { StatusStreamConfig } from './config.ts';
import { eventBridgeInboundPublisher, eventBridgePublisher } from './event-publishers.ts';
import type { StatusStreamPorts } from './handle-records.ts';

// The ports of handleStreamRecords for AWS, built once per execution environment.

/**
 * The status consumer's logger: the project's one format and redaction, under the service name
 * `status-stream`. Callers pass ids, statuses and codes; never a recipient, a text or a callback
 * URL's query (it may carry the receiver's token).
 */
export function statusStreamLogger(write?: LogWriter): Logger {
  return createLogger({ service: 'status-stream', ...(write ? { write } : {}) });
}

/**
 * The clients' time limits. PutEvents and SendMessageBatch answer in tens of milliseconds: these
 * only cut off a hung call, which then fails its records (batchItemFailures) instead of holding the
 * shard to the Lambda's 60 s timeout, after which the whole batch, its published records included,
 * would be retried. Worst case of one hung call: 2 x (1 + 3) s. The invocation's deadline
 * (portsWithin) bounds a batch of many calls.
 */
export interface StatusStreamLimits {
  eventBridge: ClientLimits;
  sqs: ClientLimits;
}

export const STATUS_STREAM_LIMITS: StatusStreamLimits = {
  eventBridge: { maxAttempts: 2, connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000 },
  sqs: { maxAttempts: 2, connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000 },
};

export function createStatusStreamPorts(
  config: StatusStreamConfig,
  log: Logger = statusStreamLogger(),
  limits: StatusStreamLimits = STATUS_STREAM_LIMITS,
): StatusStreamPorts {
  const eventBridge = createEventBridgeClient({
    region: config.region,
    ...limits.eventBridge,
    ...(config.endpoints.eventBridge ? { endpoint: config.endpoints.eventBridge } : {}),
  });
  const sqs = createSqsClient({
    region: config.region,
    ...limits.sqs,
    ...(config.endpoints.sqs ? { endpoint: config.endpoints.sqs } : {}),
  });
  return {
    publishEvents: eventBridgePublisher(eventBridge, config.eventBusName, config.eventResources),
    publishInbound: eventBridgeInboundPublisher(eventBridge, config.eventBusName, config.eventResources),
    enqueueCallbacks: sqsCallbackEnqueuer(sqs, config.callbackQueueUrl),
    log,
  };
}

/** Left of the invocation's time when calls stop (handler.ts): room to answer before Lambda's timeout. */
export const DEADLINE_MARGIN_MS = 2_000;

/** What a record not sent for want of time reports (its error line's errorCode and reason). */
const OUT_OF_TIME: Refusal = {
  errorCode: 'DeadlineExceeded',
  reason: 'the invocation ran out of time before this call answered',
};

/**
 * The ports for one invocation of `budgetMs`: a call still running at the deadline counts as not
 * taken, and none starts after it, so the handler answers with those records in batchItemFailures
 * before Lambda's timeout. A timeout would retry the whole batch, records already published
 * included. A call cut off may still land: delivery is at least once either way.
 */
export function portsWithin(ports: StatusStreamPorts, budgetMs: number): StatusStreamPorts {
  const deadline = signalAfter(budgetMs);
  const bounded =
    <Item>(send: (items: readonly Item[]) => Promise<EntryOutcome[]>) =>
    async (items: readonly Item[]): Promise<EntryOutcome[]> => {
      const sent = deadline.aborted ? ABORTED : await raceAbort(send(items), deadline);
      return sent === ABORTED ? items.map((): EntryOutcome => OUT_OF_TIME) : sent;
    };
  const { publishInbound } = ports;
  return {
    ...ports,
    publishEvents: bounded(ports.publishEvents),
    enqueueCallbacks: bounded(ports.enqueueCallbacks),
    ...(publishInbound ? { publishInbound: bounded(publishInbound) } : {}),
  };
}
