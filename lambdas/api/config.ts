import { z } from 'zod';
import type { ClientLimits } from '#core/aws/clients.ts';
import { accountLaneQueuesOf } from '#core/config/account-queues.ts';
import { accountsFromFile, defaultAccountPolicy } from '#core/config/accounts.ts';
import { type Env, isGiven, loadEnv } from '#core/config/load-env.ts';
import {
  antiLoopSettingsOf,
  antiLoopVariables,
  endpointsOf,
  endpointUrl,
  MAX_INTERVAL_MS,
  preparationVariables,
  prepareOptionsOf,
} from '#core/config/shared-variables.ts';
import { VAR } from '#core/config/variables.ts';
import type { AccountList, AccountPolicy } from '#core/domain/accounts/account.ts';
import { ConfigError } from '#core/domain/errors.ts';
import type { PrepareOptions } from '#core/domain/messages/prepare-message.ts';
import type { AntiLoopSettings } from '#core/domain/provider/anti-loop.ts';

// The API's settings, read once at cold start. A bad or missing variable stops the function (or the
// local server) at boot with the variable's name, rather than failing the first request. That holds
// for SMPP_SYSTEM_TYPE too: a value the bind-service would refuse must not be promised in a 202.

/**
 * A bound in ms on a call or a batch, each a timer: at most a day (MAX_INTERVAL_MS), since Node fires
 * a longer timer after 1 ms and every call would then time out at once.
 */
const milliseconds = z.coerce
  .number()
  .int()
  .min(100)
  .max(MAX_INTERVAL_MS, `must be at most ${MAX_INTERVAL_MS} ms (a day)`);

export const envSchema = z.object({
  [VAR.MESSAGES_TABLE]: z.string().min(1),
  [VAR.URGENT_QUEUE_URL]: z.url(),
  [VAR.BULK_QUEUE_URL]: z.url(),
  // Read by accountsFromFile; listed so an empty value counts as unset like any other.
  [VAR.SMPP_ACCOUNTS]: z.string().min(1).optional(),
  // The same file's JSON inline (CDK in AWS), also read by accountsFromFile.
  [VAR.SMPP_ACCOUNTS_JSON]: z.string().min(1).optional(),
  // Parsed by accountQueuesOf (core/config/account-queues.ts): the other accounts' queue pairs.
  [VAR.ACCOUNT_QUEUES]: z.string().min(1).optional(),
  ...preparationVariables,
  ...antiLoopVariables,
  // Bounds on every DynamoDB/SQS call and on a batch's store and publishing, so that a hung call is answered
  // inside the Lambda's timeout (see timeLimits below). Local mode loosens them: no Lambda cuts it
  // off there, and DynamoDB Local on a busy laptop is far slower than DynamoDB.
  [VAR.DYNAMODB_REQUEST_TIMEOUT_MS]: milliseconds.default(2_000),
  [VAR.SQS_REQUEST_TIMEOUT_MS]: milliseconds.default(3_000),
  [VAR.BATCH_ENQUEUE_BUDGET_MS]: milliseconds.default(10_000),
  // Local mode (`npm start`) sets it: callbacks go to loopback there, and nowhere else.
  [VAR.ALLOW_LOOPBACK_CALLBACKS]: z.enum(['true', 'false']).default('false'),
  [VAR.AWS_REGION]: z.string().min(1),
  [VAR.AWS_ENDPOINT_URL_DYNAMODB]: endpointUrl,
  [VAR.AWS_ENDPOINT_URL_SQS]: endpointUrl,
});

export interface ApiConfig {
  messagesTable: string;
  queueUrls: { urgent: string; bulk: string };
  /** The queues of every account but the first (ACCOUNT_QUEUES): a message goes to its account's. */
  accountQueues: Record<string, { urgent: string; bulk: string }>;
  /** MAX_PARTS, and the default account's ISO flag (each account's own replaces it: use-cases/accounts.ts). */
  prepare: PrepareOptions;
  /** SMPP_ACCOUNTS' entries, or the one `default` account of SMPP_SYSTEM_TYPE; the first is the default. */
  accounts: AccountList<AccountPolicy>;
  /** The provider's anti-loop rules, applied before a message is stored (core/domain/provider/anti-loop.ts). */
  antiLoop: AntiLoopSettings;
  region: string;
  endpoints: { dynamodb?: string; sqs?: string };
  limits: ApiTimeLimits;
}

/**
 * The api Lambda is killed at 28 s (cdk/constructs/sms-sender.ts; API Gateway gives up at 29 s); a
 * request cut off there leaves its record `accepted` with nothing queued and the caller without an
 * answer. With the defaults the worst single send is a store, a publish that hangs (2 attempts of at
 * most 1 s to connect and 3 s to answer: 8 s) and the write that marks it failed (3 attempts of
 * 1 + 2 s: 9 s): 17 s after the store. A batch has one deadline, `batchBudgetMs` from the request's
 * start: the anti-loop guard's time counts against it, and the store (which a throttled table could
 * otherwise hold for minutes) and the publishing stop at it (1000 entries take well under a second
 * each in AWS); what was not stored or not published is then marked and answered as not queued
 * (test/infra/messaging/sweeper.test.ts adds it all up against the timeout). DynamoDB answers in
 * milliseconds and SQS in tens of them: these bounds only cut off hung calls. What is cut off all the
 * same stays `accepted`, and the sweeper enqueues it (lambdas/sweeper).
 */
export interface ApiTimeLimits {
  dynamodb: ClientLimits;
  sqs: ClientLimits;
  /** BATCH_ENQUEUE_BUDGET_MS: a batch request's deadline, from its start (see above). */
  batchBudgetMs: number;
}

const CONNECTION_TIMEOUT_MS = 1_000;
const DYNAMODB_ATTEMPTS = 3;
const SQS_ATTEMPTS = 2;

// The API's config error is the root ConfigError itself: it added nothing to it.
export { ConfigError };

export function loadConfig(env: Env): ApiConfig {
  const vars = loadEnv(envSchema, env, { component: 'API', error: ConfigError });
  const fromFile = accountsFromFile(env);
  if (fromFile && isGiven(env[VAR.SMPP_SYSTEM_TYPE])) {
    throw new ConfigError(
      `Invalid API configuration: ${VAR.SMPP_SYSTEM_TYPE}: give each account its systemType in the ${VAR.SMPP_ACCOUNTS} file instead`,
      [VAR.SMPP_SYSTEM_TYPE, VAR.SMPP_ACCOUNTS],
    );
  }
  const accounts = fromFile ?? [defaultAccountPolicy(vars.SMPP_SYSTEM_TYPE)];
  return {
    accounts,
    messagesTable: vars.MESSAGES_TABLE,
    queueUrls: { urgent: vars.URGENT_QUEUE_URL, bulk: vars.BULK_QUEUE_URL },
    accountQueues: accountLaneQueuesOf(env, accounts),
    prepare: {
      ...prepareOptionsOf(vars),
      isoMode: accounts[0].flags.iso,
      refuseLoopbackCallbacks: vars.ALLOW_LOOPBACK_CALLBACKS !== 'true',
    },
    antiLoop: antiLoopSettingsOf(vars),
    region: vars.AWS_REGION,
    endpoints: endpointsOf({ dynamodb: vars.AWS_ENDPOINT_URL_DYNAMODB, sqs: vars.AWS_ENDPOINT_URL_SQS }),
    limits: {
      dynamodb: {
        maxAttempts: DYNAMODB_ATTEMPTS,
        connectionTimeoutMs: CONNECTION_TIMEOUT_MS,
        requestTimeoutMs: vars.DYNAMODB_REQUEST_TIMEOUT_MS,
      },
      sqs: {
        maxAttempts: SQS_ATTEMPTS,
        connectionTimeoutMs: CONNECTION_TIMEOUT_MS,
        requestTimeoutMs: vars.SQS_REQUEST_TIMEOUT_MS,
      },
      batchBudgetMs: vars.BATCH_ENQUEUE_BUDGET_MS,
    },
  };
}
