import { describe, expect, it } from 'vitest';
import type { AccountList, AccountPolicy } from '#core/domain/accounts/account.ts';
import { chooseAccount } from '#core/domain/accounts/routing.ts';

function account(name: string, rules: Partial<AccountPolicy> = {}): AccountPolicy {
  return { name, systemType: '', flags: { iso: false, single: false }, senders: [], prefixes: [], ...rules };
}

const ACCOUNTS: AccountList<AccountPolicy> = [
  account('main'),
  account('russia', { prefixes: ['+7'] }),
  account('moscow', { prefixes: ['+7495'] }),
  account('shop', { senders: ['Shop'] }),
];

function chosen(message: Parameters<typeof chooseAccount>[1]) {
  const choice = chooseAccount(ACCOUNTS, message);
  return choice.ok ? { name: choice.account.name, rule: choice.rule } : choice;
}

describe('chooseAccount', () => {
  it('when the message names an account, then that one is chosen whatever its sender and recipient', () => {
    // Act / Assess
    expect(chosen({ account: 'main', from: 'Shop', to: '+74951234567' })).toEqual({
      name: 'main',
      rule: 'named',
    });
  });

  it('when the message names an account that does not exist, then the unknown name is returned', () => {
    // Act / Assess
    expect(chosen({ account: 'mian', to: '+74951234567' })).toEqual({ ok: false, unknown: 'mian' });
  });

  it('when the sender is listed by an account, then it wins over a matching prefix', () => {
    // Act / Assess
    expect(chosen({ from: 'Shop', to: '+74951234567' })).toEqual({ name: 'shop', rule: 'sender' });
  });

  it('when the sender only differs in case, then it is not a match: senders are exact', () => {
    // Act / Assess
    expect(chosen({ from: 'SHOP', to: '+4915112345678' })).toEqual({ name: 'main', rule: 'default' });
  });

  it('when several prefixes match the recipient, then the longest one wins', () => {
    // Act / Assess
    expect(chosen({ to: '+74951234567' })).toEqual({ name: 'moscow', rule: 'prefix' });
    expect(chosen({ to: '+79991234567' })).toEqual({ name: 'russia', rule: 'prefix' });
  });

  it('when nothing matches, or the recipient is an e-mail address, then the first account is chosen', () => {
    // Act / Assess
    expect(chosen({ from: 'Other', to: '+4915112345678' })).toEqual({ name: 'main', rule: 'default' });
    expect(chosen({ to: 'user@example.com' })).toEqual({ name: 'main', rule: 'default' });
  });
});
