import { describe, expect, it } from 'vitest';
import { parseQueueMessage } from '#bind-service/dispatch/intake/queue-message.ts';
import type { AccountList, AccountPolicy } from '#core/domain/accounts/account.ts';

// The account of a queue message (issue 12): named, routed, or refused when unknown.

function account(name: string, rules: Partial<AccountPolicy> = {}): AccountPolicy {
  return { name, systemType: '', flags: { iso: false, single: false }, senders: [], prefixes: [], ...rules };
}

const ACCOUNTS: AccountList<AccountPolicy> = [
  account('main'),
  account('uk', { prefixes: ['+44'], systemType: 'ISO', flags: { iso: true, single: false } }),
];
const OPTIONS = { isoMode: false, maxParts: 10, accounts: ACCOUNTS };
const ID = '01JZ0000000000000000000001';

describe('parseQueueMessage and accounts', () => {
  it('when the message names an account that does not exist, then it is malformed with unknown_account naming it', () => {
    // Act
    const parsed = parseQueueMessage(
      JSON.stringify({ v: 1, id: ID, to: '+79991234567', text: 'Hi', account: 'nope' }),
      OPTIONS,
    );
    // Assess
    expect(parsed).toMatchObject({
      ok: false,
      id: ID,
      issues: [{ code: 'unknown_account', path: ['account'] }],
      error: {
        code: 'unknown_account',
        name: 'Invalid queue message',
        description: 'account: no account is named "nope" (known: "main", "uk")',
      },
    });
  });

  it('when the message names a known account, then it is that account, prepared with its ISO flag', () => {
    // Act
    const parsed = parseQueueMessage(
      JSON.stringify({ v: 1, to: '+79991234567', text: 'Crème brûlée ô', account: 'uk' }),
      OPTIONS,
    );
    // Assess
    expect(parsed).toMatchObject({ ok: true, account: { name: 'uk' }, prepared: { encoding: 'latin1' } });
  });

  it('when the message names no account, then the routing rules choose: prefix, else the first', () => {
    // Act
    const uk = parseQueueMessage(JSON.stringify({ v: 1, to: '+447911123456', text: 'Hi' }), OPTIONS);
    const other = parseQueueMessage(JSON.stringify({ v: 1, to: '+79991234567', text: 'Hi' }), OPTIONS);
    // Assess
    expect(uk).toMatchObject({ ok: true, account: { name: 'uk' } });
    expect(other).toMatchObject({ ok: true, account: { name: 'main' } });
  });

  it('when no accounts are configured, then a message naming none goes to the one "default" account', () => {
    // Act
    const parsed = parseQueueMessage(JSON.stringify({ v: 1, to: '+79991234567', text: 'Hi' }), {
      isoMode: false,
      maxParts: 10,
    });
    // Assess
    expect(parsed).toMatchObject({ ok: true, account: { name: 'default' } });
  });
});
