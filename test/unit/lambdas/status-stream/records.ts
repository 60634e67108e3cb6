import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import type {
  DynamoDbStreamRecord,
  StreamAttributeValue,
  StreamImage,
} from '#lambdas/status-stream/stream-event.ts';

// Factories for stream records as Lambda delivers them: typed attribute values, both images.

export function toAttributeValue(value: unknown): StreamAttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttributeValue) };
  if (typeof value === 'object') return { M: toStreamImage(value as Record<string, unknown>) };
  throw new Error(`no attribute value for ${typeof value}`);
}

export function toStreamImage(item: Record<string, unknown>): StreamImage {
  return Object.fromEntries(
    Object.entries(item)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, toAttributeValue(value)]),
  );
}

export const MESSAGE_ID = '01JZ0000000000000000000001';

export function messageRecord(overrides: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id: MESSAGE_ID,
    to: '+79991234567',
    kind: 'sms',
    text: 'Привет',
    priority: 'urgent',
    encoding: 'ucs2',
    dataCoding: 8,
    parts: 1,
    validityMinutes: 1440,
    status: 'submitted',
    history: [
      { status: 'accepted', at: '2025-01-01T00:00:00.000Z' },
      { status: 'submitting', at: '2025-01-01T00:00:00.100Z' },
      { status: 'submitted', at: '2025-01-01T00:00:00.200Z' },
    ],
    smscIds: ['100000'],
    read: false,
    clicked: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.200Z',
    ...overrides,
  };
}

/** The stored item of a record: the storage-only attributes added as the repository adds them. */
export function messageItem(record: MessageRecord): Record<string, unknown> {
  return { ...record, pk: `MSG#${record.id}`, expiresAt: 1_900_000_000 };
}

let sequence = 1000;

export function streamRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  images: { old?: Record<string, unknown>; new?: Record<string, unknown> },
): DynamoDbStreamRecord {
  sequence += 1;
  const keyed = images.new ?? images.old ?? {};
  return {
    eventID: `event-${sequence}`,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: toStreamImage({ pk: keyed.pk }),
      SequenceNumber: String(sequence),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      ...(images.old ? { OldImage: toStreamImage(images.old) } : {}),
      ...(images.new ? { NewImage: toStreamImage(images.new) } : {}),
    },
  };
}

/** A MODIFY of a message from `before` to `after` (the `after` overrides apply to `before`). */
export function statusRecord(
  before: Partial<MessageRecord>,
  after: Partial<MessageRecord>,
): DynamoDbStreamRecord {
  const old = messageRecord(before);
  return streamRecord('MODIFY', {
    old: messageItem(old),
    new: messageItem({ ...old, ...after }),
  });
}

export function deliveredRecord(overrides: Partial<MessageRecord> = {}): DynamoDbStreamRecord {
  return statusRecord(
    { id: overrides.id ?? MESSAGE_ID, callbackUrl: overrides.callbackUrl },
    {
      status: 'delivered',
      cost: '1.5',
      mccmnc: '25001',
      updatedAt: '2025-01-01T00:00:01.000Z',
      ...overrides,
    },
  );
}
