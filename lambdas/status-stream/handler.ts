import { loadStatusStreamConfig } from './config.ts';
import { handleStreamRecords } from './handle-records.ts';
import { createStatusStreamPorts, DEADLINE_MARGIN_MS, portsWithin } from './ports.ts';
import type { DynamoDbStreamEvent, StreamBatchResponse } from './stream-event.ts';

// The Lambda entry for the messages table's stream (NEW_AND_OLD_IMAGES, ReportBatchItemFailures).
// Config and clients are built once, at cold start; each invocation is one call of the use case,
// ended before the Lambda's timeout (portsWithin).

const ports = createStatusStreamPorts(loadStatusStreamConfig(process.env));

/** The one field of Lambda's context read here. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export const handler = (event: DynamoDbStreamEvent, context: LambdaContext): Promise<StreamBatchResponse> =>
  handleStreamRecords(
    event.Records,
    portsWithin(ports, context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS),
  );
