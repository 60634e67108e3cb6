import { describe, expect, it } from 'vitest';
import { worstCallMs } from '#core/aws/clients.ts';
import { CALLBACK_WORKER } from '#core/aws/resources/resource-definitions.ts';
import { DEADLINE_MARGIN_MS, loadCallbackWorkerConfig } from '#lambdas/callbacks/config.ts';

const BASE = {
  CALLBACK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/callbacks',
  MESSAGES_TABLE: 'sms-messages',
  AWS_REGION: 'eu-west-1',
};

describe('loadCallbackWorkerConfig', () => {
  it('when the secret comes from Secrets Manager, then loopback callbacks stay refused by default', () => {
    // Act
    const config = loadCallbackWorkerConfig({
      ...BASE,
      CALLBACK_SIGNING_SECRET_ARN: 'arn:aws:secretsmanager:x',
    });
    // Assess
    expect(config).toMatchObject({
      queueUrl: BASE.CALLBACK_QUEUE_URL,
      messagesTable: 'sms-messages',
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
    const load = () => loadCallbackWorkerConfig({ ...BASE, ...secrets });
    // Assess
    expect(load).toThrow(/CALLBACK_SIGNING_SECRET, CALLBACK_SIGNING_SECRET_ARN/);
  });

  it('when CALLBACK_TIMEOUT_MS would leave a batch of 10 no time within the worker Lambda’s 30 s, then loading fails naming it', () => {
    // Act
    const load = (timeoutMs: string) => () =>
      loadCallbackWorkerConfig({
        ...BASE,
        CALLBACK_SIGNING_SECRET_ARN: 'arn:x',
        CALLBACK_TIMEOUT_MS: timeoutMs,
      });
    // Assess
    expect(load('30000')).toThrow(/CALLBACK_TIMEOUT_MS/);
    expect(load('20000')().callbackTimeoutMs).toBe(20_000);
  });

  it('when the messages table is missing, then loading fails naming it', () => {
    // Act
    const load = () =>
      loadCallbackWorkerConfig({
        CALLBACK_QUEUE_URL: BASE.CALLBACK_QUEUE_URL,
        AWS_REGION: 'eu-west-1',
        CALLBACK_SIGNING_SECRET_ARN: 'arn:x',
      });
    // Assess
    expect(load).toThrow(/MESSAGES_TABLE/);
  });
  it('when the worker’s AWS endpoints hang, then one job’s post (default timeout), outcome write and back-off still end before its deadline in the Lambda timeout', () => {
    // Act
    const { limits, callbackTimeoutMs } = loadCallbackWorkerConfig({
      ...BASE,
      CALLBACK_SIGNING_SECRET_ARN: 'arn:x',
    });
    const worstJobMs = callbackTimeoutMs + worstCallMs(limits.dynamodb) + worstCallMs(limits.sqs);
    // Assess: the SDK's defaults (3 attempts, SQS 30 s each) outlasted the Lambda on one back-off
    expect(worstJobMs).toBeLessThanOrEqual(CALLBACK_WORKER.timeoutSeconds * 1_000 - DEADLINE_MARGIN_MS);
    expect(limits.sqs.maxAttempts).toBeGreaterThanOrEqual(2);
  });
});
