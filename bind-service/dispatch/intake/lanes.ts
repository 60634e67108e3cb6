// The two lanes, urgent and bulk, each a queue consumer feeding the same pipeline. Urgent always
// goes first where it matters, at the account's rate: the pipeline asks the shared RateLimiter for
// a token with its lane, and the limiter serves every urgent waiter before any bulk one, so bulk
// only gets the tokens urgent does not need. The lanes hold about one window of messages between
// them, since only one window can be in flight: urgent holds up to `limit` on its own and never waits
// for bulk to make room; bulk holds what urgent leaves of `limit`, so a mass mailing never piles up
// a second window in memory (every held message costs a few KB until it is answered).
import { PRIORITIES, type Priority } from '#core/domain/requests/message-schema.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { BindPool } from '../binds/bind-pool.ts';
import type { SubmitPipeline } from '../submit/submit-pipeline.ts';
import { HeldMessages } from './held-messages.ts';
import { QueueConsumer, type QueueConsumerOptions } from './queue-consumer.ts';
import type { LaneQueue } from './sqs-lane.ts';
import { VisibilityKeeper } from './visibility-keeper.ts';

export interface LanesOptions {
  queues: Record<Priority, LaneQueue>;
  visibilitySeconds: Record<Priority, number>;
  pipeline: Pick<SubmitPipeline, 'process'>;
  binds: Pick<BindPool, 'whenAnySlotFree'>;
  /**
   * Most messages held, read at each receive; e.g. the held binds' total window + 10. The urgent
   * lane's alone, the bulk lane's shared with urgent.
   */
  limit: () => number;
  waitSeconds: number;
  /** Aborted by stopTaking(); the pipeline gives back messages it has not claimed yet. */
  stopTaking: AbortController;
  log: Logger;
}

/** Enough ReceiveMessage loops to keep `limit` messages coming (10 per call), at most 4. */
export function pollersFor(limit: number): number {
  return Math.min(4, Math.max(1, Math.ceil(limit / 50)));
}

export class Lanes {
  readonly held = new HeldMessages();
  private readonly consumers: Record<Priority, QueueConsumer>;
  private readonly keeper: VisibilityKeeper;

  constructor(private readonly options: LanesOptions) {
    const consumer = (lane: Priority, sharing: Pick<QueueConsumerOptions, 'heldAhead' | 'onRelease'>) =>
      new QueueConsumer({
        queue: options.queues[lane],
        held: this.held,
        limit: options.limit,
        ...sharing,
        pollers: pollersFor(options.limit()),
        waitSeconds: options.waitSeconds,
        visibilitySeconds: options.visibilitySeconds[lane],
        whenBindFree: (signal) => options.binds.whenAnySlotFree(signal),
        process: (message, queue) => options.pipeline.process(message, queue),
        log: options.log,
      });
    const bulk = consumer('bulk', { heldAhead: () => urgent.holding });
    const urgent = consumer('urgent', { onRelease: () => bulk.roomChanged() });
    this.consumers = { urgent, bulk };
    this.keeper = new VisibilityKeeper({
      held: this.held,
      queues: options.queues,
      visibilitySeconds: options.visibilitySeconds,
      log: options.log,
    });
  }

  start(): void {
    this.keeper.start();
    // Urgent pollers first, so an urgent message waiting at start-up is asked for first.
    for (const lane of PRIORITIES) this.consumers[lane].start();
  }

  /** Stops receiving; held messages that are not claimed yet are given back by the pipeline. */
  async stopTaking(): Promise<void> {
    this.options.stopTaking.abort();
    await Promise.all(PRIORITIES.map((lane) => this.consumers[lane].stopReceiving()));
  }

  /** Waits (bounded) for every held message to finish; true when all did. */
  async drain(timeoutMs: number): Promise<boolean> {
    const results = await Promise.all(PRIORITIES.map((lane) => this.consumers[lane].whenIdle(timeoutMs)));
    return results.every(Boolean);
  }

  /** After the last message finished: no more visibility extensions, pending SQS batches sent. */
  async close(): Promise<void> {
    this.keeper.stop();
    await Promise.all(PRIORITIES.map((lane) => this.options.queues[lane].flush()));
  }

  holding(): Record<Priority, number> {
    return { urgent: this.consumers.urgent.holding, bulk: this.consumers.bulk.holding };
  }

  /** Age of the oldest message each lane is working on (0 when idle). */
  lagMs(wallNow = Date.now()): Record<Priority, number> {
    return { urgent: this.held.oldestAgeMs('urgent', wallNow), bulk: this.held.oldestAgeMs('bulk', wallNow) };
  }
}
