import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { deliveryHandler } from '#bind-service/dispatch/deliveries/delivery-handler.ts';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import { bindServiceLogger } from '#bind-service/logger.ts';
import type { DeliverSm } from '#bind-service/smpp/index.ts';
import { InboundDeliveryStore } from '#core/aws/inbound/inbound-delivery-store.ts';
import { InboundRepository } from '#core/aws/inbound/inbound-repository.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';

// Long incoming messages through the real delivery handler and inbound stores on DynamoDB Local:
// what the subscriber wrote is what is stored, however the sender cut it into parts.

const ESC = 0x1b;

/** One part of a GSM message (unpacked septets) with an 8-bit concatenation UDH. */
function gsmPart(reference: number, total: number, index: number, septets: Buffer): DeliverSm {
  const udh = Buffer.from([0x05, 0x00, 0x03, reference, total, index]);
  return {
    sequenceNumber: index,
    esmClass: 0x40,
    dataCoding: 0,
    registeredDelivery: 0,
    source: { addr: '79990001122', ton: 1, npi: 1 },
    destination: { addr: 'Shop', ton: 5, npi: 0 },
    shortMessage: Buffer.concat([udh, septets]),
    providerTlvs: {},
    isReceipt: false,
  };
}

describe('bind-service deliveries: long incoming messages (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });

  it('when a sender splits a GSM escape (€) between two parts, then the stored text reads €', async () => {
    // Prepare: part 1 ends with the escape, part 2 starts with the € extension code (0x65).
    const tables = await aws.freshTables();
    const handle = deliveryHandler({
      receipts: { applyReceipt: async () => 'applied' },
      inbound: new InboundRepository(aws.document, tables.inbound),
      parts: new InboundDeliveryStore(aws.document, tables.inbound),
      isoMode: false,
      stats: emptyStats(),
      log: bindServiceLogger('error', () => undefined),
    });
    const first = gsmPart(42, 2, 1, Buffer.concat([Buffer.from('Price: 10', 'latin1'), Buffer.from([ESC])]));
    const second = gsmPart(42, 2, 2, Buffer.from('e only', 'latin1'));
    // Act
    const statuses = [await handle(first), await handle(second)];
    // Assess: before, each part was decoded alone: "Price: 10e only".
    const { Items = [] } = await aws.document.send(
      new ScanCommand({ TableName: tables.inbound, ConsistentRead: true }),
    );
    const messages = Items.filter((item) => item.kind === undefined);
    expect(statuses).toEqual([0, 0]);
    expect(messages.map((message) => message.text)).toEqual(['Price: 10€ only']);
  });
});
