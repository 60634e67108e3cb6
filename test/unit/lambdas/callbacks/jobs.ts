import { encodeCallbackJob } from '#core/aws/queues/callback-job.ts';
import type { SqsRecord } from '#lambdas/callbacks/sqs-event.ts';
import type { MessageStatusChanged } from '#lambdas/status-stream/status-event.ts';

// Callback-queue messages as Lambda's SQS event source delivers them.

export const HOOK = 'https://hooks.example.com/sms';

export function statusEvent(overrides: Partial<MessageStatusChanged> = {}): MessageStatusChanged {
  return {
    schemaVersion: 1,
    id: '01JZ0000000000000000000001',
    status: 'delivered',
    previousStatus: 'submitted',
    sequence: 4,
    kind: 'sms',
    to: '+79991234567',
    clientRef: null,
    batchId: null,
    account: 'default',
    parts: 1,
    smscIds: ['100000'],
    error: null,
    cost: '1.5',
    mccmnc: '25001',
    read: false,
    clicked: false,
    hlr: null,
    report: null,
    at: '2025-01-01T00:00:01.000Z',
    ...overrides,
  };
}

let sequence = 0;

export function callbackJob(
  options: { attempt?: number; event?: Partial<MessageStatusChanged>; url?: string; body?: string } = {},
): SqsRecord {
  sequence += 1;
  return {
    messageId: `queue-message-${sequence}`,
    receiptHandle: `receipt-${sequence}`,
    body:
      options.body ??
      encodeCallbackJob({ callbackUrl: options.url ?? HOOK, event: statusEvent(options.event) }),
    attributes: { ApproximateReceiveCount: String(options.attempt ?? 1) },
  };
}
