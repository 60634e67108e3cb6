import type { AccountPolicy } from '#core/domain/accounts/account.ts';

// Who may send through an account: its `principals`, IAM role or user ARNs, checked against the
// principal API Gateway reports for a request signed with SigV4 (requestContext.identity.userArn).
// A role is reported as the session of the role that signed, by the role's name without its path:
//   configured  arn:aws:iam::123456789012:role/service/orders
//   reported    arn:aws:sts::123456789012:assumed-role/orders/<session>
// An IAM user is reported by its own ARN. An account without `principals` takes any caller the API
// lets in (IAM auth in AWS; locally, everyone); an account with them refuses a caller it cannot name.

const ROLE = /^arn:([a-z-]+):iam::([0-9]{12}):role\/(?:.*\/)?([^/]+)$/;
const ASSUMED_ROLE = /^arn:([a-z-]+):sts::([0-9]{12}):assumed-role\/([^/]+)\/.+$/;

/** Whether the caller (its reported ARN; undefined when unauthenticated) may use the account. */
export function mayUseAccount(
  account: Pick<AccountPolicy, 'principals'>,
  caller: string | undefined,
): boolean {
  if (account.principals === undefined) return true;
  if (caller === undefined) return false;
  return account.principals.some((principal) => principalMatches(principal, caller));
}

export function principalMatches(configured: string, caller: string): boolean {
  if (configured === caller) return true;
  const role = ROLE.exec(configured);
  const assumed = ASSUMED_ROLE.exec(caller);
  if (!role || !assumed) return false;
  return role[1] === assumed[1] && role[2] === assumed[2] && role[3] === assumed[3];
}
