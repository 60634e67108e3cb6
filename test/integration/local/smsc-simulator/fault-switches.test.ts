import { afterEach, describe, expect, it } from 'vitest';
import type { PDU } from '#bind-service/smpp/codec.ts';
import { ACCOUNT, SimulatorHarness } from '#test/helpers/smpp/simulator-harness.ts';

// The switches the fault suite (test/faults) uses to make the SMSC misbehave: receipts sent again or
// regressing, zero-padded ids, raw bytes on the wire; and the per-login ones the account isolation
// test uses: one login throttled, one login's password changed.

const harness = new SimulatorHarness();
afterEach(() => harness.stop());

const submitFields = (text: string) => ({
  destination_addr: '79990000001',
  short_message: Buffer.from(text),
  registered_delivery: 1,
});

const OTHER = { systemId: 'other', password: 'fake-other-password' } as const;
const ESME_RTHROTTLED = 0x58;
const ESME_RINVPASWD = 0x0e;

const textOf = (pdu: PDU) => Buffer.from(pdu.short_message ?? Buffer.alloc(0)).toString('latin1');

describe('simulator fault switches', () => {
  it('when an outcome has `then`, then the same id gets those receipts after the first, in order', async () => {
    // Prepare
    const simulator = await harness.start({
      receiptDelayMs: 20,
      outcomeRules: [{ match: /twice/, stat: 'DELIVRD', laterReceipts: ['DELIVRD', 'ENROUTE'] }],
    });
    const client = await harness.bind(simulator);
    // Act
    const response = await client.submit(submitFields('twice'));
    const receipts = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm', 3);
    // Assess
    expect(receipts.map((pdu) => pdu.receipted_message_id)).toEqual(Array(3).fill(response.message_id));
    expect(receipts.map((pdu) => /stat:(\w+)/.exec(textOf(pdu))?.[1])).toEqual([
      'DELIVRD',
      'DELIVRD',
      'ENROUTE',
    ]);
    expect(receipts.map((pdu) => pdu.message_state)).toEqual([2, 2, 1]);
  });

  it('when idPadding is set, then the answer or the receipt spells the id zero-padded', async () => {
    // Prepare
    const inReceipt = await harness.start({ receiptDelayMs: 0, idPadding: { receipt: 12 } });
    const inAnswer = await harness.start({ receiptDelayMs: 0, idPadding: { answer: 12 } });
    const first = await harness.bind(inReceipt);
    const second = await harness.bind(inAnswer);
    // Act
    const firstAnswer = await first.submit(submitFields('padded receipt'));
    const [firstReceipt] = await first.waitForReceived((pdu) => pdu.command === 'deliver_sm');
    const secondAnswer = await second.submit(submitFields('padded answer'));
    const [secondReceipt] = await second.waitForReceived((pdu) => pdu.command === 'deliver_sm');
    // Assess
    expect(firstAnswer.message_id).toBe('100000');
    expect(firstReceipt?.receipted_message_id).toBe('000000100000');
    expect(firstReceipt ? textOf(firstReceipt) : '').toContain('id:000000100000 ');
    expect(secondAnswer.message_id).toBe('000000100000');
    expect(secondReceipt?.receipted_message_id).toBe('100000');
  });

  it('when sendRaw is called, then the bytes reach every session of the login as they are', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    const enquireLink = Buffer.alloc(16);
    enquireLink.writeUInt32BE(16, 0);
    enquireLink.writeUInt32BE(0x15, 4);
    enquireLink.writeUInt32BE(4242, 12);
    // Act
    simulator.sendRaw(ACCOUNT.systemId, enquireLink);
    const [received] = await client.waitForReceived((pdu) => pdu.command === 'enquire_link');
    // Assess
    expect(received?.sequence_number).toBe(4242);
  });

  it('when one login is scripted throttled, then only its submits get ESME_RTHROTTLED until it is cleared', async () => {
    // Prepare
    const simulator = await harness.start({
      accounts: [
        { ...ACCOUNT, rate: 0 },
        { ...OTHER, rate: 0 },
      ],
    });
    const throttled = await harness.bind(simulator);
    const other = await harness.bind(simulator, OTHER);
    // Act
    simulator.scriptLogin(ACCOUNT.systemId, { throttled: true });
    const whileThrottled = await throttled.request('submit_sm', submitFields('throttled'));
    const otherMeanwhile = await other.request('submit_sm', submitFields('other login'));
    simulator.clearFaults();
    const afterClear = await throttled.request('submit_sm', submitFields('after clear'));
    // Assess
    expect(whileThrottled.command_status).toBe(ESME_RTHROTTLED);
    expect(otherMeanwhile.command_status).toBe(0);
    expect(afterClear.command_status).toBe(0);
    expect(simulator.submissions.map((submit) => [submit.systemId, submit.text])).toEqual([
      [OTHER.systemId, 'other login'],
      [ACCOUNT.systemId, 'after clear'],
    ]);
  });

  it("when a login's password is changed, then its bound session stays and a bind with the old password is refused", async () => {
    // Prepare
    const simulator = await harness.start();
    const bound = await harness.bind(simulator);
    // Act
    simulator.scriptLogin(ACCOUNT.systemId, { password: 'rotated' });
    const stillBound = await bound.request('submit_sm', submitFields('still bound'));
    const late = await harness.connect(simulator);
    const refused = await late.bind(ACCOUNT);
    const fresh = await harness.connect(simulator);
    const accepted = await fresh.bind({ ...ACCOUNT, password: 'rotated' });
    // Assess
    expect(stillBound.command_status).toBe(0);
    expect(refused.command_status).toBe(ESME_RINVPASWD);
    expect(accepted.command_status).toBe(0);
  });
});
