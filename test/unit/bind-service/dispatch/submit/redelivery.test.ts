import { describe, expect, it } from 'vitest';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import { giveBackSeconds } from '#bind-service/dispatch/intake/give-back.ts';
import type { RatePort } from '#bind-service/dispatch/ports.ts';
import { CLAIM_WORK_LIMIT_MS } from '#bind-service/dispatch/submit/redelivery.ts';
import { type PipelineDeps, SubmitPipeline } from '#bind-service/dispatch/submit/submit-pipeline.ts';
import { silentLogger } from '#core/observability/logger.ts';
import { acceptedMessage, held, MemoryStore, memoryQueue, message, scriptedBind } from './pipeline-rig.ts';

// A queue message SQS shows again while it is claimed: whose claim it is decides. A task still at
// work on it (SQS showed it because an extension was refused or its event loop stalled) keeps it;
// only a claim whose task has gone, or which is older than any worker keeps one, ends `unknown`.

const live = new Set(['task-a', 'task-b']);

/** One bind-service task on the shared store; `token` is its rate limiter's wait. */
function task(name: string, store: MemoryStore, token: () => Promise<void> = async () => undefined) {
  const bind = scriptedBind();
  const stop = new AbortController();
  const queueCalls: string[] = [];
  const queue = memoryQueue(queueCalls);
  const rate: RatePort & { currentRate: number } = {
    currentRate: 100,
    wait: token,
    onThrottled: () => undefined,
    onSuccess: () => undefined,
  };
  const stats = emptyStats();
  const deps: PipelineDeps = {
    messages: store,
    queues: { urgent: queue, bulk: queue },
    binds: { acquire: async () => bind },
    rate,
    prepare: { isoMode: false, maxParts: 10 },
    stats,
    log: silentLogger,
    stopTaking: stop.signal,
    claimTasks: { self: name, isLive: (other) => live.has(other) },
  };
  return { pipeline: new SubmitPipeline(deps), bind, stop, queue, queueCalls, stats };
}

const redelivery = (id: string, receiveCount = 2) => ({
  ...held(message(id), 'sqs-1'),
  receiptHandle: `rh-${receiveCount}`,
  receiveCount,
});

async function claimedBy(store: MemoryStore, id: string): Promise<void> {
  for (let i = 0; i < 100 && store.records.get(id)?.status !== 'submitting'; i++)
    await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('a queue message shown again while it is claimed', () => {
  it('when another live task still works on it (waiting for its token), then it is given back, not marked, and sent once after that task gives up', async () => {
    // Prepare: task A claims and waits for a token that does not come.
    const store = new MemoryStore();
    const id = await acceptedMessage(store);
    const a = task('task-a', store, () => new Promise<void>(() => undefined));
    const b = task('task-b', store);
    const working = a.pipeline.process(held(message(id), 'sqs-1'), a.queue);
    await claimedBy(store, id);
    // Act: B receives it (A's visibility lapsed); then A stops before its token; then B again.
    await b.pipeline.process(redelivery(id, 2), b.queue);
    const afterFirstRedelivery = { status: store.records.get(id)?.status, queue: [...b.queueCalls] };
    a.stop.abort();
    await working;
    await b.pipeline.process(redelivery(id, 3), b.queue);
    // Assess
    expect(afterFirstRedelivery).toEqual({
      status: 'submitting',
      queue: [`visibility rh-2 ${giveBackSeconds(2)}`],
    });
    expect(a.bind.sent.length + b.bind.sent.length).toBe(1);
    expect(store.records.get(id)?.status).toBe('submitted');
    expect(b.stats).toMatchObject({ unknown: 0, submitted: 1 });
  });

  it('when the task that claimed it is gone, then it is marked unknown and deleted, not sent', async () => {
    // Prepare
    const store = new MemoryStore();
    const id = await acceptedMessage(store);
    await store.claimForSubmit(id, 'sqs-1#r1#task-gone');
    const b = task('task-b', store);
    // Act
    await b.pipeline.process(redelivery(id), b.queue);
    // Assess
    expect(b.bind.sent).toEqual([]);
    expect(store.records.get(id)?.status).toBe('unknown');
    expect(b.queueCalls).toEqual(['delete rh-2']);
  });

  it('when a live task has held the claim longer than any worker keeps one, then it is marked unknown and deleted', async () => {
    // Prepare
    const store = new MemoryStore();
    const id = await acceptedMessage(store);
    await store.claimForSubmit(id, 'sqs-1#r1#task-a');
    const record = store.records.get(id);
    if (record) record.claimedAt = new Date(Date.now() - CLAIM_WORK_LIMIT_MS - 1_000).toISOString();
    const b = task('task-b', store);
    // Act
    await b.pipeline.process(redelivery(id), b.queue);
    // Assess
    expect(store.records.get(id)?.status).toBe('unknown');
    expect(b.queueCalls).toEqual(['delete rh-2']);
  });

  it('when this task claimed it under an earlier receive (that worker ended), then it is marked unknown and deleted', async () => {
    // Prepare
    const store = new MemoryStore();
    const id = await acceptedMessage(store);
    await store.claimForSubmit(id, 'sqs-1#r1#task-b');
    const b = task('task-b', store);
    // Act
    await b.pipeline.process(redelivery(id), b.queue);
    // Assess
    expect(store.records.get(id)?.status).toBe('unknown');
    expect(b.queueCalls).toEqual(['delete rh-2']);
  });

  it('when a live task holds it under another queue message (a copy of the send), then the copy is deleted and the claim left alone', async () => {
    // Prepare
    const store = new MemoryStore();
    const id = await acceptedMessage(store);
    await store.claimForSubmit(id, 'sqs-other#r1#task-a');
    const b = task('task-b', store);
    // Act
    await b.pipeline.process(redelivery(id), b.queue);
    // Assess
    expect(store.records.get(id)?.status).toBe('submitting');
    expect(b.queueCalls).toEqual(['delete rh-2']);
  });
});
