import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { callbackSender } from './callback-sender.ts';
import type { SigningSecretSource, StatusStreamConfig } from './config.ts';
import { eventBridgePublisher } from './event-publishers.ts';
import type { StatusStreamPorts } from './handle-records.ts';
import { type LogSink, stdoutLog } from './log.ts';

// The ports of handleStreamRecords for AWS, built once per execution environment.

export function createStatusStreamPorts(
  config: StatusStreamConfig,
  log: LogSink = stdoutLog,
): StatusStreamPorts {
  const eventBridge = new EventBridgeClient({
    region: config.region,
    ...(config.endpoints.eventBridge ? { endpoint: config.endpoints.eventBridge } : {}),
  });
  return {
    publishEvents: eventBridgePublisher(eventBridge, config.eventBusName),
    sendCallback: callbackSender({
      secret: secretReader(config.signingSecret, config),
      allowLoopback: config.allowLoopbackCallbacks,
      timeoutMs: config.callbackTimeoutMs,
    }),
    log,
  };
}

function secretReader(source: SigningSecretSource, config: StatusStreamConfig): () => Promise<string> {
  if (source.kind === 'inline') return async () => source.secret;
  return async () => {
    const client = new SecretsManagerClient({
      region: config.region,
      ...(config.endpoints.secretsManager ? { endpoint: config.endpoints.secretsManager } : {}),
    });
    try {
      const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: source.secretArn }));
      // The error names the secret, never its content.
      if (!SecretString) throw new Error(`secret ${source.secretArn} has no string value`);
      return SecretString;
    } finally {
      client.destroy();
    }
  };
}
