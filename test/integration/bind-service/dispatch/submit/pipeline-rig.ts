// The submit pipeline wired by hand on the real pieces, for tests that drive it message by message
// (no bind-service around it): the simulator, an engine client whose receipts land in DynamoDB Local,
// fauxqs lanes, a rate limiter. Everything it starts is stopped after the test.
import { BindPool } from '#bind-service/dispatch/binds/bind-pool.ts';
import { RateLimiter } from '#bind-service/dispatch/flow/rate-limiter.ts';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import { SqsLane } from '#bind-service/dispatch/intake/sqs-lane.ts';
import type { MessageStore } from '#bind-service/dispatch/ports.ts';
import { type PipelineDeps, SubmitPipeline } from '#bind-service/dispatch/submit/submit-pipeline.ts';
import type { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { TableNames } from '#core/aws/resources/resource-definitions.ts';
import { silentLogger } from '#core/observability/logger.ts';
import { SmscSimulator } from '#local/smsc-simulator/index.ts';
import type { LocalAws } from '#test/helpers/aws/local-aws.ts';
import type { Cleanup } from '../../cleanup.ts';
import { ACCOUNT, receivingClient } from '../fixtures.ts';

export interface PipelineRigOptions {
  /** The simulator's account rate and ours (0: the simulator does not limit, we send 100/s). */
  rate?: number;
  receiptDelayMs?: number;
  /** What the pipeline records through; the real repository by default. */
  store?: (repository: MessageRepository) => MessageStore;
  /** More of the pipeline's settings, given the test's tables. */
  pipeline?: (tables: TableNames) => Partial<PipelineDeps>;
}

export async function startPipelineRig(
  aws: LocalAws,
  defer: (fn: Cleanup) => void,
  options: PipelineRigOptions = {},
) {
  const [tables, queues] = await Promise.all([aws.freshTables(), aws.freshQueues()]);
  const simulator = new SmscSimulator({
    accounts: [{ ...ACCOUNT, rate: options.rate ?? 0 }],
    receiptDelayMs: options.receiptDelayMs ?? 10,
  });
  await simulator.listen(0);
  defer(() => simulator.close());
  const stats = emptyStats();
  const { client, messages } = receivingClient(aws, simulator, tables, stats);
  await client.start();
  defer(() => client.stop({ drainTimeoutMs: 200 }));
  const rate = new RateLimiter({ ratePerSecond: options.rate || 100 });
  defer(() => rate.close());
  const bulk = new SqsLane(aws.sqs, 'bulk', { url: queues.bulk, dlqUrl: queues.bulkDlq });
  const urgent = new SqsLane(aws.sqs, 'urgent', { url: queues.urgent, dlqUrl: queues.urgentDlq });
  defer(async () => {
    await Promise.all([bulk.flush(), urgent.flush()]);
  });
  const pipeline = new SubmitPipeline({
    messages: options.store ? options.store(messages) : messages,
    queues: { urgent, bulk },
    binds: new BindPool([client]),
    rate,
    prepare: { isoMode: false, maxParts: 10 },
    stats,
    log: silentLogger,
    stopTaking: new AbortController().signal,
    ...options.pipeline?.(tables),
  });
  return { tables, queues, simulator, messages, pipeline, bulk, stats, rate };
}
