// The DynamoDB Streams event as Lambda delivers it (JSON), declared here rather than taken from
// @types/aws-lambda: only these fields are read. The local poller (local/streams/stream-poller.ts) builds
// exactly this shape from GetRecords, so the handler cannot tell the two sources apart.

/** Lambda's JSON form of a DynamoDB attribute value: binary values arrive base64-encoded. */
export interface StreamAttributeValue {
  S?: string;
  N?: string;
  B?: string;
  SS?: string[];
  NS?: string[];
  BS?: string[];
  M?: Record<string, StreamAttributeValue>;
  L?: StreamAttributeValue[];
  NULL?: boolean;
  BOOL?: boolean;
}

export type StreamImage = Record<string, StreamAttributeValue>;

export interface DynamoDbStreamRecord {
  eventID?: string;
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion?: string;
  eventSource?: string;
  awsRegion?: string;
  eventSourceARN?: string;
  dynamodb?: {
    /** Epoch seconds. */
    ApproximateCreationDateTime?: number;
    Keys?: StreamImage;
    NewImage?: StreamImage;
    OldImage?: StreamImage;
    SequenceNumber?: string;
    SizeBytes?: number;
    StreamViewType?: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
  };
}

export interface DynamoDbStreamEvent {
  Records: DynamoDbStreamRecord[];
}

/** Lambda's partial batch response (ReportBatchItemFailures): retry from the lowest listed record. */
export interface StreamBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * What Lambda expects in `itemIdentifier` for a stream record: its sequence number. The event id
 * stands in only for a record without one (never seen from DynamoDB, kept so nothing is unnamed).
 */
export function recordIdentifier(record: DynamoDbStreamRecord): string {
  return record.dynamodb?.SequenceNumber ?? record.eventID ?? '';
}
