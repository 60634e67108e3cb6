// How the engine frames what the SMSC sends: command_length below the header's 16 octets (the
// stream is out of step), and PDUs above the package's old 16,384-octet limit that SMPP 3.4 allows
// (a message_payload of up to 64 K). A raw SMSC on 127.0.0.1 writes the bytes (raw-smsc.ts).
import { describe, expect, it } from 'vitest';
import { MAX_PDU_LENGTH } from '#bind-service/smpp/pdu/smpp-package.ts';
import { elapse } from '#test/helpers/wait.ts';
import { nextEvent, useCleanup } from './fixtures.ts';
import { boundEngine, DELIVER_SM_ID, deliverSm, encode, header } from './raw-smsc.ts';

function bigDeliverSm(sequence: number, payloadOctets: number): Buffer {
  return encode(
    'deliver_sm',
    {
      source_addr: '79990001122',
      source_addr_ton: 1,
      source_addr_npi: 1,
      destination_addr: 'Shop',
      dest_addr_ton: 5,
      message_payload: Buffer.alloc(payloadOctets, 0x41),
    },
    sequence,
  );
}

describe('engine framing: command_length below the 16-octet header', () => {
  const defer = useCleanup();

  for (const length of [0, 1, 4, 15]) {
    it(`when the SMSC sends a header with command_length ${length}, then the engine drops the link at once as a protocol error and binds again, and a DELIVER_SM on the new bind is answered`, async () => {
      // Prepare
      const { smsc, client, socket } = await boundEngine(defer);
      const disconnected = nextEvent(client, 'disconnected', 1_000);
      const secondBind = smsc.nextBind();
      // Act: the bad header and a valid DELIVER_SM behind it, in one segment.
      socket.write(Buffer.concat([header(0x00000015, 1, length), deliverSm(2)]));
      const event = await disconnected;
      const rebound = await secondBind;
      await nextEvent(client, 'bound');
      rebound.write(deliverSm(3));
      await elapse(200);
      // Assess: before, lengths 0-4 left the reader wedged with the bind up and nothing said: no
      // answer to anything until the enquire_link timeout. The DELIVER_SM behind the bad header is
      // not read (the stream is out of step): the SMSC sends it again on the new bind.
      expect(event).toMatchObject({ reason: 'protocol-error' });
      expect(event.detail).toContain(`PDU length was too small (${length}`);
      expect(smsc.answerTo(2)).toBeUndefined();
      expect(smsc.answerTo(3)).toEqual({ command: 'deliver_sm_resp', sequence: 3, status: 0, bind: 2 });
      expect(client.isBound).toBe(true);
    });
  }
});

describe('engine framing: large well-framed PDUs', () => {
  const defer = useCleanup();

  for (const payloadOctets of [19_900, 65_535]) {
    it(`when the SMSC sends a DELIVER_SM with a ${payloadOctets}-octet message_payload, then it is read and answered on the same bind, and so is the PDU behind it`, async () => {
      // Prepare
      const { smsc, socket, handled, disconnects } = await boundEngine(defer);
      const big = bigDeliverSm(7, payloadOctets);
      // Act
      socket.write(Buffer.concat([big, deliverSm(8)]));
      await elapse(500);
      // Assess: above 16,384 octets the link was dropped, and the SMSC sent the same PDU on every bind.
      expect(big.length).toBeGreaterThan(16_384);
      expect(disconnects).toEqual([]);
      expect(smsc.answerTo(7)).toEqual({ command: 'deliver_sm_resp', sequence: 7, status: 0, bind: 1 });
      expect(smsc.answerTo(8)).toEqual({ command: 'deliver_sm_resp', sequence: 8, status: 0, bind: 1 });
      expect(handled.map((d) => [d.sequenceNumber, d.messagePayload?.length])).toEqual([
        [7, payloadOctets],
        [8, undefined],
      ]);
      expect(smsc.binds()).toBe(1);
    });
  }

  it('when the SMSC sends a command_length above the engine limit, then the link is dropped as a protocol error (the bound still holds)', async () => {
    // Prepare
    const { client, socket } = await boundEngine(defer);
    const disconnected = nextEvent(client, 'disconnected', 1_000);
    // Act
    socket.write(header(DELIVER_SM_ID, 9, MAX_PDU_LENGTH + 1));
    const event = await disconnected;
    // Assess
    expect(event).toMatchObject({ reason: 'protocol-error' });
    expect(event.detail).toContain('PDU length was too large');
  });
});
