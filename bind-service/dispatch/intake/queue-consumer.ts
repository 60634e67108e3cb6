// Long-polls one lane's queue and hands each message to the pipeline, holding at most `limit`
// messages of the lane at once. It only asks SQS for more when the binds can take more (a free
// window slot somewhere) and room is left under the limit, so a deep queue is never pulled into
// memory: at most about one window of bulk messages waits here, and an urgent message that arrives
// meanwhile is received by the urgent lane's own pollers at once.
// Only the first poller asks all the time; the others ask while answers come back full (as many as
// asked for), because a queue that answers short has nothing for them. With several long polls
// open, fauxqs (the local SQS) answers all of them at each new message and all but one come back
// empty: 4 urgent pollers made ReceiveMessage 0.42 calls a message in bench part (b).
import { setTimeout as delay } from 'node:timers/promises';
import type { Priority } from '#core/domain/requests/message-schema.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { HeldMessage, HeldMessages } from './held-messages.ts';
import { repeatLastWord, WorkerQueue } from './last-word.ts';
import type { LaneQueue } from './sqs-lane.ts';

export interface QueueConsumerOptions {
  queue: LaneQueue;
  held: HeldMessages;
  /** Most messages of this lane held at once (received, not finished); read at each receive. */
  limit: () => number;
  /**
   * Messages held by a lane that goes first (the urgent lane's, for bulk), counted against this
   * lane's limit; call roomChanged() when they finish.
   */
  heldAhead?: () => number;
  /** Called each time a message of this lane finishes (and so frees a place). */
  onRelease?: () => void;
  /** Concurrent ReceiveMessage loops; more of them carry more msg/s through short polls. */
  pollers: number;
  /** Long-poll wait, 0..20 s. */
  waitSeconds: number;
  visibilitySeconds: number;
  /** Resolves when a bind can take a message (or the signal aborts). */
  whenBindFree: (signal: AbortSignal) => Promise<void>;
  /** Works one message; `queue` is the lane's queue, noting the worker's last word (last-word.ts). */
  process: (message: HeldMessage, queue: LaneQueue) => Promise<void>;
  log: Logger;
}

const ERROR_PAUSE_MS = 1_000;
/** SQS's most messages per ReceiveMessage. */
const SQS_MAX_RECEIVE = 10;

export class QueueConsumer {
  readonly lane: Priority;
  private inProcess = 0;
  private reserved = 0;
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private roomWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  /** The last answer was full: the pollers after the first ask too. */
  private busy = false;
  private busyWaiters: (() => void)[] = [];

  constructor(private readonly options: QueueConsumerOptions) {
    this.lane = options.queue.lane;
  }

  /** Messages of this lane received and not yet finished. */
  get holding(): number {
    return this.inProcess;
  }

  start(): void {
    for (let i = 0; i < this.options.pollers; i++) this.loops.push(this.poll(i === 0));
  }

  /**
   * Stops receiving; messages already held carry on. An open long poll is let finish, never
   * aborted: SQS hid whatever it answered with, and an answer thrown away would keep those messages
   * hidden for the whole visibility timeout. What it brings is given back by the pipeline at once.
   * That costs a stop at most one long-poll wait (SQS_WAIT_SECONDS), inside ECS's stop margin.
   */
  async stopReceiving(): Promise<void> {
    this.abort.abort();
    for (const wake of this.roomWaiters.splice(0)) wake();
    for (const wake of this.busyWaiters.splice(0)) wake();
    await Promise.all(this.loops);
  }

  /** Resolves when every held message has finished, or after `timeoutMs`; true when all finished. */
  async whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.inProcess === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([idle, timeout]);
    clearTimeout(timer);
    return result;
  }

  /** Wakes pollers waiting for room once there is some (e.g. a lane ahead let messages go). */
  roomChanged(): void {
    if (this.hasRoomForReceive()) for (const wake of this.roomWaiters.splice(0)) wake();
  }

  private room(): number {
    return this.options.limit() - (this.options.heldAhead?.() ?? 0) - this.inProcess - this.reserved;
  }

  /**
   * Room enough for the next ReceiveMessage: a full one (10) while messages are held, so a busy lane
   * that frees its places one by one asks SQS once per 10, not once per message; anything when
   * nothing is held, so a lone message is never kept waiting.
   */
  private hasRoomForReceive(): boolean {
    const room = this.room();
    if (this.inProcess + this.reserved === 0) return room > 0;
    return room >= Math.min(SQS_MAX_RECEIVE, this.options.limit());
  }

  private waitForRoom(): Promise<void> {
    if (this.hasRoomForReceive() || this.abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private waitUntilBusy(): Promise<void> {
    if (this.busy || this.abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.busyWaiters.push(resolve));
  }

  private answered(asked: number, got: number): void {
    this.busy = got >= asked;
    if (this.busy) for (const wake of this.busyWaiters.splice(0)) wake();
  }

  /** `first`: asks whenever there is room; the others only while answers come back full. */
  private async poll(first: boolean): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      if (!first) await this.waitUntilBusy();
      if (signal.aborted) break;
      await this.waitForRoom();
      if (signal.aborted) break;
      await this.options.whenBindFree(signal);
      // Another poller may have taken the room meanwhile.
      if (signal.aborted || !this.hasRoomForReceive()) continue;
      const count = Math.min(SQS_MAX_RECEIVE, this.room());
      this.reserved += count;
      try {
        const messages = await this.options.queue.receive(count, this.options.waitSeconds);
        this.answered(count, messages.length);
        for (const message of messages) this.accept(message);
      } catch (error) {
        if (signal.aborted) break;
        this.options.log.warn('ReceiveMessage failed; retrying', { lane: this.lane, error });
        await delay(ERROR_PAUSE_MS, undefined, { signal }).catch(() => undefined);
      } finally {
        this.reserved -= count;
        this.roomChanged();
      }
    }
  }

  private accept(message: Parameters<HeldMessages['hold']>[0]): void {
    const held = this.options.held.hold(message, this.options.visibilitySeconds);
    if (!held) {
      // Already being worked here (SQS redelivered it): the newer receipt handle was adopted.
      this.options.log.warn('message redelivered while being worked; newer receipt handle adopted', {
        lane: this.lane,
        sqsMessageId: message.sqsMessageId,
      });
      return;
    }
    this.inProcess += 1;
    const { queue, log } = this.options;
    void this.options
      .process(held, new WorkerQueue(queue, held))
      .then(() => repeatLastWord(held, queue, log))
      .finally(() => {
        this.options.held.release(held);
        this.inProcess -= 1;
        this.roomChanged();
        this.options.onRelease?.();
        if (this.inProcess === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
  }
}
