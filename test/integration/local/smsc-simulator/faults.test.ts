import { afterEach, describe, expect, it } from 'vitest';
import type { TestClient } from '#test/helpers/smpp/simulator-client.ts';
import { SimulatorHarness } from '#test/helpers/smpp/simulator-harness.ts';

const ESME_RSYSERR = 0x08;
const ESME_RMSGQFUL = 0x14;
const ESME_RTHROTTLED = 0x58;

const harness = new SimulatorHarness();
afterEach(() => harness.stop());

let counter = 0;
function send(client: TestClient, timeoutMs?: number) {
  counter += 1;
  return client.submit(
    { destination_addr: '79990000001', short_message: Buffer.from(`m${counter}`) },
    timeoutMs,
  );
}

describe('simulator scripted faults', () => {
  it('when no-answer is scripted once, then that submit is swallowed and the next one answered', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    simulator.fault({ type: 'no-answer', count: 1 });
    // Act
    const swallowed = send(client, 200);
    const answered = await send(client);
    // Assess
    await expect(swallowed).rejects.toThrow(/no answer/);
    expect(answered.command_status).toBe(0);
    expect(simulator.submissions).toHaveLength(1);
  });

  it('when generic-nack is scripted, then the submit gets generic_nack', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    simulator.fault({ type: 'generic-nack', count: 1 });
    // Act
    const response = await send(client);
    // Assess
    expect([response.command, response.command_status]).toEqual(['generic_nack', ESME_RSYSERR]);
  });

  it('when a status is scripted for two submits, then those two get it and the third is accepted', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    simulator.fault({ type: 'status', commandStatus: 0x45, count: 2 });
    // Act
    const responses = [await send(client), await send(client), await send(client)];
    // Assess
    expect(responses.map((r) => [r.command, r.command_status])).toEqual([
      ['submit_sm_resp', 0x45],
      ['submit_sm_resp', 0x45],
      ['submit_sm_resp', 0],
    ]);
  });

  it('when throttle is scripted without a count, then every submit is throttled until faults are cleared', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    simulator.fault({ type: 'throttle' });
    // Act
    const throttled = [await send(client), await send(client)];
    simulator.clearFaults();
    const accepted = await send(client);
    // Assess
    expect(throttled.map((r) => r.command_status)).toEqual([ESME_RTHROTTLED, ESME_RTHROTTLED]);
    expect(accepted.command_status).toBe(0);
    expect(simulator.stats.throttled).toBe(2);
  });

  it('when faults are queued, then they apply one after the other in order', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    simulator.fault({ type: 'throttle', count: 1 });
    simulator.fault({ type: 'status', commandStatus: ESME_RSYSERR, count: 1 });
    // Act
    const responses = [await send(client), await send(client), await send(client)];
    // Assess
    expect(responses.map((r) => r.command_status)).toEqual([ESME_RTHROTTLED, ESME_RSYSERR, 0]);
  });

  it('when slow answers are scripted, then the answer is delayed and a full window is refused', async () => {
    // Prepare
    const simulator = await harness.start({ windowSize: 2 });
    const client = await harness.bind(simulator);
    simulator.fault({ type: 'slow', delayMs: 150, count: 2 });
    const started = Date.now();
    // Act
    const slow = [send(client), send(client)];
    const overflow = await send(client);
    const answered = await Promise.all(slow);
    // Assess
    expect(overflow.command_status).toBe(ESME_RMSGQFUL);
    expect(answered.map((r) => r.command_status)).toEqual([0, 0]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(simulator.stats.queueFull).toBe(1);
  });

  it('when unbind-after is scripted, then the session is unbound mid-window and later submits go unanswered', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    simulator.fault({ type: 'unbind-after', submits: 2 });
    // Act
    const pipelined = [send(client), send(client), send(client, 300)];
    const [first, second, third] = await Promise.allSettled(pipelined);
    await client.closed;
    // Assess
    expect(first).toMatchObject({ status: 'fulfilled', value: { command_status: 0 } });
    expect(second).toMatchObject({ status: 'fulfilled', value: { command_status: 0 } });
    expect(third?.status).toBe('rejected');
    expect(client.received.map((pdu) => pdu.command)).toEqual(['unbind']);
  });

  it('when close-after is scripted, then the socket closes right after that many answers', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    simulator.fault({ type: 'close-after', submits: 1 });
    // Act
    const answered = await send(client);
    await client.closed;
    // Assess
    expect(answered.command_status).toBe(0);
    expect(client.received).toEqual([]);
    await simulator.waitFor(() => simulator.boundSessions().length === 0);
  });
});
