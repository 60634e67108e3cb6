import { afterEach, describe, expect, it } from 'vitest';
import { SimulatorHarness } from '#test/helpers/smpp/simulator-harness.ts';

const ESME_RINVCMDID = 0x03;
const ESME_RINVMSGID = 0x0c;

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
