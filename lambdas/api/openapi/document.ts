import { z } from 'zod';
import {
  MAX_BATCH_SIZE,
  messagesBatchSchema,
  recipientsBatchSchema,
} from '#core/domain/requests/batch-schema.ts';
import { MAX_IDEMPOTENCY_KEY_LENGTH, sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { EMAIL_SENDER_RULE, SENDER_ID_RULE } from '#core/domain/requests/sender-id.ts';
import { PROBLEM_CONTENT_TYPE } from '../http/problem.ts';
import {
  EVERY_ROUTE_PROBLEMS,
  PROBLEMS,
  type ProblemCode,
  type ProblemExample,
  ROUTE_PROBLEMS,
  type RouteWording,
} from '../http/problem-catalogue.ts';
import {
  acceptedAnswerSchema,
  batchAnswerSchema,
  batchViewSchema,
  messageViewSchema,
  problemSchema,
} from './answers.ts';
import { EXAMPLES } from './examples.ts';
import { bodyLimitText, type Route, routeWording } from './route-wording.ts';

// The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas the API validates with
// (requests) and the schemas of its answers (answers.ts). `npm run openapi` writes it to
// docs/openapi.json; the local API serves it at GET /openapi.json; a test fails when they differ.

type JsonObject = Record<string, unknown>;

const REF = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function schemasOf(io: 'input' | 'output', schemas: Record<string, z.ZodType>): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: out } = z.toJSONSchema(registry, {
    io,
    target: 'draft-2020-12',
    // Refinements (phone numbers, sender ids, URLs) have no JSON Schema form: described in prose.
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  const result: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(out)) {
    const { $schema: _schema, $id: _id, ...rest } = schema as JsonObject;
    result[id] = rest;
  }
  return result;
}

/** Field descriptions: the schemas carry limits and enums; what a field means is said once here. */
const FIELD_DESCRIPTIONS: Record<string, string> = {
  to: 'recipient: a phone number (normalised to E.164), or an e-mail address for kind "mail"',
  text: 'the message; any Unicode except control characters (but LF, CR, TAB, FF), lone surrogates and noncharacters; taken in its composed form (NFC), so a decomposed accent counts as its letter',
  from: `sender id: ${SENDER_ID_RULE.replace(/^must be /, '')}; or ${EMAIL_SENDER_RULE}`,
  kind: 'what the provider sends: sms, flash, mail, call (voice), viber, soc, tgm (Telegram code), bot, hlr, ping',
  subject: 'mail subject (kind "mail")',
  voice: 'voice of a call (kind "call")',
  bot: 'the bot that sends (kind "bot")',
  comment: 'a comment kept with the message at the provider',
  priority: 'lane: urgent (single sends) or bulk (mailings)',
  encoding:
    'auto: GSM 7-bit when it carries the text, else UCS-2 (Latin-1 only under the ISO flag: data_coding 4 is 8-bit data to many handsets); gsm7, latin1 and ucs2 force one (a text it cannot carry is refused); binary sends hex',
  validityMinutes: 'minutes from acceptance in which it is sent and delivered (default 1440)',
  clientRef: 'your own reference, returned with the message and in events',
  callbackUrl: 'https URL that receives each status change, signed (HMAC)',
  account:
    'the provider login (SMPP_ACCOUNTS entry name) that sends it; default: by sender, destination prefix, else the first',
};

function describeFields(schema: JsonObject): JsonObject {
  const properties = schema.properties as Record<string, JsonObject> | undefined;
  if (!properties) return schema;
  const described: Record<string, JsonObject> = {};
  for (const [name, property] of Object.entries(properties)) {
    const description = FIELD_DESCRIPTIONS[name];
    described[name] = description && !('description' in property) ? { description, ...property } : property;
  }
  return { ...schema, properties: described };
}

/** Statuses whose answers may carry Retry-After: when to come back. */
const RETRY_AFTER_STATUSES = new Set([409, 429, 503]);

function retryAfterText(status: number): string {
  return status === 503 ? 'seconds to wait; absent for store_outcome_unknown' : 'seconds to wait';
}

function problemResponses(
  codes: readonly ProblemCode[],
  worded: Partial<Record<ProblemCode, RouteWording>> = {},
): Record<string, JsonObject> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) {
    const { status } = PROBLEMS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, JsonObject> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const examples: Record<string, JsonObject> = {};
    for (const code of list) {
      const { extensions, ...problem } = { ...PROBLEMS[code], ...worded[code] } as ProblemExample;
      examples[code] = {
        summary: problem.title,
        value: { type: `tag:smsc-aws-sender,2025:problems/${code}`, code, ...problem, ...extensions },
      };
    }
    responses[String(status)] = {
      description: list.map((code) => `\`${code}\``).join(', '),
      ...(RETRY_AFTER_STATUSES.has(status)
        ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: retryAfterText(status) } } }
        : {}),
      ...(status === 405 ? { headers: { Allow: { schema: { type: 'string' } } } } : {}),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: REF('Problem'), examples } },
    };
  }
  return responses;
}

const json = (schema: JsonObject, example?: unknown) => ({
  'application/json': { schema, ...(example === undefined ? {} : { example }) },
});

function idParameter(description: string): JsonObject {
  return { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description };
}

function operation(
  route: Route,
  parts: { summary: string; success: JsonObject; extra?: JsonObject },
): JsonObject {
  return {
    summary: parts.summary,
    operationId: operationIds[route],
    ...parts.extra,
    responses: {
      ...parts.success,
      ...problemResponses([...ROUTE_PROBLEMS[route], ...EVERY_ROUTE_PROBLEMS], routeWording(route)),
    },
  };
}

const operationIds: Record<Route, string> = {
  'POST /v1/messages': 'sendMessage',
  'GET /v1/messages/{id}': 'getMessage',
  'POST /v1/batches': 'sendBatch',
  'GET /v1/batches/{id}': 'getBatch',
};

export function openApiDocument(): JsonObject {
  const requests = schemasOf('input', {
    SendMessage: sendMessageSchema,
    SendBatchToRecipients: recipientsBatchSchema,
    SendBatchOfMessages: messagesBatchSchema,
  });
  const answers = schemasOf('output', {
    AcceptedAnswer: acceptedAnswerSchema,
    Message: messageViewSchema,
    BatchAnswer: batchAnswerSchema,
    Batch: batchViewSchema,
    Problem: problemSchema,
  });
  const schemas: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries({ ...requests, ...answers }))
    schemas[id] = describeFields(schema);
  schemas.SendBatch = { oneOf: [REF('SendBatchToRecipients'), REF('SendBatchOfMessages')] };

  const messageGet = operation('GET /v1/messages/{id}', {
    summary: 'Read a message: status, history, SMSC ids, error, cost',
    extra: { parameters: [idParameter('message id (a ULID)')] },
    success: { 200: { description: 'the message', content: json(REF('Message'), EXAMPLES.message) } },
  });
  const batchGet = operation('GET /v1/batches/{id}', {
    summary: 'Count a batch’s messages per status',
    extra: { parameters: [idParameter('batch id ("b_" and a ULID)')] },
    success: { 200: { description: 'counts per status', content: json(REF('Batch'), EXAMPLES.batch) } },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'smsc-aws-sender API',
      version: '1',
      description:
        'Send SMS (and the provider’s other kinds) through the SMSC SMPP gateway. A deployed stack takes only ' +
        'SigV4-signed requests (IAM, service execute-api); the local stack (`npm start`) takes unsigned ones. ' +
        'Every error is application/problem+json with a stable `code`. Deployed, API Gateway gives some answers ' +
        'itself, before the API runs, in the same shape (plus `message`, its own words, and `requestId`): 403 ' +
        '`unsigned_or_unknown_route` (no SigV4 signature, or no route for the method and path: it answers both ' +
        'alike), 403 `access_denied`, `invalid_signature`, `expired_token`; 400 `validation_failed`; 413 ' +
        '`payload_too_large`; 429 `throttled` (stage throttling, with Retry-After; not `flood_limit`); 504 ' +
        '`integration_failure` and `integration_timeout` (the request may still complete: resend a message ' +
        'with the same Idempotency-Key); `gateway_refused` (4xx) and `gateway_error` (5xx) for any other, with ' +
        'the status of API Gateway’s own answer and no `status` in the body.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'local stack (npm start)' }],
    security: [{ sigv4: [] }],
    paths: {
      '/v1/messages': {
        post: operation('POST /v1/messages', {
          summary: 'Send one message',
          extra: {
            description: `The body may be at most ${bodyLimitText('POST /v1/messages')}; a larger one is refused (413 \`payload_too_large\`).`,
            parameters: [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                description:
                  'a retry with the same key and body gets the first answer (Idempotent-Replayed: true); keys live 24 h',
                schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH },
              },
            ],
            requestBody: { required: true, content: json(REF('SendMessage'), EXAMPLES.sendMessage) },
          },
          success: {
            202: {
              description: 'accepted; nothing is sent before this answer',
              headers: {
                Location: { schema: { type: 'string' } },
                'Idempotent-Replayed': { schema: { type: 'string', enum: ['true'] } },
              },
              content: json(REF('AcceptedAnswer'), EXAMPLES.accepted),
            },
          },
        }),
      },
      '/v1/messages/{id}': { get: messageGet, head: { ...messageGet, operationId: 'headMessage' } },
      '/v1/batches': {
        post: operation('POST /v1/batches', {
          summary: 'Send a mailing: one text to many recipients, or many messages (up to 1000; bulk lane)',
          extra: {
            description:
              `The body may be at most ${bodyLimitText('POST /v1/batches')}; a larger one is refused ` +
              `(413 \`payload_too_large\`). It holds at most ${MAX_BATCH_SIZE} entries.`,
            requestBody: { required: true, content: json(REF('SendBatch'), EXAMPLES.sendBatch) },
          },
          success: {
            202: {
              description:
                'the valid entries are accepted; the invalid ones, and those not stored or queued within the ' +
                "batch's time (`enqueue_failed`: certain not to be sent; send them again), are listed by index",
              headers: { Location: { schema: { type: 'string' } } },
              content: json(REF('BatchAnswer'), EXAMPLES.batchAnswer),
            },
          },
        }),
      },
      '/v1/batches/{id}': { get: batchGet, head: { ...batchGet, operationId: 'headBatch' } },
    },
    components: {
      schemas,
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS Signature Version 4 (service execute-api)',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
    },
  };
}

/** The document as written to docs/openapi.json. */
export function openApiText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
