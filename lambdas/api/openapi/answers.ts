import { z } from 'zod';
import { providerReportSchema } from '#core/domain/events/message-status-changed.ts';
import { MESSAGE_KINDS } from '#core/domain/messages/message-kinds.ts';
import { MESSAGE_STATUSES } from '#core/domain/messages/message-state.ts';
import type { HlrResult } from '#core/domain/receipts/receipt-types.ts';
import { PRIORITIES } from '#core/domain/requests/message-schema.ts';
import type { ProblemBody } from '../http/problem.ts';
import type { BatchAnswer } from '../use-cases/accept-batch.ts';
import type { AcceptedAnswer } from '../use-cases/accept-message.ts';
import type { BatchView } from '../use-cases/read-batch.ts';
import type { MessageView } from '../use-cases/read-message.ts';

// The API's answers as zod schemas, for the OpenAPI document only: the routes build their answers
// from TypeScript types, and the checks at the end of this file fail the type-check when a schema
// here and the type a route answers with say different things.

const ENCODINGS = ['gsm7', 'latin1', 'ucs2', 'binary'] as const;
const CALLBACK_RESULTS = ['delivered', 'retrying', 'failed', 'rejected', 'refused'] as const;

const issue = z.object({
  code: z.string().meta({ description: 'machine-readable: required, invalid_phone_number, too_long, ...' }),
  path: z
    .array(z.union([z.string(), z.number()]))
    .meta({ description: 'where: ["to"], ["messages", 3, "text"]' }),
  message: z.string().meta({ description: 'for people: the field, then what is wrong with it' }),
});

/** The HLR keys the API names, each from a field of the provider's receipt (receipt.ts readHlr). */
const hlrFieldsSchema = z.object({
  imsi: z.string().optional().meta({ description: 'receipt `imsi:`: the subscriber’s IMSI' }),
  msc: z.string().optional().meta({ description: 'receipt `msc:`: the serving switch (MSC) number' }),
  mcc: z.string().optional().meta({ description: 'receipt `mcc:`: the mobile country code' }),
  mnc: z.string().optional().meta({ description: 'receipt `mnc:`: the mobile network code' }),
  countryName: z.string().optional().meta({ description: 'receipt `cn:`: the country, URL-decoded' }),
  networkName: z.string().optional().meta({ description: 'receipt `net:`: the network, URL-decoded' }),
  roamingCountryName: z
    .string()
    .optional()
    .meta({ description: 'receipt `rcn:`: the country it roams in, URL-decoded' }),
  roamingNetworkName: z
    .string()
    .optional()
    .meta({ description: 'receipt `rnet:`: the network it roams in, URL-decoded' }),
});

// Other string keys stay allowed: the stored map is open, so a key added later must not break a
// client that validates against this document.
const hlrSchema = hlrFieldsSchema.catchall(z.string()).nullable().meta({
  description: 'HLR lookup results (kind hlr); a key the receipt did not carry is left out',
});

export const acceptedAnswerSchema = z.object({
  id: z.string(),
  status: z.literal('accepted'),
  encoding: z.enum(ENCODINGS),
  parts: z.number().int(),
});

export const messageViewSchema = z.object({
  id: z.string(),
  to: z.string(),
  from: z.string().optional(),
  kind: z.enum(MESSAGE_KINDS),
  text: z.string().optional(),
  subject: z.string().optional(),
  voice: z.string().optional(),
  bot: z.string().optional(),
  comment: z.string().optional(),
  udh: z.string().optional().meta({ description: 'binary messages: the User Data Header, hex' }),
  priority: z.enum(PRIORITIES),
  status: z.enum(MESSAGE_STATUSES),
  encoding: z.enum(ENCODINGS),
  parts: z.number().int(),
  validityMinutes: z.number().int().optional(),
  clientRef: z.string().optional(),
  callbackUrl: z.string().optional(),
  batchId: z.string().optional(),
  account: z.string().optional().meta({
    description: 'the account that sends it (named, or chosen by routing); absent on older records',
  }),
  smscIds: z.array(z.string()),
  error: z
    .object({ code: z.union([z.number(), z.string()]), name: z.string(), description: z.string() })
    .nullable(),
  cost: z.string().nullable().meta({ description: 'as the provider reports it, a decimal string' }),
  mccmnc: z.string().nullable(),
  read: z.boolean(),
  clicked: z.boolean(),
  hlr: hlrSchema,
  report: providerReportSchema.nullable(),
  callback: z
    .object({
      attempts: z.number().int().meta({ description: 'attempts of the job this outcome belongs to' }),
      lastStatus: z
        .number()
        .int()
        .nullable()
        .meta({ description: "the receiver's HTTP status; null when it did not answer" }),
      lastAt: z.string(),
      outcome: z.enum(CALLBACK_RESULTS).meta({
        description:
          'delivered: a 2xx; retrying: tried again later; failed: the last attempt failed (callbacks DLQ); ' +
          'rejected: an answer a retry cannot change (3xx, 4xx but 408/429); refused: the URL may not be called',
      }),
      forStatus: z.enum(MESSAGE_STATUSES).meta({ description: 'the status change the callback told of' }),
    })
    .nullable()
    .meta({ description: 'the last status callback attempt (callbackUrl given); null until one was made' }),
  history: z
    .array(z.object({ status: z.enum(MESSAGE_STATUSES), at: z.string() }))
    .meta({ description: 'every status the message went through, oldest first' }),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const batchAnswerSchema = z.object({
  batchId: z.string(),
  accepted: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), error: issue })),
});

export const batchViewSchema = z.object({
  batchId: z.string(),
  total: z.number().int(),
  counts: z.record(z.enum(MESSAGE_STATUSES), z.number().int()),
});

export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(issue).optional(),
  })
  .meta({ description: 'RFC 9457 problem details with a stable machine-readable `code`' });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const checks: [
  // Its keys too: objects whose every key is optional are assignable both ways whatever the keys.
  Same<keyof z.output<typeof hlrFieldsSchema>, keyof HlrResult>,
  Same<z.output<typeof hlrFieldsSchema>, HlrResult>,
  Same<z.output<typeof acceptedAnswerSchema>, AcceptedAnswer>,
  Same<z.output<typeof messageViewSchema>, MessageView>,
  Same<z.output<typeof batchAnswerSchema>, BatchAnswer>,
  Same<z.output<typeof batchViewSchema>, BatchView>,
  Same<z.output<typeof problemSchema>, ProblemBody>,
] = [true, true, true, true, true, true, true];
void checks;
