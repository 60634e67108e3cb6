import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createSqsClient } from '#core/aws/clients.ts';
import { sqsCallbackEnqueuer } from '#core/aws/queues/callback-job.ts';
import { createLogger } from '#core/observability/json-logger.ts';
import type { Logger, LogWriter } from '#core/observability/logger.ts';
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

export function createStatusStreamPorts(
  config: StatusStreamConfig,
  log: Logger = statusStreamLogger(),
): StatusStreamPorts {
  const eventBridge = new EventBridgeClient({
    region: config.region,
    ...(config.endpoints.eventBridge ? { endpoint: config.endpoints.eventBridge } : {}),
  });
  const sqs = createSqsClient({
    region: config.region,
    ...(config.endpoints.sqs ? { endpoint: config.endpoints.sqs } : {}),
  });
  return {
    publishEvents: eventBridgePublisher(eventBridge, config.eventBusName, config.eventResources),
    publishInbound: eventBridgeInboundPublisher(eventBridge, config.eventBusName, config.eventResources),
    enqueueCallbacks: sqsCallbackEnqueuer(sqs, config.callbackQueueUrl),
    log,
  };
}
