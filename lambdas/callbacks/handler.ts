import { DEADLINE_MARGIN_MS, loadCallbackWorkerConfig } from './config.ts';
import { handleCallbackJobs } from './handle-jobs.ts';
import { createCallbackWorkerPorts } from './ports.ts';
import type { SqsBatchResponse, SqsEvent } from './sqs-event.ts';

// The Lambda entry on the callback queue (ReportBatchItemFailures). Config and clients are built once,
// at cold start; each invocation is one call of the use case.

const ports = createCallbackWorkerPorts(loadCallbackWorkerConfig(process.env));

/** The one field of Lambda's context read here. */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

export const handler = (event: SqsEvent, context: LambdaContext): Promise<SqsBatchResponse> =>
  handleCallbackJobs(event.Records, ports, {
    budgetMs: context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS,
  });
