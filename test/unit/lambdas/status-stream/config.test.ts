import { describe, expect, it } from 'vitest';
import { loadStatusStreamConfig } from '#lambdas/status-stream/config.ts';

const BASE = { EVENT_BUS_NAME: 'sms-events', AWS_REGION: 'eu-west-1' };

describe('loadStatusStreamConfig', () => {
  it('when the secret comes from Secrets Manager, then loopback callbacks stay refused by default', () => {
    // Act
    const config = loadStatusStreamConfig({
      ...BASE,
      CALLBACK_SIGNING_SECRET_ARN: 'arn:aws:secretsmanager:x',
    });
    // Assess
    expect(config).toMatchObject({
      eventBusName: 'sms-events',
      signingSecret: { kind: 'secret', secretArn: 'arn:aws:secretsmanager:x' },
      allowLoopbackCallbacks: false,
      callbackTimeoutMs: 5000,
    });
  });

  it.each([
    ['neither secret', {}],
    [
      'both secrets',
      { CALLBACK_SIGNING_SECRET: 'local-secret-0123456789', CALLBACK_SIGNING_SECRET_ARN: 'arn:x' },
    ],
  ])('when %s is given, then loading fails naming both variables', (_, secrets) => {
    // Act
    const load = () => loadStatusStreamConfig({ ...BASE, ...secrets });
    // Assess
    expect(load).toThrow(/CALLBACK_SIGNING_SECRET, CALLBACK_SIGNING_SECRET_ARN/);
  });

  it('when the event bus is missing, then loading fails naming it', () => {
    // Act
    const load = () =>
      loadStatusStreamConfig({ AWS_REGION: 'eu-west-1', CALLBACK_SIGNING_SECRET_ARN: 'arn:x' });
    // Assess
    expect(load).toThrow(/EVENT_BUS_NAME/);
  });
});
