import { z } from 'zod';
import { type Env, loadEnv } from '#core/config/load-env.ts';
import { endpointUrl, preparationVariables, prepareOptionsOf } from '#core/config/shared-variables.ts';
import { VAR } from '#core/config/variables.ts';
import { ConfigError } from '#core/domain/errors.ts';
import type { PrepareOptions } from '#core/domain/messages/prepare-message.ts';

// The API's settings, read once at cold start. A bad or missing variable stops the function (or the
// local server) at boot with the variable's name, rather than failing the first request. That holds
// for SMPP_SYSTEM_TYPE too: a value the bind-service would refuse must not be promised in a 202.

const envSchema = z.object({
  [VAR.MESSAGES_TABLE]: z.string().min(1),
  [VAR.URGENT_QUEUE_URL]: z.url(),
  [VAR.BULK_QUEUE_URL]: z.url(),
  ...preparationVariables,
  [VAR.AWS_REGION]: z.string().min(1),
  [VAR.AWS_ENDPOINT_URL_DYNAMODB]: endpointUrl,
  [VAR.AWS_ENDPOINT_URL_SQS]: endpointUrl,
});

export interface ApiConfig {
  messagesTable: string;
  queueUrls: { urgent: string; bulk: string };
  prepare: PrepareOptions;
  region: string;
  endpoints: { dynamodb?: string; sqs?: string };
}

// The API's config error is the root ConfigError itself: it added nothing to it.
export { ConfigError };

export function loadConfig(env: Env): ApiConfig {
  const vars = loadEnv(envSchema, env, { component: 'API', error: ConfigError });
  return {
    messagesTable: vars.MESSAGES_TABLE,
    queueUrls: { urgent: vars.URGENT_QUEUE_URL, bulk: vars.BULK_QUEUE_URL },
    prepare: prepareOptionsOf(vars),
    region: vars.AWS_REGION,
    endpoints: {
      ...(vars.AWS_ENDPOINT_URL_DYNAMODB ? { dynamodb: vars.AWS_ENDPOINT_URL_DYNAMODB } : {}),
      ...(vars.AWS_ENDPOINT_URL_SQS ? { sqs: vars.AWS_ENDPOINT_URL_SQS } : {}),
    },
  };
}
