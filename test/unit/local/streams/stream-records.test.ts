import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { statusChangeOf } from '#lambdas/status-stream/status-event.ts';
import { toLambdaRecord } from '#local/streams/stream-records.ts';

// The local poller must hand the handler what Lambda would: the same JSON shape, not SDK objects.

const ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/local-messages/stream/2025-01-01T00:00:00.000';

function sdkRecord(): _Record {
  const image = (status: string) => ({
    pk: { S: 'MSG#01JZ0000000000000000000001' },
    id: { S: '01JZ0000000000000000000001' },
    to: { S: '+79991234567' },
    kind: { S: 'sms' },
    status: { S: status },
    parts: { N: '1' },
    smscIds: { L: [{ S: '100000' }] },
    read: { BOOL: false },
    clicked: { BOOL: false },
    raw: { B: new Uint8Array([1, 2, 3]) },
    updatedAt: { S: '2025-01-01T00:00:01.000Z' },
  });
  return {
    eventID: 'e1',
    eventName: 'MODIFY',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: {
      ApproximateCreationDateTime: new Date('2025-01-01T00:00:01.500Z'),
      Keys: { pk: { S: 'MSG#01JZ0000000000000000000001' } },
      OldImage: image('submitted'),
      NewImage: image('delivered'),
      SequenceNumber: '000000000000000000042',
      SizeBytes: 300,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

describe('toLambdaRecord', () => {
  it('when GetRecords returns an SDK record, then it becomes Lambda’s JSON shape (epoch seconds, base64)', () => {
    // Act
    const record = toLambdaRecord(sdkRecord(), ARN);
    // Assess
    expect(record).toMatchObject({
      eventID: 'e1',
      eventName: 'MODIFY',
      eventSourceARN: ARN,
      dynamodb: { ApproximateCreationDateTime: 1735689601, SequenceNumber: '000000000000000000042' },
    });
    expect(record.dynamodb?.NewImage?.raw).toEqual({ B: 'AQID' });
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });

  it('when the converted record is handed to the mapping, then it yields the status change', () => {
    // Act
    const change = statusChangeOf(toLambdaRecord(sdkRecord(), ARN));
    // Assess
    expect(change?.event).toMatchObject({
      status: 'delivered',
      previousStatus: 'submitted',
      smscIds: ['100000'],
    });
  });
});
