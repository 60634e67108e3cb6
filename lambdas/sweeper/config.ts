import { z } from 'zod';
import { accountLaneQueuesOf } from '#core/config/account-queues.ts';
import { accountsFromFile } from '#core/config/accounts.ts';
import { givenVariables } from '#core/config/load-env.ts';
import { endpointsOf, MAX_INTERVAL_SECONDS } from '#core/config/shared-variables.ts';
import { VAR } from '#core/config/variables.ts';
import type { SweepOptions } from './sweep.ts';

// The sweeper's settings, read once at cold start (and by `npm start`): a bad value stops it naming
// the variable.

export const envSchema = z.object({
  [VAR.MESSAGES_TABLE]: z.string().min(1),
  // Parsed by accountQueuesOf (core/config/account-queues.ts): the other accounts' queue pairs.
  [VAR.ACCOUNT_QUEUES]: z.string().min(1).optional(),
  // Read by accountsFromFile (core/config/accounts.ts), only to check that every account but the
  // first has a pair: a record of an account without one would go to the first account's queue,
  // whose bind-service rejects it (`wrong_queue`) instead of sending it.
  [VAR.SMPP_ACCOUNTS]: z.string().min(1).optional(),
  [VAR.SMPP_ACCOUNTS_JSON]: z.string().min(1).optional(),
  [VAR.URGENT_QUEUE_URL]: z.url(),
  [VAR.BULK_QUEUE_URL]: z.url(),
  [VAR.AWS_REGION]: z.string().min(1),
  // Above the time a healthy enqueue can take (the api Lambda answers within 28 s), so a record is
  // enqueued again only when its first enqueue most likely never happened.
  // Capped at a day as the intervals are: 300000 (milliseconds written for seconds) left a lost
  // enqueue waiting 3.5 days, and an age past a Date's range failed every run.
  [VAR.SWEEP_AGE_SECONDS]: z.coerce
    .number()
    .int()
    .min(30)
    .max(MAX_INTERVAL_SECONDS, `must be at most ${MAX_INTERVAL_SECONDS} seconds (a day)`)
    .default(300),
  [VAR.SWEEP_LOOKBACK_HOURS]: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 14)
    .default(24),
  [VAR.SWEEP_MAX_PER_RUN]: z.coerce.number().int().min(1).max(100_000).default(1_000),
  [VAR.SWEEP_CONCURRENCY]: z.coerce.number().int().min(1).max(64).default(8),
  [VAR.AWS_ENDPOINT_URL_DYNAMODB]: z.url().optional(),
  [VAR.AWS_ENDPOINT_URL_SQS]: z.url().optional(),
});

export interface SweeperConfig {
  messagesTable: string;
  queueUrls: { urgent: string; bulk: string };
  /** The queues of every account but the first (ACCOUNT_QUEUES): a message goes back to its account's. */
  accountQueues: Record<string, { urgent: string; bulk: string }>;
  region: string;
  endpoints: { dynamodb?: string; sqs?: string };
  sweep: SweepOptions;
}

export class SweeperConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweeperConfigError';
  }
}

export function loadSweeperConfig(env: Readonly<Record<string, string | undefined>>): SweeperConfig {
  const result = envSchema.safeParse(givenVariables(env));
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new SweeperConfigError(`Invalid sweeper configuration: ${problems.join('; ')}`);
  }
  const vars = result.data;
  return {
    messagesTable: vars[VAR.MESSAGES_TABLE],
    queueUrls: { urgent: vars[VAR.URGENT_QUEUE_URL], bulk: vars[VAR.BULK_QUEUE_URL] },
    accountQueues: accountLaneQueuesOf(env, accountsFromFile(env) ?? []),
    region: vars[VAR.AWS_REGION],
    endpoints: endpointsOf({
      dynamodb: vars[VAR.AWS_ENDPOINT_URL_DYNAMODB],
      sqs: vars[VAR.AWS_ENDPOINT_URL_SQS],
    }),
    sweep: {
      ageSeconds: vars[VAR.SWEEP_AGE_SECONDS],
      lookbackHours: vars[VAR.SWEEP_LOOKBACK_HOURS],
      maxPerRun: vars[VAR.SWEEP_MAX_PER_RUN],
      concurrency: vars[VAR.SWEEP_CONCURRENCY],
    },
  };
}
