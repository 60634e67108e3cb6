// A stop (a slot given up, a lost lease, a deploy) while DELIVER_SMs are still being stored. The
// engine unbound and closed without waiting for them: the delivery was stored, its answer found the
// socket closed, and the SMSC sent it again on the next bind, so an incoming SMS (no SMSC id to know
// it by) was stored twice. Now the stop waits, bounded, for the answers owed before it unbinds, and
// for those to deliveries the SMSC sends before its unbind_resp before it closes.
import { describe, expect, it } from 'vitest';
import type { DeliverSm, DeliveryAnswer } from '#bind-service/smpp/index.ts';
import { type PDU, type Session, smpp } from '#bind-service/smpp/pdu/smpp-package.ts';
import { deferred, elapse, waitUntil, within } from '#test/helpers/wait.ts';
import { engineFor, listenUntilCleanup, startBound, useCleanup } from './fixtures.ts';
import { deliverSm, rawSmsc } from './raw-smsc.ts';

/** The engine bound to a raw SMSC, each delivery stored by `store`; `answers` as the engine reports them. */
async function storingEngine(defer: ReturnType<typeof useCleanup>, store: () => Promise<void>) {
  const smsc = await rawSmsc(defer);
  const firstBind = smsc.nextBind();
  const client = engineFor(defer, smsc.port, { enquireLinkIntervalMs: 60_000, unbindTimeoutMs: 1_000 });
  const stored: DeliverSm[] = [];
  client.onDeliver(async (delivery) => {
    await store();
    stored.push(delivery);
    return 0;
  });
  const answers: Pick<DeliveryAnswer, 'commandStatus' | 'answered'>[] = [];
  client.on('deliver', (event) =>
    answers.push({ commandStatus: event.commandStatus, answered: event.answered }),
  );
  await startBound(client);
  return { smsc, client, socket: await firstBind, stored, answers };
}

/**
 * An SMSC that answers our unbind with a DELIVER_SM first and its unbind_resp right behind, and
 * leaves the socket to the engine to close. `seen` is what it wrote and read, in order.
 */
async function deliveringOnUnbind(defer: ReturnType<typeof useCleanup>) {
  const sessions: Session[] = [];
  const seen: string[] = [];
  const server = smpp.createServer({}, (session) => {
    sessions.push(session);
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu: PDU) => session.send(pdu.response({ system_id: 'SMSC' })));
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: PDU) => {
      seen.push('unbind');
      const delivery = new smpp.PDU('deliver_sm', {
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: '79990001122',
        destination_addr: 'Shop',
        short_message: Buffer.from('hello', 'latin1'),
      });
      seen.push('deliver_sm');
      session.send(delivery, (answer: PDU) => seen.push(`deliver_sm_resp ${answer.command_status}`));
      seen.push('unbind_resp');
      session.send(pdu.response());
    });
  });
  const port = await listenUntilCleanup(server, sessions, defer);
  return { port, seen };
}

describe('engine stop with deliveries being stored', () => {
  const defer = useCleanup();

  it('when a graceful stop begins while a DELIVER_SM is being stored (400 ms), then its deliver_sm_resp reaches the SMSC before the unbind', async () => {
    // Prepare
    const { smsc, client, socket, stored, answers } = await storingEngine(defer, () => elapse(400));
    socket.write(deliverSm(77));
    await elapse(30);
    // Act: the slot is given up gracefully while the delivery is being stored.
    await within(client.stop({ drainTimeoutMs: 2_000 }), 5_000, 'the graceful stop');
    await waitUntil(() => answers.length === 1, 2_000, 'the delivery stored');
    // Assess
    expect(stored).toHaveLength(1);
    expect(answers, 'deliver event: answered on the socket').toEqual([{ commandStatus: 0, answered: true }]);
    expect(smsc.answerTo(77)).toMatchObject({ command: 'deliver_sm_resp', status: 0 });
    expect(smsc.seen.filter((s) => s.command !== 'bind_transceiver').map((s) => s.command)).toEqual([
      'deliver_sm_resp',
      'unbind',
    ]);
  });

  it('when a stop that unbinds first begins while a DELIVER_SM is being stored (150 ms), then its deliver_sm_resp reaches the SMSC before the unbind', async () => {
    // Prepare
    const { smsc, client, socket, answers } = await storingEngine(defer, () => elapse(150));
    socket.write(deliverSm(78));
    await elapse(30);
    // Act: the lease is lost: the session unbinds at once, bar the answers owed.
    await within(client.stop({ drainTimeoutMs: 10_000, unbindFirst: true }), 5_000, 'the stop');
    await waitUntil(() => answers.length === 1, 2_000, 'the delivery stored');
    // Assess
    expect(answers).toEqual([{ commandStatus: 0, answered: true }]);
    expect(smsc.seen.filter((s) => s.command !== 'bind_transceiver').map((s) => s.command)).toEqual([
      'deliver_sm_resp',
      'unbind',
    ]);
  });

  it('when storing outlasts the wait of a stop that unbinds first, then the stop ends after about 500 ms and the late answer is reported unanswered (the SMSC sends it again)', async () => {
    // Prepare
    const storeDone = deferred<void>();
    const { client, socket, answers } = await storingEngine(defer, () => storeDone.promise);
    socket.write(deliverSm(79));
    await elapse(30);
    const started = performance.now();
    // Act
    await within(client.stop({ drainTimeoutMs: 10_000, unbindFirst: true }), 5_000, 'the stop');
    const took = performance.now() - started;
    storeDone.resolve();
    await waitUntil(() => answers.length === 1, 2_000, 'the late answer');
    // Assess
    expect(took).toBeGreaterThanOrEqual(400);
    expect(took).toBeLessThan(1_500);
    expect(answers).toEqual([{ commandStatus: 0, answered: false }]);
  });

  it('when the SMSC sends a DELIVER_SM between our unbind and its unbind_resp (storing takes 100 ms), then it is answered before the engine closes', async () => {
    // Prepare
    const smsc = await deliveringOnUnbind(defer);
    const client = engineFor(defer, smsc.port, { enquireLinkIntervalMs: 60_000, unbindTimeoutMs: 1_000 });
    const answers: boolean[] = [];
    client.onDeliver(async () => {
      await elapse(100);
      return 0;
    });
    client.on('deliver', (event) => answers.push(event.answered));
    await startBound(client);
    // Act
    await within(client.stop({ drainTimeoutMs: 2_000 }), 5_000, 'the graceful stop');
    await waitUntil(() => smsc.seen.length === 4, 2_000, 'the deliver_sm_resp at the SMSC');
    // Assess
    expect(answers).toEqual([true]);
    expect(smsc.seen).toEqual(['unbind', 'deliver_sm', 'unbind_resp', 'deliver_sm_resp 0']);
  });
});
