import type { _Record, AttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type {
  DynamoDbStreamRecord,
  StreamAttributeValue,
  StreamImage,
} from '#lambdas/status-stream/stream-event.ts';

// GetRecords answers (SDK objects: Dates, Uint8Arrays) in the JSON shape Lambda hands a stream
// consumer (epoch seconds, base64), so the local poller feeds the handler what AWS would.

export function toLambdaRecord(record: _Record, streamArn: string): DynamoDbStreamRecord {
  const source = record.dynamodb ?? {};
  const created = source.ApproximateCreationDateTime;
  return {
    ...(record.eventID !== undefined ? { eventID: record.eventID } : {}),
    ...(record.eventName !== undefined ? { eventName: record.eventName } : {}),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: record.eventSource ?? 'aws:dynamodb',
    ...(record.awsRegion !== undefined ? { awsRegion: record.awsRegion } : {}),
    eventSourceARN: streamArn,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } : {}),
      ...(source.Keys ? { Keys: toLambdaImage(source.Keys) } : {}),
      ...(source.NewImage ? { NewImage: toLambdaImage(source.NewImage) } : {}),
      ...(source.OldImage ? { OldImage: toLambdaImage(source.OldImage) } : {}),
      ...(source.SequenceNumber !== undefined ? { SequenceNumber: source.SequenceNumber } : {}),
      ...(source.SizeBytes !== undefined ? { SizeBytes: source.SizeBytes } : {}),
      ...(source.StreamViewType !== undefined ? { StreamViewType: source.StreamViewType } : {}),
    },
  };
}

function toLambdaImage(image: Record<string, AttributeValue>): StreamImage {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function toLambdaValue(value: AttributeValue): StreamAttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  return {};
}
