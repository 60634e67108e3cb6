import { describe, expect, it } from 'vitest';
import type { RatePort } from '#bind-service/dispatch/ports.ts';
import {
  PARTS_WINDOW_MS,
  partsAllowanceMs,
  sendParts,
  VALIDITY_PASSED,
} from '#bind-service/dispatch/submit/send-parts.ts';
import type { SubmitFields, SubmitOutcome } from '#bind-service/smpp/index.ts';
import { longMessagePart } from './long-message-part.ts';

const fast = { maxTransientRetries: 2, transientBaseMs: 1, transientCapMs: 2, maxThrottledResends: 5 };

/** A bind that answers each submit with the next scripted outcome, recording which part it got. */
function scripted(outcomes: SubmitOutcome[]) {
  const sent: number[] = [];
  /** Per submit: which class of waiters the window serves it with ('ordinary' when none asked). */
  const priorities: string[] = [];
  return {
    sent,
    priorities,
    submit: async (
      fields: SubmitFields,
      _tag?: unknown,
      options?: { priority?: 'part' | 'urgent' },
    ): Promise<SubmitOutcome> => {
      sent.push(fields.short_message[0] ?? -1);
      priorities.push(options?.priority ?? 'ordinary');
      const next = outcomes.shift();
      if (!next) throw new Error('no outcome scripted');
      return next;
    },
  };
}

function rate() {
  const calls: string[] = [];
  const port: RatePort = {
    wait: async (lane) => {
      calls.push(`wait:${lane}`);
    },
    onThrottled: () => calls.push('throttled'),
    onSuccess: () => calls.push('success'),
  };
  return { port, calls };
}

const accepted = (messageId: string): SubmitOutcome => ({ kind: 'accepted', messageId });

describe('sendParts', () => {
  it('when every part is accepted, then each took one token (the first by the pipeline, the others in the parts lane) and the ids are kept', async () => {
    // Prepare
    const bind = scripted([accepted('9'), accepted('9'), accepted('9')]);
    const limiter = rate();
    // Act
    const result = await sendParts(
      bind,
      [longMessagePart(1), longMessagePart(2), longMessagePart(3)],
      'bulk',
      {
        rate: limiter.port,
        policy: fast,
      },
    );
    // Assess
    expect(result).toEqual({ kind: 'submitted', smscIds: ['9', '9', '9'] });
    expect(bind.sent).toEqual([1, 2, 3]);
    expect(limiter.calls).toEqual(['success', 'wait:part', 'success', 'wait:part', 'success']);
  });

  it('when a message waits for a window slot, then the later parts of any go first, then urgent first parts, then bulk ones', async () => {
    // Prepare
    const bulk = scripted([accepted('1'), accepted('2')]);
    const urgent = scripted([accepted('3'), accepted('4')]);
    // Act
    await sendParts(bulk, [longMessagePart(1), longMessagePart(2)], 'bulk', {
      rate: rate().port,
      policy: fast,
    });
    await sendParts(urgent, [longMessagePart(1), longMessagePart(2)], 'urgent', {
      rate: rate().port,
      policy: fast,
    });
    // Assess
    expect(bulk.priorities).toEqual(['ordinary', 'part']);
    expect(urgent.priorities).toEqual(['urgent', 'part']);
  });

  it('when a part is throttled, then the limiter slows down and that same part goes again', async () => {
    // Prepare
    const bind = scripted([accepted('1'), { kind: 'throttled' }, accepted('1')]);
    const limiter = rate();
    // Act
    const result = await sendParts(bind, [longMessagePart(1), longMessagePart(2)], 'urgent', {
      rate: limiter.port,
      policy: fast,
    });
    // Assess
    expect(result).toEqual({ kind: 'submitted', smscIds: ['1', '1'] });
    expect(bind.sent).toEqual([1, 2, 2]);
    expect(limiter.calls).toContain('throttled');
  });

  it('when every answer is throttling until the message gives up, then each one, the last included, slows the limiter and counts as throttled and as answered', async () => {
    // Prepare
    const answers = fast.maxThrottledResends + 1;
    const bind = scripted(Array.from({ length: answers }, (): SubmitOutcome => ({ kind: 'throttled' })));
    const limiter = rate();
    const counted = { answered: 0, throttled: 0 };
    // Act
    const result = await sendParts(bind, [longMessagePart(1)], 'bulk', {
      rate: limiter.port,
      policy: fast,
      onAnswered: () => {
        counted.answered += 1;
      },
      onThrottled: () => {
        counted.throttled += 1;
      },
    });
    // Assess: before, the last throttling answer was missing from Throttled and the limiter.
    expect(result).toEqual({ kind: 'not-sent', reason: 'throttled-too-long' });
    expect(counted).toEqual({ answered: answers, throttled: answers });
    expect(limiter.calls.filter((call) => call === 'throttled')).toHaveLength(answers);
  });

  it('when the SMSC accepts a part without a message id, then every part goes and the message is unknown', async () => {
    // Prepare
    const bind = scripted([accepted(''), accepted('8')]);
    // Act
    const result = await sendParts(bind, [longMessagePart(1), longMessagePart(2)], 'bulk', {
      rate: rate().port,
      policy: fast,
    });
    // Assess
    expect(result).toMatchObject({ kind: 'unknown', smscIds: ['8'] });
    expect(result.kind === 'unknown' && result.reason).toMatch(/no message id \(part 1 of 2\)/);
    expect(bind.sent).toEqual([1, 2]);
  });

  it('when a part accepted without an id is followed by a part not sent, then the message is unknown, not released', async () => {
    // Prepare
    const bind = scripted([accepted(''), { kind: 'not-sent', reason: 'not-bound' }]);
    // Act
    const result = await sendParts(bind, [longMessagePart(1), longMessagePart(2)], 'bulk', {
      rate: rate().port,
      policy: fast,
    });
    // Assess
    expect(result).toMatchObject({ kind: 'unknown', smscIds: [] });
  });

  it('when a part is refused with a system error twice, then it is retried and goes through', async () => {
    // Prepare
    const systemError: SubmitOutcome = { kind: 'rejected', commandStatus: 0x08, name: 'ESME_RSYSERR' };
    const bind = scripted([systemError, systemError, accepted('5')]);
    // Act
    const result = await sendParts(bind, [longMessagePart(1)], 'bulk', { rate: rate().port, policy: fast });
    // Assess
    expect(result).toEqual({ kind: 'submitted', smscIds: ['5'] });
  });

  it('when the first part is refused with a system error past the quick retries, then nothing is sent and the message goes again later; a later part so refused fails the message', async () => {
    // Prepare
    const systemError: SubmitOutcome = { kind: 'rejected', commandStatus: 0x08, name: 'ESME_RSYSERR' };
    const first = scripted([systemError, systemError, systemError]);
    const later = scripted([accepted('8'), systemError, systemError, systemError]);
    const parts = [longMessagePart(1), longMessagePart(2)];
    // Act
    const firstResult = await sendParts(first, parts, 'bulk', { rate: rate().port, policy: fast });
    const laterResult = await sendParts(later, parts, 'bulk', { rate: rate().port, policy: fast });
    // Assess
    expect(firstResult).toEqual({ kind: 'not-sent', reason: 'transient-refusals' });
    expect(laterResult).toMatchObject({ kind: 'failed', error: { code: 'ESME_RSYSERR' }, smscIds: ['8'] });
  });

  it('when a later part is refused for good, then the message fails and keeps the ids already accepted', async () => {
    // Prepare
    const bind = scripted([
      accepted('7'),
      { kind: 'rejected', commandStatus: 0x0b, name: 'ESME_RINVDSTADR' },
    ]);
    // Act
    const result = await sendParts(
      bind,
      [longMessagePart(1), longMessagePart(2), longMessagePart(3)],
      'bulk',
      {
        rate: rate().port,
        policy: fast,
      },
    );
    // Assess
    expect(result).toMatchObject({ kind: 'failed', error: { code: 'ESME_RINVDSTADR' }, smscIds: ['7'] });
    expect(bind.sent).toEqual([1, 2]);
  });

  it('when the first part cannot be sent, then nothing is on the wire and the message is not sent', async () => {
    // Prepare
    const bind = scripted([{ kind: 'not-sent', reason: 'not-bound' }]);
    // Act
    const result = await sendParts(bind, [longMessagePart(1), longMessagePart(2)], 'bulk', {
      rate: rate().port,
      policy: fast,
    });
    // Assess
    expect(result).toEqual({ kind: 'not-sent', reason: 'not-bound' });
  });

  it('when a later part cannot be sent, then the message is unknown: its first part is on the wire', async () => {
    // Prepare
    const bind = scripted([accepted('3'), { kind: 'not-sent', reason: 'not-bound' }]);
    // Act
    const result = await sendParts(bind, [longMessagePart(1), longMessagePart(2)], 'bulk', {
      rate: rate().port,
      policy: fast,
    });
    // Assess
    expect(result).toMatchObject({ kind: 'unknown', smscIds: ['3'], partsOnWire: 1 });
    expect(result.kind === 'unknown' && result.reason).toMatch(/part 2 of 2/);
  });

  it('when the engine writes no first part because the validity ended while it waited for a slot, then the message is not sent, to end expired', async () => {
    // Prepare
    const bind = scripted([{ kind: 'not-sent', reason: 'validity-passed' }]);
    // Act
    const result = await sendParts(bind, [longMessagePart(1), longMessagePart(2)], 'bulk', {
      rate: rate().port,
      policy: fast,
    });
    // Assess: the reason the pipeline gives back at once, for the receive that ends it `expired`.
    expect(result).toEqual({ kind: 'not-sent', reason: VALIDITY_PASSED });
  });

  it('when the engine writes no later part because the validity ended while it waited for a slot, then the message is unknown and says why', async () => {
    // Prepare
    const bind = scripted([accepted('3'), { kind: 'not-sent', reason: 'validity-passed' }]);
    // Act
    const result = await sendParts(bind, [longMessagePart(1), longMessagePart(2)], 'bulk', {
      rate: rate().port,
      policy: fast,
    });
    // Assess
    expect(result).toMatchObject({ kind: 'unknown', smscIds: ['3'], partsOnWire: 1 });
    expect(result.kind === 'unknown' && result.reason).toMatch(/validity ended .* \(part 2 of 2\)/);
  });

  it('when a submit gets no answer, then the message is unknown and nothing more is sent', async () => {
    // Prepare
    const bind = scripted([{ kind: 'unknown', reason: 'timeout' }]);
    // Act
    const result = await sendParts(bind, [longMessagePart(1), longMessagePart(2)], 'bulk', {
      rate: rate().port,
      policy: fast,
    });
    // Assess
    expect(result).toMatchObject({ kind: 'unknown', smscIds: [], partsOnWire: 1 });
    expect(bind.sent).toEqual([1]);
  });

  it('when the limiter closes before a later part, then the message is unknown', async () => {
    // Prepare
    const bind = scripted([accepted('4')]);
    const closed: RatePort = {
      wait: () => Promise.reject(new Error('closed')),
      onThrottled: () => undefined,
      onSuccess: () => undefined,
    };
    // Act
    const result = await sendParts(bind, [longMessagePart(1), longMessagePart(2)], 'bulk', {
      rate: closed,
      policy: fast,
    });
    // Assess
    expect(result).toMatchObject({ kind: 'unknown', smscIds: ['4'] });
  });
});

describe('partsAllowanceMs', () => {
  it('when a message has one part, then it needs no more validity than to be written', () => {
    // Act / Assess
    expect(partsAllowanceMs(1)).toBe(0);
  });

  it('when a message has the default 10 parts, then it starts only with 9 s of its validity left', () => {
    // Act / Assess
    expect(partsAllowanceMs(10)).toBe(9_000);
  });

  it('when a message has more parts than fit the parts window at a second each, then the window bounds it', () => {
    // Act / Assess: all parts go within the window, or the message ends unknown anyway.
    expect(partsAllowanceMs(255)).toBe(PARTS_WINDOW_MS);
    expect(partsAllowanceMs(255, 20_000)).toBe(20_000);
  });
});
