import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { smpp } from '#bind-service/smpp/codec.ts';
import { Status, type UnreadablePdu } from '#bind-service/smpp/index.ts';
import { SmscSimulator } from '#local/smsc-simulator/index.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { waitUntil } from '#test/helpers/wait.ts';
import { ACCOUNT, receivingClient, useCleanup } from '../fixtures.ts';

// A DELIVER_SM whose last TLV declares an octet the PDU does not hold is read off the socket whole
// (its command_length is right), but it cannot be parsed. The engine dropped the connection
// for it, unanswered, so the SMSC sent it again on the next bind, and again: one malformed delivery
// ended every session of the login. It is now answered ESME_RX_P_APPN (nothing stored; refused for
// good, since the same bytes would come back each time) and the session goes on
// (patches/smpp+0.5.1.patch reads on after it).

function malformedDeliverSm(sequenceNumber: number): Buffer {
  const pdu = new smpp.PDU('deliver_sm', {
    sequence_number: sequenceNumber,
    source_addr_ton: 1,
    source_addr_npi: 1,
    source_addr: '79990001122',
    dest_addr_ton: 5,
    dest_addr_npi: 0,
    destination_addr: 'Shop',
    short_message: Buffer.from('hello', 'latin1'),
  }).toBuffer();
  // message_state (0x0427) declaring its one octet, at the end of the PDU without it. (One of
  // length 0 is read as absent: smpp-package.ts.)
  const bytes = Buffer.concat([pdu, Buffer.from([0x04, 0x27, 0x00, 0x01])]);
  bytes.writeUInt32BE(bytes.length, 0);
  return bytes;
}

describe('an unreadable DELIVER_SM (DynamoDB Local, simulator)', () => {
  const aws = useLocalAws({ dynamo: true });
  const defer = useCleanup();

  it('when the SMSC sends a DELIVER_SM whose last TLV runs past its end, then it is answered ESME_RX_P_APPN, the session survives and later incoming messages are stored', async () => {
    // Prepare
    const tables = await aws.freshTables();
    const simulator = new SmscSimulator({ accounts: [{ ...ACCOUNT, rate: 0 }] });
    await simulator.listen(0);
    defer(() => simulator.close());
    const { client } = receivingClient(aws, simulator, tables);
    const disconnects: string[] = [];
    const unreadable: UnreadablePdu[] = [];
    client.on('disconnected', (event) => disconnects.push(event.reason));
    client.on('unreadable-pdu', (event) => unreadable.push(event));
    await client.start();
    defer(() => client.stop({ drainTimeoutMs: 200 }));
    // Act
    simulator.sendRaw(ACCOUNT.systemId, malformedDeliverSm(9000));
    await waitUntil(() => unreadable.length > 0 || disconnects.length > 0, 2_000, 'the PDU handled');
    const statuses = await simulator.injectMo({
      systemId: ACCOUNT.systemId,
      from: '+79990001122',
      to: 'Shop',
      text: 'after',
    });
    // Assess: before, the session ended (protocol-error) and bound again.
    expect(disconnects).toEqual([]);
    expect(unreadable).toEqual([
      expect.objectContaining({ commandId: 5, sequenceNumber: 9000, answeredStatus: Status.ESME_RX_P_APPN }),
    ]);
    expect(statuses).toEqual([0]);
    const { Items = [] } = await aws.document.send(
      new ScanCommand({ TableName: tables.inbound, ConsistentRead: true }),
    );
    expect(Items.map((item) => item.text)).toEqual(['after']);
  });
});
