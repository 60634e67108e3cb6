import { z } from 'zod';
import { MESSAGE_KINDS } from '#core/domain/messages/message-kinds.ts';
import { MESSAGE_STATUSES } from '#core/domain/messages/message-state.ts';
import { PROVIDER_MESSAGE_TYPES, TEMPLATE_TYPES } from '#core/domain/receipts/receipt.ts';

// The status events' contract, in one place: the status Lambda builds every event through this
// schema (lambdas/status-stream/status-event.ts), docs/events.md and docs/events/*.schema.json are
// generated from it (`npm run docs:events`), and the CDK construct's rule patterns and stack outputs
// use the same source and detail type. Changing a field here changes all of them together.

/** EventBridge `source` of every event this system emits. */
export const EVENT_SOURCE = 'sms-sender';

/** EventBridge `detail-type` values, one per event. */
export const DETAIL_TYPES = {
  messageStatusChanged: 'MessageStatusChanged',
  inboundMessageReceived: 'InboundMessageReceived',
} as const;
export type DetailType = (typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES];

/** Bumped only for a change a consumer could break on (a field removed, renamed or retyped). */
export const MESSAGE_STATUS_CHANGED_VERSION = 1;

/**
 * `x-may-grow` (carried into the JSON Schema) marks a field whose set of values, or keys, may grow
 * within the same version: consumers treat a value they do not know as "other", never as an error.
 */
const mayGrow = (kind: 'values' | 'keys') => ({ 'x-may-grow': kind });

const statusSchema = z.enum(MESSAGE_STATUSES);

/** A receipt's details beyond the status (ProviderReport); shared with the API's message view. */
export const providerReportSchema = z.object({
  messageType: z
    .enum(PROVIDER_MESSAGE_TYPES)
    .optional()
    .meta({
      description: 'What the provider says the message was (TLV 0x2001 bits 0-3).',
      ...mayGrow('values'),
    }),
  paidFromSecondBalance: z.boolean().optional().meta({ description: 'Paid from the second balance.' }),
  template: z.boolean().optional().meta({ description: 'Sent as a registered template.' }),
  templateType: z
    .enum(TEMPLATE_TYPES)
    .optional()
    .meta({ description: "The template's type, when it was one.", ...mayGrow('values') }),
  parts: z.number().int().optional().meta({ description: 'Parts the provider counted (TLV 0x2002).' }),
  submittedParts: z.number().int().optional().meta({ description: 'Receipt `sub:`: parts submitted.' }),
  deliveredParts: z.number().int().optional().meta({ description: 'Receipt `dlvrd:`: parts delivered.' }),
  submitDate: z.string().optional().meta({ description: 'Receipt `submit date:`, ISO 8601 (read as UTC).' }),
  doneDate: z.string().optional().meta({ description: 'Receipt `done date:`, ISO 8601 (read as UTC).' }),
});

export const messageStatusChangedSchema = z
  .object({
    schemaVersion: z.literal(MESSAGE_STATUS_CHANGED_VERSION).meta({
      description: 'Version of this detail schema. A breaking change comes as a new version, never silently.',
    }),
    id: z.string().min(1).meta({ description: 'The message id (a ULID), as returned by POST /v1/messages.' }),
    status: statusSchema.meta({
      description:
        'The status the message is in now. Events are emitted for submitted, delivered, undelivered, expired, rejected, failed and unknown (never for the internal accepted and submitting).',
      ...mayGrow('values'),
    }),
    previousStatus: statusSchema.meta({
      description:
        'The status before this change; equal to `status` when only `read` or `clicked` was raised.',
      ...mayGrow('values'),
    }),
    sequence: z.number().int().min(1).meta({
      description:
        'Changes recorded on the message so far (status changes plus read/clicked raised): grows by at least 1 with each event of one message, so it orders them; a redelivered event has the same value.',
    }),
    kind: z
      .enum(MESSAGE_KINDS)
      .meta({ description: 'What was sent: sms, flash, mail, call, viber, …', ...mayGrow('values') }),
    to: z
      .string()
      .meta({ description: 'The recipient (E.164 phone number, or e-mail address for kind mail).' }),
    clientRef: z.string().nullable().meta({ description: "The sender's own reference, when one was given." }),
    batchId: z
      .string()
      .nullable()
      .meta({ description: 'The batch the message belongs to, when sent in one.' }),
    account: z.string().nullable().meta({
      description:
        'The account (provider login, an SMPP_ACCOUNTS entry) that sends the message: named by the caller or chosen by routing; null on records older than accounts and on queue messages rejected before one was chosen.',
    }),
    parts: z.number().int().min(0).meta({ description: 'SMS parts the message was split into.' }),
    smscIds: z
      .array(z.string())
      .meta({ description: "The SMSC's ids for the message (one per part with SINGLE)." }),
    error: z
      .object({
        code: z.union([z.number(), z.string()]).meta({
          description:
            "The provider's error code (a number), or one of ours (a string): a refusal before any submit, `submit_unconfirmed` on an `unknown` whose submit went unanswered, `parts_not_sent` on an `undelivered` SINGLE message some parts of which were never sent while every part sent was delivered.",
          ...mayGrow('values'),
        }),
        name: z.string(),
        description: z.string(),
      })
      .nullable()
      .meta({ description: 'Why the message failed, when it did.' }),
    cost: z
      .string()
      .nullable()
      .meta({ description: 'Cost as the provider reports it, a decimal string (never a float).' }),
    mccmnc: z
      .string()
      .nullable()
      .meta({ description: "The recipient's network (MCC+MNC), from the receipt." }),
    read: z.boolean().meta({ description: 'The recipient read the message (where the channel reports it).' }),
    clicked: z
      .boolean()
      .meta({ description: 'The recipient clicked a link in it (where the channel reports it).' }),
    hlr: z
      .record(z.string(), z.string())
      .nullable()
      .meta({ description: 'HLR lookup results, for kind hlr.', ...mayGrow('keys') }),
    report: providerReportSchema.nullable().meta({
      description: "What the provider's receipt said beyond the status; null before a receipt.",
      ...mayGrow('keys'),
    }),
    at: z.iso
      .datetime()
      .meta({ description: 'When the change was recorded, ISO 8601 UTC; also the event `time`.' }),
  })
  .meta({
    title: DETAIL_TYPES.messageStatusChanged,
    description:
      'The `detail` of a MessageStatusChanged event, and the body of a status callback. Fields may be added within a version: ignore the ones you do not know.',
  });

/**
 * The `detail` of the EventBridge event and the body of a callback. `to` is the full recipient:
 * the event is for the owner's own systems. It is never written to a log line.
 */
export type MessageStatusChanged = z.infer<typeof messageStatusChangedSchema>;

/** What a consumer de-duplicates on: one event per (message, status, sequence). */
export function dedupeKey(event: Pick<MessageStatusChanged, 'id' | 'status' | 'sequence'>): string {
  return `${event.id}:${event.status}:${event.sequence}`;
}
