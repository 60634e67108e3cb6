import { afterEach, describe, expect, it } from 'vitest';
import { SimulatorHarness } from '#test/helpers/smpp/simulator-harness.ts';

// The simulator's log of every SUBMIT_SM it received (SmscSimulator.submitLog), which the fault
// suite's duplicates check counts: refused and unanswered sends are in it, unlike `submissions` and
// `messages` (accepted only). A socket test of the simulator, so it runs in the `stack` project.

const ESME_RSUBMITFAIL = 0x45;
const ESME_RTHROTTLED = 0x58;

const harness = new SimulatorHarness();
afterEach(() => harness.stop());

describe('simulator: the log of every SUBMIT_SM received', () => {
  it('when the same text goes to the same number twice within the duplicate window, then both sends are logged, the second refused by the rule', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    const send = { destination_addr: '79990000001', short_message: Buffer.from('same text') };
    // Act
    const first = await client.submit(send);
    const second = await client.submit(send);
    // Assess: `messages` shows one; the log shows the resend too.
    expect([first.command_status, second.command_status]).toEqual([0, ESME_RSUBMITFAIL]);
    expect(simulator.messages).toHaveLength(1);
    expect(
      simulator.submitLog.map(({ destination, text, decision }) => ({ destination, text, decision })),
    ).toEqual([
      {
        destination: '79990000001',
        text: 'same text',
        decision: { kind: 'accepted', messageId: first.message_id },
      },
      {
        destination: '79990000001',
        text: 'same text',
        decision: { kind: 'refused', commandStatus: ESME_RSUBMITFAIL, rule: 'duplicate' },
      },
    ]);
  });

  it('when the duplicate window is 0, then the second identical send is accepted and logged', async () => {
    // Prepare: the fault suite's setting.
    const simulator = await harness.start({ duplicateWindowMs: 0 });
    const client = await harness.bind(simulator);
    const send = { destination_addr: '79990000001', short_message: Buffer.from('same text') };
    // Act
    await client.submit(send);
    await client.submit(send);
    // Assess
    expect(simulator.messages).toHaveLength(2);
    expect(simulator.submitLog.map(({ decision }) => decision.kind)).toEqual(['accepted', 'accepted']);
  });

  it('when faults throttle, swallow and nack submits, then each send is logged with what became of it', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    simulator.fault({ type: 'throttle', count: 1 });
    // Act
    const throttled = await client.submit({
      destination_addr: '79990000002',
      short_message: Buffer.from('a'),
    });
    simulator.fault({ type: 'generic-nack', count: 1, commandStatus: 0 });
    const nacked = await client.submit({ destination_addr: '79990000003', short_message: Buffer.from('b') });
    simulator.fault({ type: 'no-answer', count: 1 });
    const unanswered = client.submit(
      { destination_addr: '79990000004', short_message: Buffer.from('c') },
      500,
    );
    await expect(unanswered).rejects.toThrow(/no answer/);
    // Assess
    expect(throttled.command_status).toBe(ESME_RTHROTTLED);
    expect(nacked.command).toBe('generic_nack');
    expect(simulator.submissions).toHaveLength(0);
    expect(simulator.submitLog.map(({ text, decision }) => ({ text, decision }))).toEqual([
      { text: 'a', decision: { kind: 'refused', commandStatus: ESME_RTHROTTLED, rule: 'throttle' } },
      { text: 'b', decision: { kind: 'nack', commandStatus: 0 } },
      { text: 'c', decision: { kind: 'unanswered', reason: 'no-answer' } },
    ]);
  });

  it('when recording is off (benchmarks), then nothing is logged', async () => {
    // Prepare
    const simulator = await harness.start({ record: false });
    const client = await harness.bind(simulator);
    // Act
    await client.submit({ destination_addr: '79990000005', short_message: Buffer.from('x') });
    // Assess
    expect(simulator.stats.submits).toBe(1);
    expect(simulator.submitLog).toEqual([]);
  });
});
