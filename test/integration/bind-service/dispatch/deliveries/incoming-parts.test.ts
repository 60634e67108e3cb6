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
const UCS2 = 0x08;
/** A UTF-16 code unit without its pair: not Unicode text, so not a string DynamoDB keeps as sent. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** One part of a message with an 8-bit concatenation UDH: GSM as unpacked septets, UCS-2 as UTF-16BE. */
function part(reference: number, total: number, index: number, payload: Buffer, dataCoding = 0): DeliverSm {
  const udh = Buffer.from([0x05, 0x00, 0x03, reference, total, index]);
  return {
    sequenceNumber: index,
    esmClass: 0x40,
    dataCoding,
    registeredDelivery: 0,
    source: { addr: '79990001122', ton: 1, npi: 1 },
    destination: { addr: 'Shop', ton: 5, npi: 0 },
    shortMessage: Buffer.concat([udh, payload]),
    providerTlvs: {},
    isReceipt: false,
  };
}

describe('bind-service deliveries: long incoming messages (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });

  async function handlerOnFreshTables() {
    const tables = await aws.freshTables();
    const handle = deliveryHandler({
      receipts: { applyReceipt: async () => 'applied' },
      inbound: new InboundRepository(aws.document, tables.inbound),
      parts: new InboundDeliveryStore(aws.document, tables.inbound),
      isoMode: false,
      stats: emptyStats(),
      log: bindServiceLogger('error', () => undefined),
    });
    const items = async () => {
      const { Items = [] } = await aws.document.send(
        new ScanCommand({ TableName: tables.inbound, ConsistentRead: true }),
      );
      return Items;
    };
    return { handle, items };
  }

  it('when a sender splits a GSM escape (€) between two parts, then the stored text reads €', async () => {
    // Prepare: part 1 ends with the escape, part 2 starts with the € extension code (0x65).
    const { handle, items } = await handlerOnFreshTables();
    const first = part(42, 2, 1, Buffer.concat([Buffer.from('Price: 10', 'latin1'), Buffer.from([ESC])]));
    const second = part(42, 2, 2, Buffer.from('e only', 'latin1'));
    // Act
    const statuses = [await handle(first), await handle(second)];
    // Assess: before, each part was decoded alone: "Price: 10e only".
    const messages = (await items()).filter((item) => item.kind === undefined);
    expect(statuses).toEqual([0, 0]);
    expect(messages.map((message) => message.text)).toEqual(['Price: 10€ only']);
  });

  it('when a sender splits an emoji (a UTF-16 surrogate pair) between two UCS-2 parts, then no item holds half of it', async () => {
    // Prepare: 😀 is D83D DE00; part 1 ends with D83D, part 2 starts with DE00.
    const { handle, items } = await handlerOnFreshTables();
    const octets = Buffer.from('Hi 😀 there', 'utf16le').swap16();
    const cut = Buffer.from('Hi ', 'utf16le').length + 2;
    const first = part(7, 2, 1, octets.subarray(0, cut), UCS2);
    // Act: part 2 first, as an SMSC may send them; part 1 stored alone ends with half the emoji.
    const statuses = [await handle(part(7, 2, 2, octets.subarray(cut), UCS2)), await handle(first)];
    // Assess: before, each part was stored as its own text, a lone surrogate at its edge, which
    // DynamoDB cannot store as UTF-8.
    const stored = await items();
    const halves = stored.flatMap((item) =>
      Object.entries(item).filter(([, value]) => typeof value === 'string' && LONE_SURROGATE.test(value)),
    );
    expect(statuses).toEqual([0, 0]);
    expect(halves.map(([name]) => name)).toEqual([]);
    expect(stored.filter((item) => item.kind === undefined).map((message) => message.text)).toEqual([
      'Hi 😀 there',
    ]);
  });

  it('when a sender sends an empty part, then the message is recorded from the others', async () => {
    // Prepare
    const { handle, items } = await handlerOnFreshTables();
    // Act
    const statuses = [
      await handle(part(9, 2, 1, Buffer.from('Only this', 'latin1'))),
      await handle(part(9, 2, 2, Buffer.alloc(0))),
    ];
    // Assess
    const messages = (await items()).filter((item) => item.kind === undefined);
    expect(statuses).toEqual([0, 0]);
    expect(messages.map((message) => message.text)).toEqual(['Only this']);
  });
});
