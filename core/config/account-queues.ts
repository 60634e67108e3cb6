import { z } from 'zod';
import { type Env, isGiven } from '#core/config/load-env.ts';
import { VAR } from '#core/config/variables.ts';
import { AccountsConfigError } from '#core/domain/accounts/account.ts';
import { jsonSyntaxWhere } from '#core/domain/json-syntax.ts';

// The queue pair of every account but the first (the first keeps URGENT_QUEUE_URL & co.), from
// ACCOUNT_QUEUES. Each login drains its own pair, so one account's backlog, throttling or refused
// password never holds another's messages in a shared queue. The API publishes to the pair of the
// message's account; the bind-service drains each pair with that account's binds.

export interface QueuePair {
  urgent: string;
  bulk: string;
  urgentDlq: string;
  bulkDlq: string;
}

const pairSchema = z.strictObject({ urgent: z.url(), bulk: z.url(), urgentDlq: z.url(), bulkDlq: z.url() });
const mapSchema = z.record(z.string(), pairSchema);

/** The pairs by account name; empty when ACCOUNT_QUEUES is unset. */
export function accountQueuesOf(env: Env): Readonly<Record<string, QueuePair>> {
  const raw = env[VAR.ACCOUNT_QUEUES];
  if (!isGiven(raw)) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw invalid(`is not valid JSON${jsonSyntaxWhere(error, raw)}`);
  }
  const parsed = mapSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** The pair of `account`, which is not the first; an error naming it when ACCOUNT_QUEUES has none. */
export function queuePairOf(pairs: Readonly<Record<string, QueuePair>>, account: string): QueuePair {
  const pair = Object.hasOwn(pairs, account) ? pairs[account] : undefined;
  if (!pair) {
    throw invalid(
      `has no queues for account "${account}"; every account but the first drains a queue pair of its own`,
    );
  }
  return pair;
}

function invalid(problem: string): AccountsConfigError {
  return new AccountsConfigError(`Invalid ${VAR.ACCOUNT_QUEUES}: ${problem}`, [VAR.ACCOUNT_QUEUES]);
}

/**
 * The urgent/bulk queue of every account but the first, for publishers (the API, the sweeper).
 * `accounts` given: each of them but the first must have a pair, or the start fails naming it.
 */
export function accountLaneQueuesOf(
  env: Env,
  accounts: readonly { name: string }[] = [],
): Record<string, { urgent: string; bulk: string }> {
  const pairs = accountQueuesOf(env);
  for (const account of accounts.slice(1)) queuePairOf(pairs, account.name);
  return Object.fromEntries(
    Object.entries(pairs).map(([name, pair]) => [name, { urgent: pair.urgent, bulk: pair.bulk }]),
  );
}
