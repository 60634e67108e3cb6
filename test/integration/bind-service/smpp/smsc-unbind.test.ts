// An UNBIND from the SMSC right behind DELIVER_SMs the engine is still storing. The engine answered
// the unbind and closed at once, the stored delivery's answer found the socket closed, and the SMSC
// sent it again on the next bind: an incoming SMS stored twice. Now the unbind waits, bounded (500
// ms), for the answers owed. A raw SMSC on 127.0.0.1 writes the bytes (raw-smsc.ts).
import { describe, expect, it } from 'vitest';
import type { DeliveryAnswer } from '#bind-service/smpp/index.ts';
import { deferred, elapse, waitUntil } from '#test/helpers/wait.ts';
import { engineFor, nextEvent, sms, startBound, useCleanup } from './fixtures.ts';
import { deliverSm, encode, rawSmsc } from './raw-smsc.ts';

async function boundEngine(defer: ReturnType<typeof useCleanup>, store: () => Promise<void>) {
  const smsc = await rawSmsc(defer);
  const firstBind = smsc.nextBind();
  const client = engineFor(defer, smsc.port, { enquireLinkIntervalMs: 60_000 });
  client.onDeliver(async () => {
    await store();
    return 0;
  });
  const answers: Pick<DeliveryAnswer, 'commandStatus' | 'answered'>[] = [];
  client.on('deliver', (event) =>
    answers.push({ commandStatus: event.commandStatus, answered: event.answered }),
  );
  await startBound(client);
  return { smsc, client, socket: await firstBind, answers };
}

describe('engine facing an UNBIND from the SMSC', () => {
  const defer = useCleanup();

  it('when the SMSC sends two DELIVER_SMs and UNBIND in one segment and storing takes 50 ms, then both are answered ESME_ROK before the unbind_resp, and the link then closes as unbind', async () => {
    // Prepare
    const { smsc, client, socket, answers } = await boundEngine(defer, () => elapse(50));
    const disconnected = nextEvent(client, 'disconnected', 2_000);
    // Act
    socket.write(Buffer.concat([deliverSm(51), deliverSm(52), encode('unbind', {}, 53)]));
    const event = await disconnected;
    // Assess
    expect(event.reason).toBe('unbind');
    expect(answers).toEqual([
      { commandStatus: 0, answered: true },
      { commandStatus: 0, answered: true },
    ]);
    expect(smsc.seen.filter((s) => s.sequence >= 51).map((s) => [s.command, s.sequence, s.status])).toEqual([
      ['deliver_sm_resp', 51, 0],
      ['deliver_sm_resp', 52, 0],
      ['unbind_resp', 53, 0],
    ]);
  });

  it('when storing outlasts the wait, then the unbind is answered after about 500 ms and the late answer is reported unanswered (the SMSC sends it again)', async () => {
    // Prepare
    const stored = deferred<void>();
    const { smsc, client, socket, answers } = await boundEngine(defer, () => stored.promise);
    const disconnected = nextEvent(client, 'disconnected', 2_000);
    const started = performance.now();
    // Act
    socket.write(Buffer.concat([deliverSm(71), encode('unbind', {}, 72)]));
    await waitUntil(() => smsc.seen.some((s) => s.command === 'unbind_resp'), 2_000, 'the unbind_resp');
    const waited = performance.now() - started;
    await disconnected;
    stored.resolve();
    await waitUntil(() => answers.length === 1, 1_000, 'the delivery settled');
    // Assess
    expect(waited).toBeGreaterThanOrEqual(450);
    expect(waited).toBeLessThan(1_000);
    expect(answers).toEqual([{ commandStatus: 0, answered: false }]);
    expect(smsc.answerTo(71)).toBeUndefined();
  });

  it('when the SMSC unbinds while a delivery is being stored, then the bind is no longer offered, /healthz’s state of it is closing, and a submit meanwhile is not sent', async () => {
    // Prepare
    const stored = deferred<void>();
    const { smsc, client, socket } = await boundEngine(defer, () => stored.promise);
    defer(() => stored.resolve());
    // Act
    socket.write(Buffer.concat([deliverSm(81), encode('unbind', {}, 82)]));
    await waitUntil(() => !client.isBound, 1_000, 'the bind no longer offered');
    const outcome = await client.submit(sms(1));
    const slots = client.availableSlots;
    const reported = client.reportedState;
    stored.resolve();
    await nextEvent(client, 'disconnected', 2_000);
    // Assess
    expect(outcome).toEqual({ kind: 'not-sent', reason: 'not-bound' });
    expect(slots).toBe(0);
    expect(reported).toBe('closing');
    expect(smsc.seen.filter((s) => s.command === 'submit_sm')).toEqual([]);
    expect(smsc.seen.filter((s) => s.sequence >= 81).map((s) => s.command)).toEqual([
      'deliver_sm_resp',
      'unbind_resp',
    ]);
  });
});
