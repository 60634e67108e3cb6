import type { AccountPolicy } from '#core/domain/accounts/account.ts';
import { mayUseAccount } from '#core/domain/accounts/permissions.ts';
import { accountNames } from '#core/domain/accounts/routing.ts';
import type { ProblemInit } from './problem.ts';

// The answers for a request whose account cannot be used: a name no account has (422: the request
// is well-formed, the name is not one of this deployment's), or an account the caller may not use
// (403). Both name the account, in `detail` and in the `account` member.

/** `known` lists only the accounts this caller may use: others' names are none of its business. */
export function unknownAccountProblem(
  account: string,
  all: readonly AccountPolicy[],
  caller: string | undefined,
  path: (string | number)[] = ['account'],
): ProblemInit {
  const accounts = all.filter((candidate) => mayUseAccount(candidate, caller));
  const message = `no account is named "${account}" (known: ${accountNames(accounts)})`;
  return {
    status: 422,
    code: 'unknown_account',
    title: 'Unknown account',
    detail: `The account "${account}" does not exist; known: ${accountNames(accounts)}.`,
    errors: [{ code: 'unknown_account', path, message: `${path.join('.')}: ${message}` }],
    extensions: { account },
  };
}

export function accountForbiddenProblem(accounts: readonly string[]): ProblemInit {
  const names = accounts.map((name) => `"${name}"`).join(', ');
  return {
    status: 403,
    code: 'account_forbidden',
    title: 'Account not allowed for this caller',
    detail:
      accounts.length === 1
        ? `This caller may not send through the account ${names}; nothing was stored.`
        : `This caller may not send through the accounts ${names}; nothing was stored.`,
    extensions: { account: accounts[0], accounts },
  };
}
