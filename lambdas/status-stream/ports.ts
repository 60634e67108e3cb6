import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { secretsManagerReader } from '#core/aws/secrets.ts';
import { createLogger } from '#core/observability/json-logger.ts';
import type { Logger, LogWriter } from '#core/observability/logger.ts';
import { callbackSender } from './callback-sender.ts';
import type { SigningSecretSource, StatusStreamConfig } from './config.ts';
import { eventBridgePublisher } from './event-publishers.ts';
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
  return {
    publishEvents: eventBridgePublisher(eventBridge, config.eventBusName),
    sendCallback: callbackSender({
      secret: signingSecret(config.signingSecret, config),
      allowLoopback: config.allowLoopbackCallbacks,
      timeoutMs: config.callbackTimeoutMs,
    }),
    log,
  };
}

/** Read on the first callback and kept by callbackSender; a failed read is tried again next time. */
function signingSecret(source: SigningSecretSource, config: StatusStreamConfig): () => Promise<string> {
  if (source.kind === 'inline') return async () => source.secret;
  const read = secretsManagerReader({
    region: config.region,
    ...(config.endpoints.secretsManager ? { endpoint: config.endpoints.secretsManager } : {}),
  });
  return () => read(source.secretArn);
}
