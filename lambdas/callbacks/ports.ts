import { createDynamoDbClients, createSqsClient } from '#core/aws/clients.ts';
import { CALLBACK_QUEUE } from '#core/aws/resources/resource-definitions.ts';
import { secretsManagerReader } from '#core/aws/secrets.ts';
import { callbackSender } from '#core/callbacks/callback-sender.ts';
import { createLogger } from '#core/observability/json-logger.ts';
import type { Logger, LogWriter } from '#core/observability/logger.ts';
import { dynamoOutcomeRecorder, sqsRetryDelayer } from './adapters.ts';
import type { CallbackWorkerConfig, SigningSecretSource } from './config.ts';
import type { CallbackWorkerPorts } from './handle-jobs.ts';

// The ports of handleCallbackJobs for AWS, built once per execution environment.

/** The worker's logger (service `callback-worker`): ids, statuses, HTTP codes; never a URL's path or query. */
export function callbackWorkerLogger(write?: LogWriter): Logger {
  return createLogger({ service: 'callback-worker', ...(write ? { write } : {}) });
}

export function createCallbackWorkerPorts(
  config: CallbackWorkerConfig,
  log: Logger = callbackWorkerLogger(),
): CallbackWorkerPorts {
  const { document } = createDynamoDbClients({
    region: config.region,
    ...config.limits.dynamodb,
    ...(config.endpoints.dynamodb ? { endpoint: config.endpoints.dynamodb } : {}),
  });
  const sqs = createSqsClient({
    region: config.region,
    ...config.limits.sqs,
    ...(config.endpoints.sqs ? { endpoint: config.endpoints.sqs } : {}),
  });
  return {
    sendCallback: callbackSender({
      secret: signingSecret(config.signingSecret, config),
      allowLoopback: config.allowLoopbackCallbacks,
      timeoutMs: config.callbackTimeoutMs,
    }),
    recordOutcome: dynamoOutcomeRecorder(document, config.messagesTable),
    delayRetry: sqsRetryDelayer(sqs, config.queueUrl),
    maxAttempts: CALLBACK_QUEUE.maxReceiveCount,
    log,
  };
}

/** Read on the first callback and kept by callbackSender; a failed read is tried again next time. */
function signingSecret(source: SigningSecretSource, config: CallbackWorkerConfig): () => Promise<string> {
  if (source.kind === 'inline') return async () => source.secret;
  const read = secretsManagerReader({
    region: config.region,
    ...(config.endpoints.secretsManager ? { endpoint: config.endpoints.secretsManager } : {}),
  });
  return () => read(source.secretArn);
}
