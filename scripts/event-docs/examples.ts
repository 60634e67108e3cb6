import { validityPassedError } from '#bind-service/dispatch/submit/expiry.ts';
import { commandStatusError } from '#bind-service/dispatch/submit/part-action.ts';
import { unknownReason } from '#bind-service/dispatch/submit/send-parts.ts';
import {
  INBOUND_MESSAGE_RECEIVED_VERSION,
  type InboundMessageReceived,
  inboundMessageReceivedSchema,
} from '#core/domain/events/inbound-message-received.ts';
import {
  MESSAGE_STATUS_CHANGED_VERSION,
  type MessageStatusChanged,
  messageStatusChangedSchema,
} from '#core/domain/events/message-status-changed.ts';
import { submitUnconfirmedError } from '#core/domain/messages/message-model.ts';
import type { MessageStatus } from '#core/domain/messages/message-state.ts';
import { SMS_ERROR_CODES } from '#core/domain/provider/error-codes.ts';

// One example `detail` per status an event is emitted for, for docs/events.md. Errors come from the
// code that writes them; every example is parsed by the contract's schema, so none can drift from it.

const ID = '01JZ8Q4W3M5V6T7X8Y9Z0A1B2C';
const BASE: MessageStatusChanged = {
  schemaVersion: MESSAGE_STATUS_CHANGED_VERSION,
  id: ID,
  status: 'submitted',
  previousStatus: 'submitting',
  sequence: 3,
  kind: 'sms',
  to: '+79991234567',
  clientRef: 'order-1042',
  batchId: null,
  account: 'default',
  parts: 1,
  smscIds: ['100000'],
  error: null,
  cost: null,
  mccmnc: null,
  read: false,
  clicked: false,
  hlr: null,
  report: null,
  at: '2026-01-15T09:30:00.412Z',
};

const subscriberUnknown = SMS_ERROR_CODES.find((info) => info.code === 1);

const BY_STATUS: readonly [MessageStatus, string, Partial<MessageStatusChanged>][] = [
  ['submitted', 'the SMSC took the message (SUBMIT_SM_RESP OK)', {}],
  [
    'delivered',
    'the receipt says delivered',
    {
      previousStatus: 'submitted',
      sequence: 4,
      cost: '1.5000',
      mccmnc: '25001',
      report: {
        messageType: 'sms',
        parts: 1,
        submittedParts: 1,
        deliveredParts: 1,
        submitDate: '2026-01-15T09:30:00.000Z',
        doneDate: '2026-01-15T09:30:00.000Z',
      },
      at: '2026-01-15T09:30:02.108Z',
    },
  ],
  [
    'undelivered',
    'the receipt says not delivered, with the provider’s error (`SINGLE` mode: `parts_not_sent` when later parts of a long message were never sent and every part sent was delivered; when a part sent failed, its status and error are the message’s)',
    {
      previousStatus: 'submitted',
      sequence: 4,
      error: subscriberUnknown
        ? {
            code: subscriberUnknown.code,
            name: subscriberUnknown.name,
            description: subscriberUnknown.description,
          }
        : null,
      cost: '0.0000',
      mccmnc: '25001',
      at: '2026-01-15T09:30:03.950Z',
    },
  ],
  [
    'expired',
    'its validity passed: before it could be sent (never sent, no `smscIds`, as here), or at the SMSC, whose receipt says `EXPIRED` (sent, after `submitted`, with `smscIds`; the provider may bill it)',
    {
      previousStatus: 'accepted',
      smscIds: [],
      error: validityPassedError(60, Date.parse('2026-01-15T08:29:59.000Z')),
      at: '2026-01-15T09:30:00.412Z',
    },
  ],
  [
    'rejected',
    'a message published straight to SQS was invalid (as here: no account chosen yet), or the SMSC’s receipt says `REJECTD` (after `submitted`, with `smscIds`)',
    {
      previousStatus: 'accepted',
      sequence: 2,
      account: null,
      clientRef: null,
      parts: 0,
      smscIds: [],
      error: {
        code: 'required',
        name: 'Invalid queue message',
        description: 'text: is required',
      },
    },
  ],
  [
    'failed',
    'the SMSC refused the submit for good',
    { previousStatus: 'submitting', smscIds: [], error: commandStatusError(0x0b) },
  ],
  [
    'unknown',
    'the SMSC did not answer the submit in time (never resent; a late answer or receipt resolves it, and a late answer saying the SMSC did not take it after all has it sent again, its next event `submitted`), or its receipt says it cannot tell (stat:UNKNOWN, `previousStatus` `submitted`, its err in `error`)',
    {
      previousStatus: 'submitting',
      smscIds: [],
      error: submitUnconfirmedError(unknownReason('timeout', 1, 1)),
    },
  ],
];

export interface StatusExample {
  status: MessageStatus;
  when: string;
  detail: MessageStatusChanged;
}

export function statusExamples(): StatusExample[] {
  return BY_STATUS.map(([status, when, overrides]) => ({
    status,
    when,
    detail: messageStatusChangedSchema.parse({ ...BASE, ...overrides, status }),
  }));
}

export function inboundExample(): InboundMessageReceived {
  return inboundMessageReceivedSchema.parse({
    schemaVersion: INBOUND_MESSAGE_RECEIVED_VERSION,
    id: '01JZ8Q5C7D8E9F0G1H2J3K4M5N',
    from: '+79991234567',
    to: '+79990007000',
    text: 'Да, подтверждаю',
    parts: 1,
    smscId: '200001',
    account: 'default',
    receivedAt: '2026-01-15T09:31:12.004Z',
  });
}
