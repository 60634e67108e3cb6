import { describe, expect, it } from 'vitest';
import { loadStatusStreamConfig } from '#lambdas/status-stream/config.ts';

const BASE = {
  EVENT_BUS_NAME: 'sms-events',
  CALLBACK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/callbacks',
  AWS_REGION: 'eu-west-1',
};

describe('loadStatusStreamConfig', () => {
  it('when the bus and the callback queue are given, then both are read', () => {
    // Act
    const config = loadStatusStreamConfig(BASE);
    // Assess
    expect(config).toMatchObject({ eventBusName: 'sms-events', callbackQueueUrl: BASE.CALLBACK_QUEUE_URL });
  });

  it.each([
    ['EVENT_BUS_NAME', 'the event bus'],
    ['CALLBACK_QUEUE_URL', 'the callback queue'],
  ])('when %s is missing (%s), then loading fails naming it', (name) => {
    // Prepare
    const env: Record<string, string> = { ...BASE };
    delete env[name];
    // Act
    const load = () => loadStatusStreamConfig(env);
    // Assess
    expect(load).toThrow(new RegExp(name));
  });
});
