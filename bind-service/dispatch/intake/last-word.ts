// A worker's last word on its SQS message (delete it, or set its visibility), kept so that a newer
// delivery of the same message that arrives while the worker ends gets that word too. HeldMessages
// adopts such a delivery instead of working it twice, and the worker acts on the adopted receipt
// handle from then on. But a delivery adopted after the worker spoke would otherwise be dropped with
// the entry: hidden for the whole visibility timeout (5 minutes on the bulk lane) with nobody working
// on it. It can happen at any stop: the pipeline gives messages back at visibility 0 while the
// lane's last long poll is still open (it is let finish, never aborted), and that poll may receive
// them again before their workers have ended (fault case 2 once left 10 messages so in CI).
import type { Logger } from '#core/observability/logger.ts';
import { giveBack } from './give-back.ts';
import type { HeldMessage } from './held-messages.ts';
import type { LaneQueue, ReceivedSqsMessage } from './sqs-lane.ts';

/**
 * The lane's queue as one worker sees it: its deletes and visibility changes are noted on `held`.
 * A class, not an object of closures: one is made per message, up to a window of them at once.
 */
export class WorkerQueue implements LaneQueue {
  constructor(
    private readonly queue: LaneQueue,
    private readonly held: HeldMessage,
  ) {}

  get lane(): LaneQueue['lane'] {
    return this.queue.lane;
  }

  receive(max: number, waitSeconds: number, signal?: AbortSignal): Promise<ReceivedSqsMessage[]> {
    return this.queue.receive(max, waitSeconds, signal);
  }

  delete(receiptHandle: string): Promise<void> {
    this.held.lastWord = { kind: 'delete', receiptHandle };
    return this.queue.delete(receiptHandle);
  }

  changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    this.held.lastWord = { kind: 'visibility', receiptHandle, seconds };
    return this.queue.changeVisibility(receiptHandle, seconds);
  }

  deadLetter(body: string, attributes: Record<string, string>): Promise<void> {
    return this.queue.deadLetter(body, attributes);
  }

  visibilityTimeoutSeconds(): Promise<number> {
    return this.queue.visibilityTimeoutSeconds();
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }
}

/**
 * After the worker ended: says its last word again on each delivery adopted since it spoke, until
 * none is left. A worker that said nothing (it left the message for SQS to show again) is left so.
 */
export async function repeatLastWord(held: HeldMessage, queue: LaneQueue, log: Logger): Promise<void> {
  for (let word = held.lastWord; word && word.receiptHandle !== held.receiptHandle; word = held.lastWord) {
    held.lastWord = { ...word, receiptHandle: held.receiptHandle };
    log.warn('message delivered again as its worker ended; its last word repeated on the new delivery', {
      lane: held.lane,
      sqsMessageId: held.sqsMessageId,
      lastWord: word.kind === 'delete' ? 'delete' : `visibility ${word.seconds} s`,
    });
    if (word.kind === 'visibility') await giveBack(queue, held, word.seconds, log);
    else
      await queue.delete(held.receiptHandle).catch((error) => {
        log.warn('new delivery not deleted; SQS shows it again when its visibility timeout ends', {
          lane: held.lane,
          sqsMessageId: held.sqsMessageId,
          error,
        });
      });
  }
}
