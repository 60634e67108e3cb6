import { describe, expect, it } from 'vitest';
import type { SubmitOutcome } from '#bind-service/smpp/index.ts';
import { engineFor, sms, startBound, startSimulator, useCleanup } from './fixtures.ts';

describe('engine window', () => {
  const defer = useCleanup();

  it('when 600 submits race a window of 300 against a slow server, then at most 300 fly and all are accepted', async () => {
    // Prepare
    const simulator = await startSimulator(defer, { windowSize: 300 });
    simulator.fault({ type: 'slow', delayMs: 200, count: 600 });
    const client = engineFor(defer, simulator.port, { windowSize: 300 });
    await startBound(client);
    let maxInFlight = 0;
    const observe = () => {
      maxInFlight = Math.max(maxInFlight, client.inFlight);
    };
    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 600 }, (_, i) => {
        const outcome = client.submit(sms(i));
        observe();
        return outcome.then((result: SubmitOutcome) => {
          observe();
          return result;
        });
      }),
    );
    // Assess
    expect(outcomes.filter((o) => o.kind === 'accepted')).toHaveLength(600);
    expect(maxInFlight).toBe(300);
    expect(simulator.stats.queueFull).toBe(0);
    expect(simulator.stats.accepted).toBe(600);
    expect(client.inFlight).toBe(0);
  });

  it('when submits are called, then each takes its slot in that same tick, or counts as queued until an answer frees one', async () => {
    // Prepare: the bind pool chooses a message's session right before its submit and relies on this.
    const simulator = await startSimulator(defer);
    simulator.fault({ type: 'slow', delayMs: 150, count: 3 });
    const client = engineFor(defer, simulator.port, { windowSize: 2 });
    await startBound(client);
    // Act
    const seen: number[][] = [];
    const submits = [1, 2, 3].map((i) => {
      const outcome = client.submit(sms(i));
      seen.push([client.availableSlots, client.queuedSubmits]);
      return outcome;
    });
    const outcomes = await Promise.all(submits);
    // Assess
    expect(seen).toEqual([
      [1, 0],
      [0, 0],
      [0, 1],
    ]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['accepted', 'accepted', 'accepted']);
    expect([client.availableSlots, client.queuedSubmits]).toEqual([2, 0]);
  });

  it('when the window is full, then whenSlotFree resolves only once an answer frees a slot', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    simulator.fault({ type: 'slow', delayMs: 150, count: 2 });
    const client = engineFor(defer, simulator.port, { windowSize: 2 });
    await startBound(client);
    const first = client.submit(sms(1));
    const second = client.submit(sms(2));
    let freed = false;
    // Act
    const slot = client.whenSlotFree().then(() => {
      freed = true;
    });
    const fullBefore = client.availableSlots;
    const freedBeforeAnswers = freed;
    await Promise.all([first, second, slot]);
    // Assess
    expect(fullBefore).toBe(0);
    expect(freedBeforeAnswers).toBe(false);
    expect(freed).toBe(true);
    expect(client.availableSlots).toBe(2);
  });

  it('when a submit cannot be encoded, then it resolves (never throws) and its window slot is free again', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port, { windowSize: 1 });
    await startBound(client);
    // Act: short_message over the 255 octets sm_length can say; it threw after taking its slot, and
    // the window shrank for good (with window 1 the next submit waited for ever).
    const bad = await client
      .submit(sms(1, { short_message: Buffer.alloc(300, 0x41) }))
      .then((outcome) => ({ threw: false, outcome }))
      .catch((error: unknown) => ({ threw: true, outcome: String(error) }));
    const inFlightAfter = client.inFlight;
    const next = await Promise.race([
      client.submit(sms(2)).then((outcome) => outcome.kind),
      new Promise<string>((resolve) => setTimeout(() => resolve('still waiting for a slot'), 2_000)),
    ]);
    // Assess
    expect({ threw: bad.threw, inFlightAfter, next }).toEqual({
      threw: false,
      inFlightAfter: 0,
      next: 'accepted',
    });
  }, 10_000);

  it('when a submit’s validity ends while it waits for a window slot, then nothing is written, it is not sent and its slot is free again', async () => {
    // Prepare: a window of one, its slot held 300 ms by a slow answer.
    const simulator = await startSimulator(defer);
    simulator.fault({ type: 'slow', delayMs: 300, count: 1 });
    const client = engineFor(defer, simulator.port, { windowSize: 1 });
    await startBound(client);
    const started = Date.now();
    const askedAfterMs: number[] = [];
    const first = client.submit(sms(1));
    // Act: the sender looked at the validity before; once the slot comes, nothing is left of it.
    const late = client.submit(
      sms(2, {
        validity_period: () => {
          askedAfterMs.push(Date.now() - started);
          return undefined;
        },
      }),
    );
    const outcomes = [await first, await late];
    const next = await client.submit(sms(3));
    // Assess: before, it went out with a validity_period of 1 s after its validity ended. Its
    // validity was looked at once, when the slot came (after the slow answer), not before.
    expect({
      outcomes: outcomes.map((outcome) => (outcome.kind === 'not-sent' ? outcome.reason : outcome.kind)),
      askedOnce: askedAfterMs.length === 1,
      askedAfterTheSlowAnswer: (askedAfterMs[0] ?? 0) >= 250,
      next: next.kind,
      submits: simulator.stats.submits,
      inFlight: client.inFlight,
    }).toEqual({
      outcomes: ['accepted', 'validity-passed'],
      askedOnce: true,
      askedAfterTheSlowAnswer: true,
      next: 'accepted',
      submits: 2,
      inFlight: 0,
    });
  }, 10_000);
});
