import { describe, expect, it } from 'vitest';
import { HeldMessages } from '#bind-service/dispatch/intake/held-messages.ts';
import { repeatLastWord, WorkerQueue } from '#bind-service/dispatch/intake/last-word.ts';
import type { ReceivedSqsMessage } from '#bind-service/dispatch/intake/sqs-lane.ts';
import { createLogger } from '#core/observability/json-logger.ts';
import { memoryLaneQueue } from './memory-lane-queue.ts';

// A delivery of a message adopted while its worker ends must get the worker's last word: dropped
// with the entry, it would stay hidden for the whole visibility timeout with nobody working on it.

const log = createLogger({ service: 'test', write: () => undefined });

function delivery(receiptHandle: string): ReceivedSqsMessage {
  return {
    lane: 'bulk',
    sqsMessageId: 'm-1',
    receiptHandle,
    body: '{}',
    sentTimestampMs: 0,
    receiveCount: 1,
  };
}

/** A bulk queue that records what it was told, and one message held under receipt h1. */
function heldMessage() {
  const said: string[] = [];
  const queue = Object.assign(memoryLaneQueue('bulk'), {
    delete: async (handle: string) => {
      said.push(`delete ${handle}`);
    },
    changeVisibility: async (handle: string, seconds: number) => {
      said.push(`visibility ${handle} ${seconds}`);
    },
  });
  const messages = new HeldMessages();
  const held = messages.hold(delivery('h1'), 300);
  if (!held) throw new Error('not held');
  return { said, queue, messages, held };
}

describe('the last word of a worker', () => {
  it('when a delivery is adopted after the worker gave the message back, then it is given back too', async () => {
    // Prepare
    const { said, queue, messages, held } = heldMessage();
    await new WorkerQueue(queue, held).changeVisibility(held.receiptHandle, 0);
    messages.hold(delivery('h2'), 300);
    // Act
    await repeatLastWord(held, queue, log);
    // Assess
    expect(said).toEqual(['visibility h1 0', 'visibility h2 0']);
  });

  it('when a delivery is adopted after the worker deleted the message, then it is deleted too', async () => {
    // Prepare
    const { said, queue, messages, held } = heldMessage();
    await new WorkerQueue(queue, held).delete(held.receiptHandle);
    messages.hold(delivery('h2'), 300);
    // Act
    await repeatLastWord(held, queue, log);
    // Assess
    expect(said).toEqual(['delete h1', 'delete h2']);
  });

  it('when the delivery was adopted before the worker spoke, then nothing is repeated', async () => {
    // Prepare: the worker acts on the adopted handle.
    const { said, queue, messages, held } = heldMessage();
    messages.hold(delivery('h2'), 300);
    await new WorkerQueue(queue, held).changeVisibility(held.receiptHandle, 5);
    // Act
    await repeatLastWord(held, queue, log);
    // Assess
    expect(said).toEqual(['visibility h2 5']);
  });

  it('when the worker said nothing (it left the message for SQS), then an adopted delivery is left too', async () => {
    // Prepare
    const { said, queue, messages, held } = heldMessage();
    messages.hold(delivery('h2'), 300);
    // Act
    await repeatLastWord(held, queue, log);
    // Assess
    expect(said).toEqual([]);
  });

  it('when another delivery is adopted while the word is repeated, then it gets the word as well', async () => {
    // Prepare: the repeated give-back makes the message visible, and a poll still open takes it (h3).
    const { said, queue, messages, held } = heldMessage();
    const repeating = Object.assign(Object.create(queue) as typeof queue, {
      changeVisibility: async (handle: string, seconds: number) => {
        await queue.changeVisibility(handle, seconds);
        if (handle === 'h2') messages.hold(delivery('h3'), 300);
      },
    });
    await new WorkerQueue(repeating, held).changeVisibility(held.receiptHandle, 0);
    messages.hold(delivery('h2'), 300);
    // Act
    await repeatLastWord(held, repeating, log);
    // Assess
    expect(said).toEqual(['visibility h1 0', 'visibility h2 0', 'visibility h3 0']);
  });
});
