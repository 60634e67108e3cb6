import { loadStatusStreamConfig } from './config.ts';
import { handleStreamRecords } from './handle-records.ts';
import { createStatusStreamPorts } from './ports.ts';
import type { DynamoDbStreamEvent, StreamBatchResponse } from './stream-event.ts';

// The Lambda entry for the messages table's stream (NEW_AND_OLD_IMAGES, ReportBatchItemFailures).
// Config and clients are built once, at cold start; each invocation is one call of the use case.

const ports = createStatusStreamPorts(loadStatusStreamConfig(process.env));

export const handler = (event: DynamoDbStreamEvent): Promise<StreamBatchResponse> =>
  handleStreamRecords(event.Records, ports);
