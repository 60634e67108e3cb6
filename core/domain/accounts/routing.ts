import type { AccountList, AccountPolicy } from '#core/domain/accounts/account.ts';

// Which account sends a message. The rules, in order (docs/accounts.md, "Which account sends a
// message"):
// 1. the message names one (`account`: the entry's name); an unknown name is the caller's error;
// 2. its sender (`from`) is listed in an account's `senders` (exact match);
// 3. its recipient starts with one of an account's `prefixes` ("+7"); the longest prefix wins;
// 4. otherwise the default account, the first of the file.
// Names, senders and prefixes are unique across accounts (parse-accounts.ts), so no rule is a tie.

export interface RoutedMessage {
  account?: string | undefined;
  from?: string | undefined;
  /** E.164 for numbers; an e-mail address (kind mail) matches no prefix. */
  to: string;
}

export type AccountChoice<A extends AccountPolicy> =
  | { ok: true; account: A; rule: 'named' | 'sender' | 'prefix' | 'default' }
  | { ok: false; unknown: string };

export function chooseAccount<A extends AccountPolicy>(
  accounts: AccountList<A>,
  message: RoutedMessage,
): AccountChoice<A> {
  if (message.account !== undefined) {
    const named = accounts.find((account) => account.name === message.account);
    return named ? { ok: true, account: named, rule: 'named' } : { ok: false, unknown: message.account };
  }
  const { from } = message;
  if (from !== undefined) {
    const bySender = accounts.find((account) => account.senders.includes(from));
    if (bySender) return { ok: true, account: bySender, rule: 'sender' };
  }
  let best: { account: A; length: number } | undefined;
  for (const account of accounts) {
    for (const prefix of account.prefixes) {
      if (message.to.startsWith(prefix) && prefix.length > (best?.length ?? 0)) {
        best = { account, length: prefix.length };
      }
    }
  }
  if (best) return { ok: true, account: best.account, rule: 'prefix' };
  return { ok: true, account: accounts[0], rule: 'default' };
}

/** "a", "b" and "c": for messages naming the known accounts. */
export function accountNames(accounts: readonly AccountPolicy[]): string {
  return accounts.map((account) => `"${account.name}"`).join(', ');
}
