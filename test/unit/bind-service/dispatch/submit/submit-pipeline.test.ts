import { describe, expect, it } from 'vitest';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import { giveBackSeconds } from '#bind-service/dispatch/intake/give-back.ts';
import type { RatePort } from '#bind-service/dispatch/ports.ts';
import type { Submitter } from '#bind-service/dispatch/submit/send-parts.ts';
import { type PipelineDeps, SubmitPipeline } from '#bind-service/dispatch/submit/submit-pipeline.ts';
import type { SubmitOutcome } from '#bind-service/smpp/index.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { silentLogger } from '#core/observability/logger.ts';
import { MEGABYTE, retainedBytesAfter } from '#test/helpers/retained-heap.ts';
import {
  acceptedMessage,
  held,
  MemoryStore,
  memoryQueue,
  message,
  recordOf,
  rig,
  scriptedBind,
} from './pipeline-rig.ts';

// The submit pipeline's order of port calls (claim, a bind, a rate token, the parts, the state write,
// the SQS action) against in-memory ports, one rule per test. The same pipeline against DynamoDB
// Local, fauxqs and the simulator: test/integration/bind-service/dispatch/.

describe('SubmitPipeline (in-memory ports)', () => {
  it('when a message is claimed and its part accepted, then it is recorded submitted and deleted from its queue', async () => {
    // Prepare
    const bind = scriptedBind({ kind: 'accepted', messageId: 'A1' });
    const r = rig({ bind });
    const id = await acceptedMessage(r.store);
    // Act
    await r.pipeline.process(held(message(id)));
    // Assess
    expect(r.store.calls).toEqual([`createAccepted ${id}`, `claimForSubmit ${id}`, `markSubmitted ${id} A1`]);
    expect(r.store.records.get(id)).toMatchObject({ status: 'submitted', smscIds: ['A1'] });
    expect(bind.sent).toHaveLength(1);
    expect(r.rateCalls).toEqual(['token bulk', 'success']);
    expect(r.queueCalls).toEqual(['delete rh-1']);
    expect(r.stats.submitted).toBe(1);
  });

  it('when the bind is lost before the part goes out, then the claim is given back and the message shown again later', async () => {
    // Prepare
    const bind = scriptedBind({ kind: 'not-sent', reason: 'not-bound' });
    const r = rig({ bind });
    const id = await acceptedMessage(r.store);
    // Act
    await r.pipeline.process(held(message(id)));
    // Assess
    expect(r.store.calls).toEqual([`createAccepted ${id}`, `claimForSubmit ${id}`, `releaseClaim ${id}`]);
    expect(r.store.records.get(id)?.status).toBe('accepted');
    expect(r.queueCalls).toEqual([`visibility rh-1 ${giveBackSeconds(1)}`]);
    expect(r.stats).toMatchObject({ released: 1, submitted: 0, unknown: 0 });
  });

  it('when its own queue message comes back while it is still submitting, then it is made unknown, deleted and not sent again', async () => {
    // Prepare
    const bind = scriptedBind();
    const r = rig({ bind });
    const id = await acceptedMessage(r.store);
    await r.store.claimForSubmit(id, 'sqs-1#earlier-receive');
    // Act
    await r.pipeline.process(held(message(id), 'sqs-1'));
    // Assess
    expect(bind.sent).toEqual([]);
    expect(r.rateCalls).toEqual([]);
    expect(r.store.records.get(id)?.status).toBe('unknown');
    expect(r.queueCalls).toEqual(['delete rh-1']);
    expect(r.stats).toMatchObject({ redeliveriesDeleted: 1, unknown: 1, submitted: 0 });
  });

  it('when a copy of a message claimed under another queue message arrives, then it is deleted, not sent, and the state left alone', async () => {
    // Prepare
    const bind = scriptedBind();
    const r = rig({ bind });
    const id = await acceptedMessage(r.store);
    await r.store.claimForSubmit(id, 'sqs-holder#1');
    // Act
    await r.pipeline.process(held(message(id), 'sqs-copy'));
    // Assess
    expect(bind.sent).toEqual([]);
    expect(r.store.records.get(id)?.status).toBe('submitting');
    expect(r.queueCalls).toEqual(['delete rh-1']);
    expect(r.stats).toMatchObject({ redeliveriesDeleted: 1, unknown: 0 });
  });

  it('when a part is throttled, then the same part is sent again after the limiter slowed down', async () => {
    // Prepare
    const bind = scriptedBind({ kind: 'throttled' }, { kind: 'accepted', messageId: 'A2' });
    const r = rig({ bind });
    const id = await acceptedMessage(r.store);
    // Act
    await r.pipeline.process(held(message(id)));
    // Assess
    expect(bind.sent).toHaveLength(2);
    expect(bind.sent[1]).toEqual(bind.sent[0]);
    expect(r.rateCalls).toEqual(['token bulk', 'throttled', 'token bulk', 'success']);
    expect(r.store.records.get(id)).toMatchObject({ status: 'submitted', smscIds: ['A2'] });
    expect(r.stats).toMatchObject({ throttled: 1, submitted: 1 });
  });

  it('when no bind will come back (every session stopped), then the message is given back unclaimed at once', async () => {
    // Prepare
    const r = rig({ bind: undefined });
    const id = await acceptedMessage(r.store);
    // Act
    await r.pipeline.process(held(message(id)));
    // Assess
    expect(r.store.calls).toEqual([`createAccepted ${id}`]);
    expect(r.store.records.get(id)?.status).toBe('accepted');
    expect(r.queueCalls).toEqual(['visibility rh-1 0']);
  });

  it('when the body is not JSON, then its derived record is written rejected in one write, it is dead-lettered and deleted, and nothing is claimed or sent', async () => {
    // Prepare
    const bind = scriptedBind();
    const r = rig({ bind });
    // Act
    await r.pipeline.process(held('{"v":1, "to": '));
    // Assess
    const [derivedId] = [...r.store.records.keys()];
    expect(r.store.calls).toEqual([`createRejected ${derivedId}`]);
    expect(r.store.records.get(derivedId ?? '')?.status).toBe('rejected');
    expect(bind.sent).toEqual([]);
    expect(r.queueCalls).toEqual(['dead-letter', 'delete rh-1']);
    expect(r.stats.rejected).toBe(1);
  });

  it('when an invalid queue message carries the id of a record the API made, then that record is moved to rejected and nothing is sent', async () => {
    // Prepare
    const bind = scriptedBind();
    const r = rig({ bind });
    const id = await acceptedMessage(r.store);
    // Act
    await r.pipeline.process(held({ v: 1, id, to: 'not a number', text: 'Hi' }));
    // Assess
    expect(r.store.calls).toEqual([`createAccepted ${id}`, `createRejected ${id}`, `markRejected ${id}`]);
    expect(r.store.records.get(id)?.status).toBe('rejected');
    expect(bind.sent).toEqual([]);
    expect(r.queueCalls).toEqual(['dead-letter', 'delete rh-1']);
  });

  it('when 10,000 messages have gone through and the service keeps running, then they leave nothing behind', async () => {
    // Prepare
    const bind = scriptedBind();
    const r = rig({ bind });
    // Act: each message is sent; what the in-memory ports record of it is dropped afterwards.
    const retained = await retainedBytesAfter(async () => {
      for (let i = 0; i < 10_000; i++) {
        const id = await acceptedMessage(r.store);
        await r.pipeline.process(held(message(id)));
        r.store.records.delete(id);
        r.store.calls.length = 0;
        r.queueCalls.length = 0;
        r.rateCalls.length = 0;
        bind.sent.length = 0;
      }
    });
    // Assess: a rate-token wait that kept a reaction on the stop signal's promise kept ~400 bytes
    // per message.
    expect(r.stats.submitted).toBe(10_000);
    expect(retained).toBeLessThan(MEGABYTE);
  });
});

describe('SubmitPipeline: validity passing while a claimed message waits for its rate token', () => {
  it('when the validity of a claimed bulk message passes during its token wait, then it is not sent and goes back at once, its claim released', async () => {
    // Prepare: a message accepted now with a validity of 1 minute; the clock moves 2 minutes on
    // while the message waits for its first token (urgent traffic and throttling ahead of it).
    const start = Date.now();
    let nowMs = start;
    const store = new MemoryStore();
    const id = newMessageId(start);
    const body = { v: 1, id, to: '+79991234567', text: 'Hello', validityMinutes: 1 };
    await store.createAccepted(recordOf(body));
    const bind = scriptedBind();
    const rate: RatePort & { currentRate: number } = {
      currentRate: 100,
      wait: async () => {
        nowMs += 2 * 60_000;
      },
      onThrottled: () => undefined,
      onSuccess: () => undefined,
    };
    const queueCalls: string[] = [];
    const queue = memoryQueue(queueCalls);
    const deps: PipelineDeps = {
      messages: store,
      queues: { urgent: queue, bulk: queue },
      binds: { acquire: async () => bind },
      rate,
      prepare: { isoMode: false, maxParts: 10 },
      stats: emptyStats(),
      log: silentLogger,
      stopTaking: new AbortController().signal,
      clock: () => new Date(nowMs),
    };
    const pipeline = new SubmitPipeline(deps);
    const message = { ...held(body), sentTimestampMs: start };
    // Act
    await pipeline.process(message, queue);
    // Assess: before, it went with a validity_period of 1 s, two minutes past its validity. The next
    // receive ends it `expired` (its claim is released, and nothing is on the wire).
    expect(bind.sent.map((fields) => fields.validity_period)).toEqual([]);
    expect(store.records.get(id)?.status).toBe('accepted');
    expect(queueCalls).toEqual(['visibility rh-1 0']);
  });
});

describe('SubmitPipeline: the validity a SUBMIT_SM carries is what is left when it is written', () => {
  it('when a part is throttled and resent 20 s later, then the resend carries 20 s less validity than the first try', async () => {
    // Prepare: a 1-minute message accepted now; each SUBMIT_SM written takes the clock 20 s on (the
    // limiter's pause after throttling, a window slot).
    const start = Date.now();
    let nowMs = start;
    const store = new MemoryStore();
    const id = newMessageId(start);
    const body = { v: 1, id, to: '+79991234567', text: 'Hello', validityMinutes: 1 };
    await store.createAccepted(recordOf(body));
    const written: unknown[] = [];
    const outcomes: SubmitOutcome[] = [{ kind: 'throttled' }, { kind: 'accepted', messageId: 'A1' }];
    const bind: Submitter = {
      submit: async (fields) => {
        // As the engine writes it: a function is called then.
        const validity = fields.validity_period;
        written.push(typeof validity === 'function' ? validity() : validity);
        nowMs += 20_000;
        return outcomes.shift() ?? { kind: 'accepted', messageId: 'A2' };
      },
    };
    const queue = memoryQueue([]);
    const pipeline = new SubmitPipeline({
      messages: store,
      queues: { urgent: queue, bulk: queue },
      binds: { acquire: async () => bind },
      rate: {
        currentRate: 100,
        wait: async () => undefined,
        onThrottled: () => undefined,
        onSuccess: () => undefined,
      },
      prepare: { isoMode: false, maxParts: 10 },
      stats: emptyStats(),
      log: silentLogger,
      stopTaking: new AbortController().signal,
      clock: () => new Date(nowMs),
    });
    // Act
    await pipeline.process({ ...held(body), sentTimestampMs: start }, queue);
    // Assess: before, the resend carried the first try's 60 s, so the SMSC kept it 20 s too long
    expect(written).toEqual(['000000000100000R', '000000000040000R']);
    expect(store.records.get(id)?.status).toBe('submitted');
  });
});

describe('SubmitPipeline: a long message starts only with validity left for all its parts', () => {
  /**
   * A 1-minute, 3-part message accepted `agoMs` before a clock the bind drives as the engine does:
   * `slotWaitMs[i]` waiting for the i-th submit's window slot, then its validity_period counted (no
   * PDU when it says none is left), then 1 s until its answer and the next part's token.
   */
  async function longMessage(agoMs: number, slotWaitMs: number[] = []) {
    const start = Date.now();
    let nowMs = start;
    const acceptedAt = start - agoMs;
    const store = new MemoryStore();
    const id = newMessageId(acceptedAt);
    const body = { v: 1, id, to: '+79991234567', text: 'x'.repeat(400), validityMinutes: 1 };
    await store.createAccepted(recordOf(body));
    const written: { atMs: number; validity: string | Date }[] = [];
    let submits = 0;
    const bind: Submitter = {
      submit: async (fields) => {
        nowMs += slotWaitMs[submits] ?? 0;
        submits += 1;
        const given = fields.validity_period;
        const validity = typeof given === 'function' ? given() : given;
        if (validity === undefined) return { kind: 'not-sent', reason: 'validity-passed' };
        written.push({ atMs: nowMs, validity });
        nowMs += 1_000;
        return { kind: 'accepted', messageId: `A${written.length}` };
      },
    };
    const queueCalls: string[] = [];
    const queue = memoryQueue(queueCalls);
    const pipeline = new SubmitPipeline({
      messages: store,
      queues: { urgent: queue, bulk: queue },
      binds: { acquire: async () => bind },
      rate: {
        currentRate: 100,
        wait: async () => undefined,
        onThrottled: () => undefined,
        onSuccess: () => undefined,
      },
      prepare: { isoMode: false, maxParts: 10 },
      stats: emptyStats(),
      log: silentLogger,
      stopTaking: new AbortController().signal,
      clock: () => new Date(nowMs),
    });
    const process = () => pipeline.process({ ...held(body), sentTimestampMs: acceptedAt }, queue);
    const advance = (ms: number) => {
      nowMs += ms;
    };
    return { id, store, written, queueCalls, process, advance, validUntil: acceptedAt + 60_000 };
  }

  it('when a 3-part message has 1.5 s of validity left and each SUBMIT_SM takes 1 s, then none of it is written and it goes back at once, to end expired', async () => {
    // Prepare: accepted 58.5 s ago; its parts would take 2 s after the first.
    const m = await longMessage(58_500);
    // Act
    await m.process();
    // Assess: before, its first two parts went and the third was written after its validity, with a
    // validity_period of 1 s. Not sent, it comes back when its validity ends (1.5 s: in 2 s), not at
    // once: each receive until then was claimed, took a token and was given back again.
    expect(m.written.filter((part) => part.atMs >= m.validUntil)).toEqual([]);
    expect(m.written).toEqual([]);
    expect(m.store.records.get(m.id)?.status).toBe('accepted');
    expect(m.queueCalls).toEqual(['visibility rh-1 2']);
  });

  it('when such a message comes back as its validity ends, then that receive ends it expired, never claimed again', async () => {
    // Prepare
    const m = await longMessage(58_500);
    await m.process();
    m.advance(2_000);
    // Act
    await m.process();
    // Assess
    expect(m.written).toEqual([]);
    expect(m.store.records.get(m.id)?.status).toBe('expired');
    expect(m.store.calls.filter((call) => call.startsWith('claimForSubmit'))).toHaveLength(1);
    expect(m.queueCalls).toEqual(['visibility rh-1 2', 'delete rh-1']);
  });

  it('when a 3-part message has 2.5 s of validity left, then all its parts go, each within it', async () => {
    // Prepare: accepted 57.5 s ago: the allowance for its two later parts (1 s each) is left.
    const m = await longMessage(57_500);
    // Act
    await m.process();
    // Assess
    expect(m.written.filter((part) => part.atMs >= m.validUntil)).toEqual([]);
    expect(m.written.map((part) => part.validity)).toEqual([
      '000000000003000R',
      '000000000002000R',
      '000000000001000R',
    ]);
    expect(m.store.records.get(m.id)?.status).toBe('submitted');
  });

  it('when the first part waits for a window slot until too little validity is left for the parts, then nothing is written', async () => {
    // Prepare: 3.5 s left when it is claimed, 1.5 s once its slot is granted.
    const m = await longMessage(56_500, [2_000]);
    // Act
    await m.process();
    // Assess: started, its third part would have been refused at the end of its validity, the
    // message half at the SMSC (`unknown`) where it can end `expired`, never sent.
    expect(m.written).toEqual([]);
    expect(m.store.records.get(m.id)?.status).toBe('accepted');
    expect(m.queueCalls).toEqual(['visibility rh-1 2']);
  });

  it('when a later part waits for a window slot past the end of the validity, then it is not written and the message ends unknown', async () => {
    // Prepare: 2.5 s left; the second part waits 3 s for its slot.
    const m = await longMessage(57_500, [0, 3_000]);
    // Act
    await m.process();
    // Assess: its first part is at the SMSC, so it is not "not sent"; nothing goes after the validity.
    expect(m.written.map((part) => part.atMs < m.validUntil)).toEqual([true]);
    expect(m.store.records.get(m.id)?.status).toBe('unknown');
    expect(m.queueCalls).toEqual(['delete rh-1']);
  });
});
