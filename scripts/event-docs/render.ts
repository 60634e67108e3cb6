import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CALLBACK_QUEUE } from '#core/aws/resources/resource-definitions.ts';
import { CALLBACK_TIMEOUT_MS } from '#core/callbacks/callback.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '#core/callbacks/signature.ts';
import { inboundMessageReceivedSchema } from '#core/domain/events/inbound-message-received.ts';
import {
  DETAIL_TYPES,
  EVENT_SOURCE,
  messageStatusChangedSchema,
} from '#core/domain/events/message-status-changed.ts';
import { backoffSeconds } from '#lambdas/callbacks/attempt-policy.ts';
import { STATUS_KIND, toEnvelope } from '#local/streams/events-forwarder.ts';
import { inboundExample, statusExamples } from './examples.ts';

// docs/events.md is prose with generated sections between markers; this fills them from the code
// (the zod schema, the signature and retry constants, examples/verify-callback.mjs) and renders the
// JSON Schema file. Pure apart from reading the snippet: the drift test renders in memory and
// compares with what is committed; `npm run docs:events` writes it.

export const EVENTS_DOC = 'docs/events.md';
export const SCHEMA_FILE = 'docs/events/message-status-changed.schema.json';
export const INBOUND_SCHEMA_FILE = 'docs/events/inbound-message-received.schema.json';
export const VERIFY_SNIPPET = 'examples/verify-callback.mjs';
export const REGENERATE = 'npm run docs:events';

type JsonSchema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  format?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  'x-may-grow'?: string;
};

function jsonSchema(schema: z.ZodType, id: string): string {
  const rendered = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ $id: `urn:smsc-aws-sender:events:${id}:v1`, ...rendered }, null, 2)}\n`;
}

/** Each JSON Schema file's content, by path. */
export function renderSchemas(): Record<string, string> {
  return {
    [SCHEMA_FILE]: jsonSchema(messageStatusChangedSchema, DETAIL_TYPES.messageStatusChanged),
    [INBOUND_SCHEMA_FILE]: jsonSchema(inboundMessageReceivedSchema, DETAIL_TYPES.inboundMessageReceived),
  };
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return 'string, one of the values below';
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' or ');
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'any'];
  return types
    .map((type) => {
      if (type === 'array') return `array of ${typeOf(schema.items ?? {})}`;
      if (type === 'object' && schema.properties)
        return `object {${Object.keys(schema.properties).join(', ')}}`;
      if (type === 'object') return 'object of strings';
      if (type === 'string' && schema.format) return `string (${schema.format})`;
      return type;
    })
    .join(' or ');
}

function mayGrowOf(schema: JsonSchema): string | undefined {
  return schema['x-may-grow'] ?? schema.anyOf?.map(mayGrowOf).find((value) => value !== undefined);
}

function fieldTable(source: z.ZodType): string {
  const schema = z.toJSONSchema(source, { io: 'input' }) as JsonSchema;
  const rows = Object.entries(schema.properties ?? {}).map(([name, field]) => {
    const grows = mayGrowOf(field);
    const values = field.enum ? ` Values: ${field.enum.map((v) => `\`${String(v)}\``).join(', ')}.` : '';
    const description =
      (field.description ?? field.anyOf?.find((s) => s.description)?.description ?? '') + values;
    return `| \`${name}\` | ${typeOf(field)} | ${description} | ${grows ? `new ${grows} may appear` : ''} |`;
  });
  return ['| field | type | meaning | may grow |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

const json = (value: unknown) => ['```json', JSON.stringify(value, null, 2), '```'].join('\n');

function examples(): string {
  return statusExamples()
    .map(({ status, when, detail }) => [`#### \`${status}\`: ${when}`, '', json(detail)].join('\n'))
    .join('\n\n');
}

function envelope(): string {
  const [first] = statusExamples();
  if (!first) throw new Error('no example event');
  const wrapped = {
    ...toEnvelope(first.detail, STATUS_KIND, {
      region: 'eu-central-1',
      account: '123456789012',
      // In AWS: the stack's messages table, which its onStatus rules match (EVENT_RESOURCE_ARN).
      resources: ['arn:aws:dynamodb:eu-central-1:123456789012:table/SmsSender-StoreMessages1A2B3C4D'],
    }),
    id: '6f1f5bc4-2f5c-4b8e-9c6f-0d7c2f3b8a11',
  };
  return json(wrapped);
}

function identity(): string {
  return [
    `| envelope field | value |`,
    '| --- | --- |',
    `| \`source\` | \`${EVENT_SOURCE}\` |`,
    ...Object.values(DETAIL_TYPES).map((type) => `| \`detail-type\` | \`${type}\` |`),
  ].join('\n');
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3_600) return `${Math.round(seconds / 60)} min`;
  const hours = Math.floor(seconds / 3_600);
  const minutes = Math.round((seconds % 3_600) / 60);
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

function retrySchedule(): string {
  const attempts = CALLBACK_QUEUE.maxReceiveCount;
  let elapsed = 0;
  const rows: string[] = [
    '| attempt | after the previous one failed, waits | earliest, from the first attempt |',
  ];
  rows.push('| --- | --- | --- |', '| 1 | (at once) | 0 |');
  for (let attempt = 2; attempt <= attempts; attempt++) {
    const wait = backoffSeconds(attempt - 1);
    elapsed += wait;
    rows.push(`| ${attempt} | ${duration(wait)} | ${duration(elapsed)} |`);
  }
  return [
    ...rows,
    '',
    `After attempt ${attempts} fails the job moves to the callbacks dead-letter queue (about ${duration(elapsed)} ` +
      'after the first attempt, plus queue latency), where it is alarmed and can be redriven. Each attempt ' +
      `waits at most ${CALLBACK_TIMEOUT_MS / 1000} s for an answer, resolving the host name included (the worker's \`CALLBACK_TIMEOUT_MS\`).`,
  ].join('\n');
}

function headers(): string {
  return [
    '| header | value |',
    '| --- | --- |',
    '| `content-type` | `application/json` |',
    `| \`${SIGNATURE_HEADER}\` | \`sha256=\` and the lowercase hex HMAC-SHA256 of \`<timestamp>.<body>\`, keyed with the signing secret |`,
    `| \`${TIMESTAMP_HEADER}\` | when this attempt was signed, Unix seconds (each attempt is signed anew) |`,
  ].join('\n');
}

function snippet(root: string): string {
  return ['```js', readFileSync(`${root}/${VERIFY_SNIPPET}`, 'utf8').trimEnd(), '```'].join('\n');
}

/** Each generated section's content, by marker name. */
export function sections(root: string): Record<string, string> {
  return {
    identity: identity(),
    fields: fieldTable(messageStatusChangedSchema),
    examples: examples(),
    inboundFields: fieldTable(inboundMessageReceivedSchema),
    inboundExample: json(inboundExample()),
    envelope: envelope(),
    headers: headers(),
    retries: retrySchedule(),
    verify: snippet(root),
  };
}

const MARKER = /(<!-- generated:(\w+) \(npm run docs:events\) -->\n)[\s\S]*?(<!-- \/generated:\2 -->)/g;

/** The document with every generated section filled in; a section without its markers is an error. */
export function renderEventsDoc(current: string, root: string): string {
  const content = sections(root);
  const seen = new Set<string>();
  const rendered = current.replace(MARKER, (_, open: string, name: string, close: string) => {
    const body = content[name];
    if (body === undefined) throw new Error(`${EVENTS_DOC}: unknown generated section "${name}"`);
    seen.add(name);
    return `${open}${body}\n${close}`;
  });
  const missing = Object.keys(content).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`${EVENTS_DOC}: no markers for ${missing.join(', ')}`);
  return rendered;
}
