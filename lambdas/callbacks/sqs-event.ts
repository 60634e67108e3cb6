// The SQS event as Lambda delivers it (JSON), only the fields read here. The local worker loop
// (local/callback-worker.ts) builds this shape from ReceiveMessage, so the handler cannot tell.

export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: { ApproximateReceiveCount?: string };
}

export interface SqsEvent {
  Records: SqsRecord[];
}

/** Lambda's partial batch response (ReportBatchItemFailures): only these messages come back. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}
