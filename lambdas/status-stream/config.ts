import { z } from 'zod';
import { type ConfigSource, type Env, loadEnv } from '#core/config/load-env.ts';
import { endpointsOf, endpointUrl } from '#core/config/shared-variables.ts';
import { VAR } from '#core/config/variables.ts';
import { ConfigError } from '#core/domain/errors.ts';

// The status consumer's settings, read once at cold start; a missing or bad variable fails the init
// phase with its name instead of failing every batch. It signs nothing: callbacks are queued for the
// callback worker (lambdas/callbacks), which holds the signing secret.

export const envSchema = z.object({
  [VAR.EVENT_BUS_NAME]: z.string().min(1),
  [VAR.EVENT_RESOURCE_ARN]: z.string().min(1).optional(),
  [VAR.CALLBACK_QUEUE_URL]: z.string().min(1),
  [VAR.AWS_REGION]: z.string().min(1),
  [VAR.AWS_ENDPOINT_URL_EVENTBRIDGE]: endpointUrl,
  [VAR.AWS_ENDPOINT_URL_SQS]: endpointUrl,
});

export interface StatusStreamConfig {
  eventBusName: string;
  /** Every event's `resources` (the deployment's messages table): rules match their own stack's. */
  eventResources: string[];
  callbackQueueUrl: string;
  region: string;
  endpoints: { eventBridge?: string; sqs?: string };
}

export class StatusStreamConfigError extends ConfigError {}

const SOURCE: ConfigSource = { component: 'status-stream', error: StatusStreamConfigError };

export function loadStatusStreamConfig(env: Env): StatusStreamConfig {
  const vars = loadEnv(envSchema, env, SOURCE);
  return {
    eventBusName: vars.EVENT_BUS_NAME,
    eventResources: vars.EVENT_RESOURCE_ARN ? [vars.EVENT_RESOURCE_ARN] : [],
    callbackQueueUrl: vars.CALLBACK_QUEUE_URL,
    region: vars.AWS_REGION,
    endpoints: endpointsOf({
      eventBridge: vars.AWS_ENDPOINT_URL_EVENTBRIDGE,
      sqs: vars.AWS_ENDPOINT_URL_SQS,
    }),
  };
}
