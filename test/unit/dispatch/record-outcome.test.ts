import { describe, expect, it } from 'vitest';
import type { HeldMessage } from '#bind-service/dispatch/held-messages.ts';
import type { MessageStore } from '#bind-service/dispatch/ports.ts';
import { recordOutcome } from '#bind-service/dispatch/record-outcome.ts';
import type { SendResult } from '#bind-service/dispatch/send-parts.ts';
import type { LaneQueue } from '#bind-service/dispatch/sqs-lane.ts';
import { emptyStats } from '#bind-service/dispatch/stats.ts';
import { silentLogger } from '#bind-service/logger.ts';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';

// recordOutcome decides which state write and which SQS action follow a send; the ports are
// recorded in memory so each rule reads as a list of calls.

function ports(options: { failWrites?: number } = {}) {
  const calls: string[] = [];
  let failures = options.failWrites ?? 0;
  const write = async <T>(call: string, result: T): Promise<T> => {
    calls.push(call);
    if (failures > 0) {
      failures -= 1;
      throw new RepositoryUnavailableError('DynamoDB throttled');
    }
    return result;
  };
  const messages: Pick<MessageStore, 'markSubmitted' | 'markFailed' | 'markUnknown' | 'releaseClaim'> = {
    markSubmitted: (id, ids) =>
      write(`markSubmitted ${id} ${ids.join(',')}`, { result: 'applied' as const, reconciledReceipts: 0 }),
    markFailed: (id, error, ids = []) =>
      write(`markFailed ${id} ${String(error.code)} ${ids.join(',')}`, 'applied' as const),
    markUnknown: (id, _reason, ids = []) => write(`markUnknown ${id} ${ids.join(',')}`, 'applied' as const),
    releaseClaim: (id) => write(`releaseClaim ${id}`, 'applied' as const),
  };
  const queue = {
    lane: 'bulk',
    delete: async (handle: string) => {
      calls.push(`delete ${handle}`);
    },
    changeVisibility: async (handle: string, seconds: number) => {
      calls.push(`visibility ${handle} ${seconds}`);
    },
  } as Pick<LaneQueue, 'lane' | 'delete' | 'changeVisibility'> as LaneQueue;
  return { calls, messages: messages as MessageStore, queue };
}

const held: HeldMessage = {
  lane: 'bulk',
  sqsMessageId: 'sqs-1',
  receiptHandle: 'rh-1',
  body: '{}',
  sentTimestampMs: 0,
  receiveCount: 1,
  visibleUntil: 0,
};

async function run(result: SendResult, options: { failWrites?: number } = {}) {
  const { calls, messages, queue } = ports(options);
  const stats = emptyStats();
  await recordOutcome('m1', result, held, queue, {
    messages,
    log: silentLogger,
    stats,
    releaseDelaySeconds: 5,
    writeRetry: { attempts: 3, baseMs: 1, capMs: 1 },
  });
  return { calls, stats };
}

describe('recordOutcome', () => {
  it('when every part was accepted, then the message is marked submitted, then deleted from its queue', async () => {
    // Act
    const { calls, stats } = await run({ kind: 'submitted', smscIds: ['10', '10'] });
    // Assess
    expect(calls).toEqual(['markSubmitted m1 10,10', 'delete rh-1']);
    expect(stats.submitted).toBe(1);
  });

  it('when the SMSC refused a later part, then it is failed with the earlier ids and deleted', async () => {
    // Act
    const { calls } = await run({
      kind: 'failed',
      error: { code: 'ESME_RINVDSTADR', name: 'Invalid destination address', description: '…' },
      smscIds: ['11'],
    });
    // Assess
    expect(calls).toEqual(['markFailed m1 ESME_RINVDSTADR 11', 'delete rh-1']);
  });

  it('when the outcome is unknown, then it is marked unknown and deleted: never sent again', async () => {
    // Act
    const { calls, stats } = await run({ kind: 'unknown', reason: 'no answer', smscIds: [] });
    // Assess
    expect(calls).toEqual(['markUnknown m1 ', 'delete rh-1']);
    expect(stats.unknown).toBe(1);
  });

  it('when nothing was sent, then the claim is released and SQS shows the message again in 5 s, undeleted', async () => {
    // Act
    const { calls, stats } = await run({ kind: 'not-sent', reason: 'not-bound' });
    // Assess
    expect(calls).toEqual(['releaseClaim m1', 'visibility rh-1 5']);
    expect(stats.released).toBe(1);
  });

  it('when the submitted write fails twice, then it is retried and the message deleted once written', async () => {
    // Act
    const { calls } = await run({ kind: 'submitted', smscIds: ['12'] }, { failWrites: 2 });
    // Assess
    expect(calls).toEqual([
      'markSubmitted m1 12',
      'markSubmitted m1 12',
      'markSubmitted m1 12',
      'delete rh-1',
    ]);
  });

  it('when the submitted write keeps failing, then the SQS message is left (not deleted) for its redelivery', async () => {
    // Act
    const { calls, stats } = await run({ kind: 'submitted', smscIds: ['13'] }, { failWrites: 5 });
    // Assess
    expect(calls.filter((call) => call.startsWith('delete'))).toEqual([]);
    expect(stats.submitted).toBe(0);
  });
});
