import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '#lambdas/api/config.ts';

const BASE = {
  MESSAGES_TABLE: 'sms-messages',
  URGENT_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/sms-urgent',
  BULK_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/sms-bulk',
  AWS_REGION: 'eu-west-1',
};

describe('API loadConfig', () => {
  it('when system_type carries ISO among other flags, then messages are planned for ISO-8859-1', () => {
    // Act
    const config = loadConfig({ ...BASE, SMPP_SYSTEM_TYPE: 'mcon2, iso ,SINGLE', MAX_PARTS: '4' });
    // Assess
    expect(config.prepare).toEqual({ isoMode: true, maxParts: 4, refuseLoopbackCallbacks: true });
  });

  it('when ALLOW_LOOPBACK_CALLBACKS is true (local mode), then loopback callback URLs are taken', () => {
    // Act
    const config = loadConfig({ ...BASE, ALLOW_LOOPBACK_CALLBACKS: 'true' });
    // Assess
    expect(config.prepare.refuseLoopbackCallbacks).toBe(false);
  });

  it.each(['SINLGE', 'ISO,MCON10', 'ISO,ISO'])(
    'when system_type is "%s", which the bind-service refuses, then the API fails at cold start naming it',
    (systemType) => {
      // Act
      const load = () => loadConfig({ ...BASE, SMPP_SYSTEM_TYPE: systemType });
      // Assess
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(/^Invalid API configuration: SMPP_SYSTEM_TYPE: /);
    },
  );
});
