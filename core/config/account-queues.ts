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

/**
 * The pairs by account name; empty when ACCOUNT_QUEUES is unset. Refused: a pair for `firstAccount`
 * (the API would publish its messages there, while its bind-service drains URGENT_QUEUE_URL and
 * BULK_QUEUE_URL only: accepted, never sent) and a URL given twice, across the pairs and the first
 * account's variables this runtime has (two logins would drain one queue and dead-letter each
 * other's messages `wrong_queue`). `firstAccount` is undefined where the accounts are not known.
 */
export function accountQueuesOf(
  env: Env,
  firstAccount: string | undefined,
): Readonly<Record<string, QueuePair>> {
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
  const problems = [
    ...firstAccountPair(parsed.data, firstAccount),
    ...sharedQueues(env, parsed.data, firstAccount),
  ];
  if (problems.length > 0) throw invalid(problems.join('; '));
  return parsed.data;
}

/** The first account's queues, each by its variable: no pair may name one of them. */
const FIRST_ACCOUNT_QUEUES = [
  VAR.URGENT_QUEUE_URL,
  VAR.BULK_QUEUE_URL,
  VAR.URGENT_DLQ_URL,
  VAR.BULK_DLQ_URL,
] as const;

const PAIR_FIELDS = ['urgent', 'bulk', 'urgentDlq', 'bulkDlq'] as const;

function firstAccountPair(
  pairs: Readonly<Record<string, QueuePair>>,
  firstAccount: string | undefined,
): string[] {
  if (firstAccount === undefined || !Object.hasOwn(pairs, firstAccount)) return [];
  return [
    `"${firstAccount}" is the first account; its queues are ${VAR.URGENT_QUEUE_URL} and ${VAR.BULK_QUEUE_URL}, not a pair`,
  ];
}

/** Every URL that is already another queue's: the first account's, or an earlier pair field's. */
function sharedQueues(
  env: Env,
  pairs: Readonly<Record<string, QueuePair>>,
  firstAccount: string | undefined,
): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  for (const variable of FIRST_ACCOUNT_QUEUES) {
    const url = env[variable];
    // The API and the sweeper have no DLQ variables: they check the queues they know.
    if (isGiven(url)) owners.set(sameQueue(url), `${variable} (the first account's)`);
  }
  for (const [account, pair] of Object.entries(pairs)) {
    // Already refused as a whole: its URLs are most likely the first account's, said once.
    if (account === firstAccount) continue;
    for (const field of PAIR_FIELDS) {
      const role = `"${account}".${field}`;
      const key = sameQueue(pair[field]);
      const owner = owners.get(key);
      if (owner === undefined) owners.set(key, role);
      else problems.push(`${role} is the same queue as ${owner}`);
    }
  }
  return problems;
}

/** One spelling per queue: host case and a default port do not make another queue. */
export function sameQueue(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
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
 * `accounts` given: each of them but the first must have a pair, or the start fails naming it, and
 * the first must have none (accountQueuesOf).
 */
export function accountLaneQueuesOf(
  env: Env,
  accounts: readonly { name: string }[] = [],
): Record<string, { urgent: string; bulk: string }> {
  const pairs = accountQueuesOf(env, accounts[0]?.name);
  for (const account of accounts.slice(1)) queuePairOf(pairs, account.name);
  return Object.fromEntries(
    Object.entries(pairs).map(([name, pair]) => [name, { urgent: pair.urgent, bulk: pair.bulk }]),
  );
}
