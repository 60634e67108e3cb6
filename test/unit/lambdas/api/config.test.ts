import { describe, expect, it } from 'vitest';
import { AccountsConfigError } from '#core/domain/accounts/account.ts';
import { ConfigError, loadConfig } from '#lambdas/api/config.ts';
import { errorThrownBy } from '#test/helpers/errors.ts';

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

  it.each(['ANTI_LOOP_DUPLICATE_SECONDS', 'ANTI_LOOP_FLOOD_LIMIT'])(
    'when %s holds only a blank, then the default applies and the anti-loop rule stays on',
    (variable) => {
      // Act
      const config = loadConfig({ ...BASE, [variable]: ' ' });
      // Assess: before, Number(' ') = 0 turned the rule off
      expect(config.antiLoop).toMatchObject({ duplicateWindowMs: 60_000, floodLimit: 50 });
    },
  );

  it('when SMPP_DEFAULT_SENDER is set, then the anti-loop rules know what a message without from goes out as', () => {
    // Act
    const config = loadConfig({ ...BASE, SMPP_DEFAULT_SENDER: 'Brand' });
    // Assess
    expect(config.antiLoop.defaultSender).toBe('Brand');
  });

  it('when SMPP_DEFAULT_SENDER is a sender the bind-service refuses, then the API fails at cold start naming it', () => {
    // Act
    const load = () => loadConfig({ ...BASE, SMPP_DEFAULT_SENDER: 'Far too long sender' });
    // Assess
    expect(load).toThrow(/^Invalid API configuration: SMPP_DEFAULT_SENDER: /);
  });

  it.each(['DYNAMODB_REQUEST_TIMEOUT_MS', 'SQS_REQUEST_TIMEOUT_MS', 'BATCH_ENQUEUE_BUDGET_MS'])(
    'when %s is beyond a day, then the cold start fails naming the unit and the maximum',
    (variable) => {
      // Act
      const load = () => loadConfig({ ...BASE, [variable]: '3000000000' });
      // Assess: a timer of more than 2^31-1 ms fires after 1 ms: every call would time out at once
      expect(load).toThrow(`${variable}: must be at most 86400000 ms (a day)`);
    },
  );

  it('when SMPP_SYSTEM_TYPE is blank beside an accounts list, then it counts as unset, not as a second source', () => {
    // Prepare
    const accounts = [{ name: 'main', systemId: 'acme', password: 'fake-pw', host: 'h', port: 3700 }];
    // Act
    const config = loadConfig({
      ...BASE,
      SMPP_ACCOUNTS_JSON: JSON.stringify(accounts),
      SMPP_SYSTEM_TYPE: ' ',
    });
    // Assess
    expect(config.accounts.map((account) => account.name)).toEqual(['main']);
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

  it('when ACCOUNT_QUEUES gives the first account a pair too, then the API fails at cold start naming it', () => {
    // Prepare: the pair for "mkt" as required and, by mistake, one for "main".
    const queue = (name: string) => `https://sqs.eu-west-1.amazonaws.com/1/${name}`;
    const pairOf = (name: string) => ({
      urgent: queue(`${name}-urgent`),
      bulk: queue(`${name}-bulk`),
      urgentDlq: queue(`${name}-urgent-dlq`),
      bulkDlq: queue(`${name}-bulk-dlq`),
    });
    const accounts = [
      { name: 'main', systemId: 'acme', password: 'fake-pw', host: 'h', port: 3700 },
      { name: 'mkt', systemId: 'acme2', password: 'fake-pw', host: 'h', port: 3700 },
    ];
    // Act
    const error = errorThrownBy(
      () =>
        loadConfig({
          ...BASE,
          SMPP_ACCOUNTS_JSON: JSON.stringify(accounts),
          ACCOUNT_QUEUES: JSON.stringify({ main: pairOf('main'), mkt: pairOf('mkt') }),
        }),
      AccountsConfigError,
    );
    // Assess: before, it started, and published "main"'s messages to the pair, which no login
    // drains (the bind-service drains URGENT_QUEUE_URL and BULK_QUEUE_URL for "main"): 202, then
    // `accepted` for ever.
    expect(error.variables).toEqual(['ACCOUNT_QUEUES']);
    expect(error.message).toBe(
      'Invalid ACCOUNT_QUEUES: "main" is the first account; its queues are URGENT_QUEUE_URL and BULK_QUEUE_URL, not a pair',
    );
  });
});
