import { describe, expect, it } from 'vitest';
import { type HeldMessage, HeldMessages } from '#bind-service/dispatch/intake/held-messages.ts';
import type { AntiLoopPort } from '#bind-service/dispatch/intake/queue-guard.ts';
import type { MessageStore } from '#bind-service/dispatch/ports.ts';
import { AntiLoopGuard } from '#core/aws/anti-loop/anti-loop-guard.ts';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import type { MessageRepository } from '#core/aws/messages/message-repository.ts';
import { PROVIDER_ANTI_LOOP } from '#core/domain/provider/anti-loop.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecords, mobile, publishRaw, useCleanup, waitForEmptyQueue } from '../fixtures.ts';
import { startPipelineRig } from '../submit/pipeline-rig.ts';

// The anti-loop rules on the queue path when DynamoDB fails in the middle of them: a message the
// rules refuse must stay refused on its next receive, whatever failed before its `rejected` write
// landed; and a message they allowed must not be refused on its next receive as its own duplicate.

type Trouble = { failMarkRejected: boolean };

/** The real repository, whose markRejected fails while `trouble.failMarkRejected`. */
function rejectionsFail(repository: MessageRepository, trouble: Trouble): MessageStore {
  return new Proxy(repository as unknown as MessageStore, {
    get(target, property, receiver) {
      if (property === 'markRejected' && trouble.failMarkRejected) {
        return () => Promise.reject(new RepositoryUnavailableError('DynamoDB timed out (test)'));
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The real rules, whose next `failures` answers are lost: before they ran ('before') or after ('after'). */
function flakyGuard(
  guard: AntiLoopGuard,
  plan: { failures: number; when: 'before' | 'after' },
): AntiLoopPort {
  return {
    async admit(prepared, options) {
      if (plan.failures > 0 && plan.when === 'before') {
        plan.failures -= 1;
        throw new RepositoryUnavailableError('DynamoDB timed out (test)');
      }
      const verdict = await guard.admit(prepared, options);
      if (plan.failures > 0) {
        plan.failures -= 1;
        throw new RepositoryUnavailableError('DynamoDB answer lost (test)');
      }
      return verdict;
    },
  };
}

describe('bind-service: anti-loop rules on the queue path, with DynamoDB failing', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  async function rig(options: { trouble?: Trouble; guard?: (real: AntiLoopGuard) => AntiLoopPort } = {}) {
    const trouble = options.trouble ?? { failMarkRejected: false };
    const started = await startPipelineRig(aws, defer, {
      receiptDelayMs: 50,
      store: (repository) => rejectionsFail(repository, trouble),
      pipeline: (tables) => {
        const real = new AntiLoopGuard(aws.document, tables.messages, PROVIDER_ANTI_LOOP);
        return {
          writeRetry: { attempts: 2, baseMs: 10, capMs: 20 },
          requeueBackoff: { baseSeconds: 1, capSeconds: 1 },
          guard: options.guard ? options.guard(real) : real,
        };
      },
    });
    const held = new HeldMessages();
    /** Receives the next queue message (waiting out a give-back's pause), then processes it. */
    const processNext = async (): Promise<HeldMessage> => {
      for (let polls = 0; polls < 20; polls++) {
        const [message] = await started.bulk.receive(1, 1);
        const holding = message && held.hold(message, 300);
        if (holding) {
          await started.pipeline.process(holding);
          held.release(holding);
          return holding;
        }
      }
      throw new Error('no queue message to process');
    };
    return { ...started, trouble, processNext };
  }

  const duplicate = JSON.stringify({ v: 1, to: mobile(700), text: 'Your code is 7001' });

  it('when a duplicate’s rejected write fails, then its next receive rejects it again and the SMSC sees the text once', async () => {
    // Prepare
    const r = await rig({ trouble: { failMarkRejected: false } });
    await publishRaw(aws, r.queues.bulk, duplicate);
    await r.processNext();
    await publishRaw(aws, r.queues.bulk, duplicate);
    // Act
    r.trouble.failMarkRejected = true;
    await r.processNext();
    r.trouble.failMarkRejected = false;
    await r.processNext();
    await waitForEmptyQueue(aws, r.queues.bulk, 5_000);
    // Assess
    expect(r.simulator.stats.submits).toBe(1);
    const statuses = (await messageRecords(aws, r.tables.messages)).map((record) => record.status);
    expect(statuses).toHaveLength(2);
    expect(statuses).toContain('rejected');
  });

  it('when the rules fail before they decide a duplicate, then its next receive asks them and rejects it', async () => {
    // Prepare
    const plan = { failures: 0, when: 'before' as const };
    const r = await rig({ guard: (real) => flakyGuard(real, plan) });
    await publishRaw(aws, r.queues.bulk, duplicate);
    await r.processNext();
    await publishRaw(aws, r.queues.bulk, duplicate);
    // Act
    plan.failures = 1;
    await r.processNext();
    await r.processNext();
    await waitForEmptyQueue(aws, r.queues.bulk, 5_000);
    // Assess
    expect(r.simulator.stats.submits).toBe(1);
    const rejected = (await messageRecords(aws, r.tables.messages)).filter(
      (record) => record.status === 'rejected',
    );
    expect(rejected).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: 'duplicate_request' }) }),
    ]);
  });

  it('when the rules counted a message but their answer was lost, then its next receive sends it once, not as its own duplicate', async () => {
    // Prepare
    const plan = { failures: 1, when: 'after' as const };
    const r = await rig({ guard: (real) => flakyGuard(real, plan) });
    await publishRaw(aws, r.queues.bulk, JSON.stringify({ v: 1, to: mobile(701), text: 'Counted once' }));
    // Act
    await r.processNext();
    await r.processNext();
    await waitForEmptyQueue(aws, r.queues.bulk, 5_000);
    // Assess
    expect(r.simulator.stats.submits).toBe(1);
    const records = await messageRecords(aws, r.tables.messages);
    expect(records).toHaveLength(1);
    expect(['submitted', 'delivered']).toContain(records[0]?.status);
  });
});
