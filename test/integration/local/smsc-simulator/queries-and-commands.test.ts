import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT, SimulatorHarness } from '#test/helpers/smpp/simulator-harness.ts';

const ESME_RINVCMDID = 0x03;
const ESME_RINVMSGID = 0x0c;
const OTHER = { systemId: 'other-login', password: 'fake-pw3' } as const;

const harness = new SimulatorHarness();
afterEach(() => harness.stop());

describe('simulator query_sm and refused commands', () => {
  it('when query_sm asks for a message, then its state is reported, and an unknown id is refused', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 0 });
    const client = await harness.bind(simulator);
    const submitted = await client.submit({
      destination_addr: '79990000001',
      short_message: Buffer.from('q'),
    });
    // Act
    const known = await client.request('query_sm', { message_id: submitted.message_id });
    const unknown = await client.request('query_sm', { message_id: '42' });
    // Assess
    expect(known).toMatchObject({ command_status: 0, message_id: submitted.message_id, message_state: 2 });
    expect(unknown.command_status).toBe(ESME_RINVMSGID);
  });

  it('when another login asks query_sm about a message, then it is refused as an unknown id, and the sender still gets its state', async () => {
    // Prepare: the SMSC keeps messages per login.
    const simulator = await harness.start({
      receiptDelayMs: 0,
      accounts: [
        { ...ACCOUNT, rate: 0 },
        { ...OTHER, rate: 0 },
      ],
    });
    const sender = await harness.bind(simulator);
    const other = await harness.bind(simulator, OTHER);
    const submitted = await sender.submit({
      destination_addr: '79990000002',
      short_message: Buffer.from('q'),
    });
    await simulator.waitFor(() => simulator.messages.length === 1);
    // Act
    const foreign = await other.request('query_sm', { message_id: submitted.message_id });
    const never = await other.request('query_sm', { message_id: '42' });
    const own = await sender.request('query_sm', { message_id: submitted.message_id });
    // Assess
    expect(foreign.command_status).toBe(never.command_status);
    expect(foreign.command_status).toBe(ESME_RINVMSGID);
    expect(own).toMatchObject({ command_status: 0, message_id: submitted.message_id, message_state: 2 });
  });

  it('when a message is planted under a login, then only that login’s query_sm finds it, with its scripted outcome, and no SUBMIT_SM is recorded', async () => {
    // Prepare
    const simulator = await harness.start({
      receiptDelayMs: 0,
      accounts: [
        { ...ACCOUNT, rate: 0 },
        { ...OTHER, rate: 0 },
      ],
    });
    simulator.scriptOutcome('79990000003', { stat: 'UNDELIV', err: 1 });
    const owner = await harness.bind(simulator);
    const other = await harness.bind(simulator, OTHER);
    // Act
    const messageId = simulator.plant({ systemId: ACCOUNT.systemId, destination: '79990000003' });
    const own = await owner.request('query_sm', { message_id: messageId });
    const foreign = await other.request('query_sm', { message_id: messageId });
    // Assess
    expect(own).toMatchObject({ command_status: 0, message_id: messageId, message_state: 5, error_code: 1 });
    expect(foreign.command_status).toBe(ESME_RINVMSGID);
    expect(simulator.messages).toMatchObject([{ messageIds: [messageId], systemId: ACCOUNT.systemId }]);
    expect([simulator.submissions, simulator.submitLog, simulator.undeliveredReceipts]).toEqual([[], [], 0]);
    expect(() => simulator.plant({ systemId: 'nobody', destination: '79990000004' })).toThrow(
      /no login "nobody"/,
    );
  });

  it('when submit_multi or an unknown command is sent, then it is refused with ESME_RINVCMDID', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    const unknown = Buffer.alloc(16);
    unknown.writeUInt32BE(16, 0);
    unknown.writeUInt32BE(0x00000fff, 4);
    unknown.writeUInt32BE(99, 12);
    // Act
    const multi = await client.request('submit_multi', {
      dest_address: [{ dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '79990000001' }],
      short_message: Buffer.from('m'),
    });
    client.session.socket.write(unknown);
    const [nack] = await new Promise<unknown[]>((resolve) =>
      client.session.once('generic_nack', (pdu) => resolve([pdu])),
    );
    // Assess
    expect([multi.command, multi.command_status]).toEqual(['submit_multi_resp', ESME_RINVCMDID]);
    expect(nack).toMatchObject({
      command: 'generic_nack',
      command_status: ESME_RINVCMDID,
      sequence_number: 99,
    });
    expect(simulator.submissions).toEqual([]);
  });
});
