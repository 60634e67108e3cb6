import { describe, expect, it } from 'vitest';
import { accountLaneQueuesOf, accountQueuesOf } from '#core/config/account-queues.ts';
import { AccountsConfigError } from '#core/domain/accounts/account.ts';
import { errorThrownBy } from '#test/helpers/errors.ts';

// ACCOUNT_QUEUES gives every account but the first a queue pair of its own. A pair for the first
// account, or one queue named twice, is refused at start: the API would publish where no login
// drains (accepted, never sent), or two logins would drain one queue and dead-letter each other's
// messages `wrong_queue`.

const queue = (name: string) => `https://sqs.eu-west-1.amazonaws.com/1/${name}`;
const pairOf = (name: string) => ({
  urgent: queue(`${name}-urgent`),
  bulk: queue(`${name}-bulk`),
  urgentDlq: queue(`${name}-urgent-dlq`),
  bulkDlq: queue(`${name}-bulk-dlq`),
});
/** The first account's queues, as the bind-service has them (the API and the sweeper: no DLQs). */
const FIRST = {
  URGENT_QUEUE_URL: queue('sms-urgent'),
  BULK_QUEUE_URL: queue('sms-bulk'),
  URGENT_DLQ_URL: queue('sms-urgent-dlq'),
  BULK_DLQ_URL: queue('sms-bulk-dlq'),
};

function refusal(env: Record<string, string>, firstAccount: string | undefined): AccountsConfigError {
  return errorThrownBy(() => accountQueuesOf(env, firstAccount), AccountsConfigError);
}

describe('accountQueuesOf', () => {
  it('when every pair is its own and none is the first account’s, then the pairs are read', () => {
    // Act
    const pairs = accountQueuesOf(
      { ...FIRST, ACCOUNT_QUEUES: JSON.stringify({ a: pairOf('a'), b: pairOf('b') }) },
      'main',
    );
    // Assess
    expect(pairs).toEqual({ a: pairOf('a'), b: pairOf('b') });
  });

  it('when a pair is named after the first account, then it is refused: its bind-service drains URGENT_QUEUE_URL and BULK_QUEUE_URL only', () => {
    // Prepare
    const env = { ...FIRST, ACCOUNT_QUEUES: JSON.stringify({ main: pairOf('main'), mkt: pairOf('mkt') }) };
    // Act
    const error = refusal(env, 'main');
    // Assess: before, accepted; the API published "main"'s messages to a queue nobody drains.
    expect(error.variables).toEqual(['ACCOUNT_QUEUES']);
    expect(error.message).toBe(
      'Invalid ACCOUNT_QUEUES: "main" is the first account; its queues are URGENT_QUEUE_URL and BULK_QUEUE_URL, not a pair',
    );
  });

  it('when two pairs name the same queue, then it is refused naming both accounts and the roles', () => {
    // Prepare
    const env = {
      ...FIRST,
      ACCOUNT_QUEUES: JSON.stringify({ a: pairOf('a'), b: { ...pairOf('b'), urgent: queue('a-urgent') } }),
    };
    // Act
    const error = refusal(env, 'main');
    // Assess
    expect(error.message).toBe('Invalid ACCOUNT_QUEUES: "b".urgent is the same queue as "a".urgent');
  });

  it.each([
    ['urgent', 'URGENT_QUEUE_URL'],
    ['bulk', 'BULK_QUEUE_URL'],
    ['urgentDlq', 'URGENT_DLQ_URL'],
    ['bulkDlq', 'BULK_DLQ_URL'],
  ] as const)(
    'when a pair’s %s is the first account’s %s, then it is refused naming the variable',
    (field, variable) => {
      // Prepare
      const env = {
        ...FIRST,
        ACCOUNT_QUEUES: JSON.stringify({ mkt: { ...pairOf('mkt'), [field]: FIRST[variable] } }),
      };
      // Act
      const error = refusal(env, 'main');
      // Assess: before, accepted; two logins drained one queue.
      expect(error.message).toBe(
        `Invalid ACCOUNT_QUEUES: "mkt".${field} is the same queue as ${variable} (the first account's)`,
      );
    },
  );

  it('when a pair repeats its own queue or spells another’s with a capital host, then each is refused at once', () => {
    // Prepare
    const a = { ...pairOf('a'), bulk: queue('a-urgent') };
    const b = { ...pairOf('b'), bulkDlq: queue('sms-bulk').replace('sqs.eu-west-1', 'SQS.eu-west-1') };
    const env = { ...FIRST, ACCOUNT_QUEUES: JSON.stringify({ a, b }) };
    // Act
    const error = refusal(env, 'main');
    // Assess
    expect(error.message).toBe(
      'Invalid ACCOUNT_QUEUES: "a".bulk is the same queue as "a".urgent; "b".bulkDlq is the same queue as BULK_QUEUE_URL (the first account\'s)',
    );
  });
});

describe('accountLaneQueuesOf (the API, the sweeper)', () => {
  it('when the first account of the list has a pair, then it is refused with the DLQ variables unset', () => {
    // Prepare: no DLQ variables, as the publishers run.
    const env = {
      URGENT_QUEUE_URL: FIRST.URGENT_QUEUE_URL,
      BULK_QUEUE_URL: FIRST.BULK_QUEUE_URL,
      ACCOUNT_QUEUES: JSON.stringify({ main: pairOf('main'), mkt: pairOf('mkt') }),
    };
    // Act
    const error = errorThrownBy(
      () => accountLaneQueuesOf(env, [{ name: 'main' }, { name: 'mkt' }]),
      AccountsConfigError,
    );
    // Assess
    expect(error.message).toContain('"main" is the first account');
  });
});
