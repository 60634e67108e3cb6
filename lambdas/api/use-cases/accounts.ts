import type { AccountPolicy } from '#core/domain/accounts/account.ts';
import { mayUseAccount } from '#core/domain/accounts/permissions.ts';
import { chooseAccount, type RoutedMessage } from '#core/domain/accounts/routing.ts';
import type { PrepareOptions } from '#core/domain/messages/prepare-message.ts';
import type { ApiDeps } from '../deps.ts';

// The account of one request: named or routed (core/domain/accounts/routing.ts), then checked
// against the caller (permissions.ts). Both happen before anything is stored, the anti-loop records
// included, so a refused request leaves no trace but its log line.

export type AccountCheck =
  | { ok: true; account: AccountPolicy; prepare: PrepareOptions }
  | { ok: false; outcome: 'unknown-account'; account: string }
  | { ok: false; outcome: 'account-forbidden'; account: string };

export function checkAccount(
  deps: Pick<ApiDeps, 'accounts' | 'prepare'>,
  message: RoutedMessage,
  caller: string | undefined,
): AccountCheck {
  const choice = chooseAccount(deps.accounts, message);
  if (!choice.ok) return { ok: false, outcome: 'unknown-account', account: choice.unknown };
  if (!mayUseAccount(choice.account, caller)) {
    return { ok: false, outcome: 'account-forbidden', account: choice.account.name };
  }
  return { ok: true, account: choice.account, prepare: prepareFor(deps, choice.account) };
}

/** The account's ISO flag decides what data_coding 0 means, hence the encoding and parts promised. */
export function prepareFor(deps: Pick<ApiDeps, 'prepare'>, account: AccountPolicy): PrepareOptions {
  return { ...deps.prepare, isoMode: account.flags.iso };
}
