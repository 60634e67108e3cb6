import { randomUUID } from 'node:crypto';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import type { DeliveryReceipt } from '#core/domain/receipts/receipt.ts';

// Factories for the records and receipts the AWS adapter tests write; overrides name what a test is about.

export const T0 = new Date('2030-01-01T00:00:00.000Z');

export function messageRecord(overrides: Partial<MessageRecord> = {}): MessageRecord {
  const at = T0.toISOString();
  return {
    id: `m-${randomUUID()}`,
    to: '+37255512345',
    from: 'Acme',
    kind: 'sms',
    text: 'Hello',
    priority: 'urgent',
    encoding: 'gsm7',
    dataCoding: 0,
    parts: 1,
    validityMinutes: 1440,
    status: 'accepted',
    history: [{ status: 'accepted', at }],
    smscIds: [],
    read: false,
    clicked: false,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export function receipt(smscId: string, overrides: Partial<DeliveryReceipt> = {}): DeliveryReceipt {
  return {
    smscId,
    stat: 'DELIVRD',
    outcome: 'delivered',
    errorCode: 0,
    read: false,
    clicked: false,
    text: `id:${smscId} sub:001 dlvrd:001 submit date:3001010000 done date:3001010001 stat:DELIVRD err:000 text:`,
    ...overrides,
  };
}

export const undelivered = (smscId: string, errorCode: number, overrides: Partial<DeliveryReceipt> = {}) =>
  receipt(smscId, { stat: 'UNDELIV', outcome: 'undelivered', errorCode, ...overrides });

export const expired = (smscId: string, overrides: Partial<DeliveryReceipt> = {}) =>
  receipt(smscId, { stat: 'EXPIRED', outcome: 'expired', errorCode: 0, ...overrides });

/** A fresh SMSC message id per call, as the SMSC hands them out. */
let nextSmscId = 1_000_000;
export const smscId = (): string => String(nextSmscId++);

/** A clock the test moves by hand; each reading is 1 ms later so history times stay distinct. */
export function steppingClock(start: Date = T0) {
  let nowMs = start.getTime();
  return {
    now: (): Date => new Date(nowMs++),
    advance(ms: number): void {
      nowMs += ms;
    },
  };
}
