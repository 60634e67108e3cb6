import { createDynamoDbClients, createSqsClient } from '#core/aws/clients.ts';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import { QueuePublisher } from '#core/aws/queues/queue-publisher.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { SweeperConfig } from './config.ts';
import { type SweepCounts, sweepAccepted } from './sweep.ts';

// One sweep with real clients, as the Lambda and `npm start` run it: one JSON log line of counts
// (never ids, recipients or text).

export type SweepLogLine = { level: 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>;
export type SweepLog = (line: SweepLogLine) => void;

/** Writes the sweeper's lines through the project's logger (one format with every other component). */
export function sweepLogTo(logger: Logger): SweepLog {
  return ({ level, msg, ...fields }) => logger[level](msg, fields);
}

export interface Sweeper {
  /** Runs one sweep and logs its counts; throws when some records could not be handled. */
  run(): Promise<SweepCounts>;
  destroy(): void;
}

export class SweepIncompleteError extends Error {
  constructor(readonly counts: SweepCounts) {
    super(`${counts.failed} of ${counts.due} due accepted records could not be enqueued`);
    this.name = 'SweepIncompleteError';
  }
}

export function createSweeper(config: SweeperConfig, log: SweepLog, clock = () => new Date()): Sweeper {
  const dynamo = createDynamoDbClients({
    region: config.region,
    ...(config.endpoints.dynamodb ? { endpoint: config.endpoints.dynamodb } : {}),
  });
  const sqs = createSqsClient({
    region: config.region,
    ...(config.endpoints.sqs ? { endpoint: config.endpoints.sqs } : {}),
  });
  const deps = {
    messages: new MessageRepository(dynamo.document, config.messagesTable, { clock }),
    queues: new QueuePublisher(sqs, config.queueUrls, { accountQueues: config.accountQueues }),
    clock,
  };
  return {
    async run() {
      const started = performance.now();
      const counts = await sweepAccepted(deps, config.sweep);
      const durationMs = Math.round(performance.now() - started);
      log({ level: counts.failed > 0 ? 'error' : 'info', msg: 'sweep', ...counts, durationMs });
      // A failed run shows on the function's Errors alarm; the next run tries those records again.
      if (counts.failed > 0) throw new SweepIncompleteError(counts);
      return counts;
    },
    destroy() {
      dynamo.document.destroy();
      dynamo.dynamo.destroy();
      sqs.destroy();
    },
  };
}
