import { z } from 'zod';
import type { ClientLimits } from '#core/aws/clients.ts';
import { type ConfigSource, type Env, loadEnv, variableError } from '#core/config/load-env.ts';
import { endpointsOf, endpointUrl } from '#core/config/shared-variables.ts';
import { VAR } from '#core/config/variables.ts';
import { ConfigError } from '#core/domain/errors.ts';

// The callback worker's settings, read once at cold start; a missing or bad variable fails the init
// phase with its name instead of failing every batch.

export const envSchema = z.object({
  [VAR.CALLBACK_QUEUE_URL]: z.string().min(1),
  [VAR.MESSAGES_TABLE]: z.string().min(1),
  // Local mode gives the secret itself; in AWS it is read from Secrets Manager once per cold start.
  [VAR.CALLBACK_SIGNING_SECRET]: z.string().min(16).optional(),
  [VAR.CALLBACK_SIGNING_SECRET_ARN]: z.string().min(1).optional(),
  // Only the local stack sets this: there the callback receivers are on the same machine.
  [VAR.ALLOW_LOOPBACK_CALLBACKS]: z.enum(['true', 'false']).default('false'),
  // At most 20 s: the worker Lambda has 30 s (cdk/constructs/messaging/callbacks.ts) for a batch of
  // 10 posted side by side, their outcome writes and a cold start's secret read. A batch that times
  // out comes back whole, and the callbacks it had delivered are posted again.
  [VAR.CALLBACK_TIMEOUT_MS]: z.coerce.number().int().min(100).max(20_000).default(5_000),
  [VAR.AWS_REGION]: z.string().min(1),
  [VAR.AWS_ENDPOINT_URL_SQS]: endpointUrl,
  [VAR.AWS_ENDPOINT_URL_DYNAMODB]: endpointUrl,
  [VAR.AWS_ENDPOINT_URL_SECRETS_MANAGER]: endpointUrl,
});

export type SigningSecretSource = { kind: 'inline'; secret: string } | { kind: 'secret'; secretArn: string };

export interface CallbackWorkerConfig {
  queueUrl: string;
  messagesTable: string;
  signingSecret: SigningSecretSource;
  allowLoopbackCallbacks: boolean;
  callbackTimeoutMs: number;
  region: string;
  endpoints: { sqs?: string; dynamodb?: string; secretsManager?: string };
  limits: CallbackWorkerLimits;
}

/**
 * The worker's AWS clients, bounded like the api Lambda's: the SDK's defaults (SQS 30 s a request,
 * 3 attempts) let one hung ChangeMessageVisibility outlast the 30 s worker, and a batch cut off by
 * the Lambda timeout comes back whole, its delivered callbacks posted again. Worst case of a hung
 * endpoint: the outcome write 2 x (1 + 2) s, the back-off 2 x (1 + 3) s. The batch's deadline
 * (handle-jobs.ts) bounds the rest.
 */
export interface CallbackWorkerLimits {
  dynamodb: ClientLimits;
  sqs: ClientLimits;
}

/**
 * Left of the invocation's time when the batch stops and hands back its unfinished jobs
 * (handler.ts): room to answer before Lambda's timeout, which would bring the whole batch back.
 */
export const DEADLINE_MARGIN_MS = 2_000;

export const CALLBACK_WORKER_LIMITS: CallbackWorkerLimits = {
  dynamodb: { maxAttempts: 2, connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000 },
  sqs: { maxAttempts: 2, connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000 },
};

export class CallbackWorkerConfigError extends ConfigError {}

const SOURCE: ConfigSource = { component: 'callback-worker', error: CallbackWorkerConfigError };

export function loadCallbackWorkerConfig(env: Env): CallbackWorkerConfig {
  const vars = loadEnv(envSchema, env, SOURCE);
  const inline = vars.CALLBACK_SIGNING_SECRET;
  const arn = vars.CALLBACK_SIGNING_SECRET_ARN;
  if ((inline === undefined) === (arn === undefined)) {
    throw variableError(
      SOURCE,
      [VAR.CALLBACK_SIGNING_SECRET, VAR.CALLBACK_SIGNING_SECRET_ARN],
      'give exactly one of them',
    );
  }
  return {
    queueUrl: vars.CALLBACK_QUEUE_URL,
    messagesTable: vars.MESSAGES_TABLE,
    signingSecret:
      inline !== undefined ? { kind: 'inline', secret: inline } : { kind: 'secret', secretArn: arn ?? '' },
    allowLoopbackCallbacks: vars.ALLOW_LOOPBACK_CALLBACKS === 'true',
    callbackTimeoutMs: vars.CALLBACK_TIMEOUT_MS,
    region: vars.AWS_REGION,
    endpoints: endpointsOf({
      sqs: vars.AWS_ENDPOINT_URL_SQS,
      dynamodb: vars.AWS_ENDPOINT_URL_DYNAMODB,
      secretsManager: vars.AWS_ENDPOINT_URL_SECRETS_MANAGER,
    }),
    limits: CALLBACK_WORKER_LIMITS,
  };
}
