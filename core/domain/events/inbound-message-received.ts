import { z } from 'zod';
import { DETAIL_TYPES } from '#core/domain/events/message-status-changed.ts';

// The contract of the event an incoming (MO) message makes, beside MessageStatusChanged: built
// through this schema by the status Lambda (lambdas/status-stream/inbound-event.ts) and documented
// from it in docs/events.md. Versioned and extended by the same rules.

export const INBOUND_MESSAGE_RECEIVED_VERSION = 1;

export const inboundMessageReceivedSchema = z
  .object({
    schemaVersion: z.literal(INBOUND_MESSAGE_RECEIVED_VERSION).meta({
      description: 'Version of this detail schema. A breaking change comes as a new version, never silently.',
    }),
    id: z.string().min(1).meta({
      description:
        'Our id of the incoming message (a ULID); the same for a redelivered event: de-duplicate on it.',
    }),
    from: z.string().meta({ description: 'The sender (the subscriber), as the SMSC wrote it.' }),
    to: z.string().meta({ description: 'The number or sender name it was sent to (yours).' }),
    text: z.string().meta({ description: 'The whole text; the parts of a long message joined in order.' }),
    parts: z.number().int().min(1).meta({ description: 'SMS parts it came in.' }),
    smscId: z.string().nullable().meta({ description: "The SMSC's id of the message, when it gave one." }),
    account: z.string().nullable().meta({
      description:
        'The account (provider login, an SMPP_ACCOUNTS entry) whose session the message came in on (`default` with no SMPP_ACCOUNTS); null on messages stored before incoming messages named their account.',
    }),
    receivedAt: z.iso.datetime().meta({
      description: 'When it (its first part) was received, ISO 8601 UTC; also the event `time`.',
    }),
  })
  .meta({
    title: DETAIL_TYPES.inboundMessageReceived,
    description:
      'The `detail` of an InboundMessageReceived event. Fields may be added within a version: ignore the ones you do not know.',
  });

/** `from` and `text` are the subscriber's number and words: never written to a log line. */
export type InboundMessageReceived = z.infer<typeof inboundMessageReceivedSchema>;
