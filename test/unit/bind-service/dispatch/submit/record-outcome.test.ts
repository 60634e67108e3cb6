import { describe, expect, it } from 'vitest';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import type { HeldMessage } from '#bind-service/dispatch/intake/held-messages.ts';
import type { LaneQueue } from '#bind-service/dispatch/intake/sqs-lane.ts';
import type { MessageStore } from '#bind-service/dispatch/ports.ts';
import { recordOutcome } from '#bind-service/dispatch/submit/record-outcome.ts';
import type { SendResult } from '#bind-service/dispatch/submit/send-parts.ts';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { silentLogger } from '#core/observability/logger.ts';

// recordOutcome decides which state write and which SQS action follow a send; the ports are
// recorded in memory so each rule reads as a list of calls.

interface PortOptions {
  /** How many writes (of any kind, in order) fail with a transient error. */
  failWrites?: number;
  /** Only markSubmitted fails, every time. */
  failMarkSubmitted?: boolean;
}

/** Each write takes one second on this monotonic clock; nothing else moves it. */
function testClock() {
  let nowMs = 0;
  return {
    now: () => nowMs,
    pass: (ms: number) => {
      nowMs += ms;
    },
  };
}

function ports(options: PortOptions = {}, clock = testClock()) {
  const calls: string[] = [];
  let failures = options.failWrites ?? 0;
  const write = async <T>(call: string, result: T): Promise<T> => {
    calls.push(call);
    clock.pass(1_000);
    if (failures > 0 || (options.failMarkSubmitted && call.startsWith('markSubmitted'))) {
      failures -= 1;
      throw new RepositoryUnavailableError('DynamoDB throttled');
    }
    return result;
  };
  const messages: Pick<MessageStore, 'markSubmitted' | 'markFailed' | 'markUnknown' | 'releaseClaim'> = {
    markSubmitted: (id, ids, lookup) =>
      write(`markSubmitted ${id} ${ids.join(',')} ${lookup?.kind}`, {
        result: 'applied' as const,
        reconciledReceipts: 0,
      }),
    markFailed: (id, error, ids = []) =>
      write(`markFailed ${id} ${String(error.code)} ${ids.join(',')}`, 'applied' as const),
    markUnknown: (id, _reason, ids = [], lookup = {}) => {
      const expected = lookup.expectedSmscIds === undefined ? '' : ` expecting ${lookup.expectedSmscIds}`;
      const unsent = lookup.unsentParts === undefined ? '' : ` unsent ${lookup.unsentParts}`;
      return write(
        `markUnknown ${id} ${ids.join(',')} ${lookup.kind} @${lookup.account}${expected}${unsent}`,
        'applied' as const,
      );
    },
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

async function run(
  result: SendResult,
  options: PortOptions & { deadlineMs?: number; singleIds?: boolean; parts?: number } = {},
) {
  const clock = testClock();
  const { calls, messages, queue } = ports(options, clock);
  const stats = emptyStats();
  const subject = { id: 'm1', kind: 'sms', account: 'main', parts: options.parts ?? 2 } as const;
  await recordOutcome(subject, result, held, queue, {
    messages,
    log: silentLogger,
    stats,
    releaseDelaySeconds: 5,
    writeRetry: { attempts: 3, baseMs: 1, capMs: 1 },
    patientRetry: { baseMs: 1, capMs: 1 },
    now: clock.now,
    recordDeadline: () => options.deadlineMs ?? 60_000,
    ...(options.singleIds ? { singleIds: true } : {}),
  });
  return { calls, stats };
}

describe('recordOutcome', () => {
  it('when every part was accepted, then the message is marked submitted with its kind, then deleted', async () => {
    // Act
    const { calls, stats } = await run({ kind: 'submitted', smscIds: ['10', '10'] });
    // Assess
    expect(calls).toEqual(['markSubmitted m1 10,10 sms', 'delete rh-1']);
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
    const { calls, stats } = await run({ kind: 'unknown', reason: 'no answer', smscIds: [], partsOnWire: 1 });
    // Assess
    expect(calls).toEqual(['markUnknown m1  sms @main', 'delete rh-1']);
    expect(stats.unknown).toBe(1);
  });

  it('when the outcome is unknown after parts were accepted, then their ids and the kind go with it', async () => {
    // Act
    const { calls } = await run({
      kind: 'unknown',
      reason: 'part 2 timed out',
      smscIds: ['21'],
      partsOnWire: 2,
    });
    // Assess
    expect(calls).toEqual(['markUnknown m1 21 sms @main', 'delete rh-1']);
  });

  it('when a SINGLE message is unknown after parts were accepted, then the parts on the wire are its expected ids', async () => {
    // Act
    const { calls } = await run(
      { kind: 'unknown', reason: 'part 2 timed out', smscIds: ['21'], partsOnWire: 2 },
      { singleIds: true },
    );
    // Assess
    expect(calls).toEqual(['markUnknown m1 21 sms @main expecting 2', 'delete rh-1']);
  });

  it('when a SINGLE message is unknown with its last part never sent, then the parts never sent go with it', async () => {
    // Act: part 2 of 3 unanswered, so part 3 never went.
    const single = await run(
      { kind: 'unknown', reason: 'part 2 timed out', smscIds: ['21'], partsOnWire: 2 },
      { singleIds: true, parts: 3 },
    );
    const glued = await run(
      { kind: 'unknown', reason: 'part 2 timed out', smscIds: ['21'], partsOnWire: 2 },
      { parts: 3 },
    );
    // Assess: without SINGLE the SMSC glues the parts and reports the whole message itself.
    expect(single.calls).toEqual(['markUnknown m1 21 sms @main expecting 2 unsent 1', 'delete rh-1']);
    expect(glued.calls).toEqual(['markUnknown m1 21 sms @main', 'delete rh-1']);
  });

  it('when nothing was sent, then the claim is released and SQS shows the message again in 5 s, undeleted', async () => {
    // Act
    const { calls, stats } = await run({ kind: 'not-sent', reason: 'not-bound' });
    // Assess
    expect(calls).toEqual(['releaseClaim m1', 'visibility rh-1 5']);
    expect(stats.released).toBe(1);
  });

  it('when nothing was sent because the service stops, then the claim is released and SQS shows the message again at once, for the task that takes over', async () => {
    // Act
    const { calls } = await run({ kind: 'not-sent', reason: 'stopping' });
    // Assess
    expect(calls).toEqual(['releaseClaim m1', 'visibility rh-1 0']);
  });

  it('when the store stalls past a few attempts at releasing a claim nothing went out under, then the release is retried until it lands', async () => {
    // Act: left claimed, the message's next receive would end it `unknown`, never sent.
    const { calls, stats } = await run({ kind: 'not-sent', reason: 'not-bound' }, { failWrites: 8 });
    // Assess
    expect(calls).toEqual([...Array<string>(9).fill('releaseClaim m1'), 'visibility rh-1 5']);
    expect(stats.released).toBe(1);
  });

  it('when the submitted write fails twice, then it is retried and the message deleted once written', async () => {
    // Act
    const { calls } = await run({ kind: 'submitted', smscIds: ['12'] }, { failWrites: 2 });
    // Assess
    expect(calls).toEqual([
      'markSubmitted m1 12 sms',
      'markSubmitted m1 12 sms',
      'markSubmitted m1 12 sms',
      'delete rh-1',
    ]);
  });

  it('when the store stalls for 15 attempts within the deadline, then it is still recorded submitted', async () => {
    // Act
    const { calls, stats } = await run({ kind: 'submitted', smscIds: ['14'] }, { failWrites: 15 });
    // Assess
    expect(calls.filter((call) => call.startsWith('markSubmitted'))).toHaveLength(16);
    expect(calls.some((call) => call.startsWith('markUnknown'))).toBe(false);
    expect(calls.at(-1)).toBe('delete rh-1');
    expect(stats.submitted).toBe(1);
  });

  it('when the submitted write keeps failing until the deadline, then it is marked unknown WITH its SMSC ids and deleted', async () => {
    // Act: every attempt takes 1 s on the test clock, and the deadline is 10 s away.
    const { calls, stats } = await run(
      { kind: 'submitted', smscIds: ['13'] },
      { failMarkSubmitted: true, deadlineMs: 10_000 },
    );
    // Assess
    expect(calls).toEqual([
      ...Array<string>(10).fill('markSubmitted m1 13 sms'),
      'markUnknown m1 13 sms @main',
      'delete rh-1',
    ]);
    expect(stats).toMatchObject({ submitted: 0, unknown: 1 });
  });

  it('when the deadline is already near (a short visibility timeout), then the write still gets its five attempts', async () => {
    // Act
    const { calls, stats } = await run(
      { kind: 'submitted', smscIds: ['16'] },
      { failWrites: 4, deadlineMs: 0 },
    );
    // Assess
    expect(calls).toEqual([...Array<string>(5).fill('markSubmitted m1 16 sms'), 'delete rh-1']);
    expect(stats.submitted).toBe(1);
  });

  it('when the unknown write fails as well, then the SQS message is left (not deleted)', async () => {
    // Act
    const { calls, stats } = await run(
      { kind: 'submitted', smscIds: ['15'] },
      { failWrites: 1_000, deadlineMs: 3_000 },
    );
    // Assess
    expect(calls.filter((call) => call.startsWith('markUnknown m1 15'))).toHaveLength(3);
    expect(calls.filter((call) => call.startsWith('delete'))).toEqual([]);
    expect(stats).toMatchObject({ submitted: 0, unknown: 0 });
  });
});
