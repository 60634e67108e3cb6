import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { deliveryHandler } from '#bind-service/dispatch/deliveries/delivery-handler.ts';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import { bindServiceLogger } from '#bind-service/logger.ts';
import type { DeliverSm } from '#bind-service/smpp/index.ts';
import { InboundDeliveryStore } from '#core/aws/inbound/inbound-delivery-store.ts';
import { InboundRepository } from '#core/aws/inbound/inbound-repository.ts';
import { DEFAULT_ACCOUNT_NAME } from '#core/domain/accounts/account.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';

// Long incoming messages through the real delivery handler and inbound stores on DynamoDB Local:
// what the subscriber wrote is what is stored, however the sender cut it into parts.

const ESC = 0x1b;
const UCS2 = 0x08;
/** A UTF-16 code unit without its pair: not Unicode text, so not a string DynamoDB keeps as sent. */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Every DELIVER_SM its own sequence number, as an SMSC numbers them. */
let sequence = 0;
/** A part of 8-bit text (GSM septets as written, plain ASCII here). */
const textPart = (reference: number, total: number, index: number, text: string) =>
  part(reference, total, index, Buffer.from(text, 'latin1'));
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** One part of a message with an 8-bit concatenation UDH: GSM as unpacked septets, UCS-2 as UTF-16BE. */
function part(reference: number, total: number, index: number, payload: Buffer, dataCoding = 0): DeliverSm {
  const udh = Buffer.from([0x05, 0x00, 0x03, reference, total, index]);
  return {
    sequenceNumber: ++sequence,
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
    return handlerOn(await aws.freshTables());
  }

  /** A login's handler, wired as the bind-service wires it: its parts keyed by account unless default. */
  function handlerOn(tables: { inbound: string }, account: string = DEFAULT_ACCOUNT_NAME) {
    // A clock of its own, so a test can let the bind be down for minutes.
    let nowMs = Date.parse('2030-01-01T00:00:00.000Z');
    const clock = () => new Date(nowMs);
    const lines: Record<string, unknown>[] = [];
    const stats = emptyStats();
    const scope = account === DEFAULT_ACCOUNT_NAME ? {} : { smscScope: account };
    const partsScope = account === DEFAULT_ACCOUNT_NAME ? {} : { partsScope: account };
    const handle = deliveryHandler({
      account,
      receipts: { applyReceipt: async () => 'applied' },
      inbound: new InboundRepository(aws.document, tables.inbound, { clock, ...scope }),
      parts: new InboundDeliveryStore(aws.document, tables.inbound, { clock, ...partsScope }),
      isoMode: false,
      stats,
      log: bindServiceLogger('info', (line) => lines.push(JSON.parse(line))),
      clock,
    });
    const items = async () => {
      const { Items = [] } = await aws.document.send(
        new ScanCommand({ TableName: tables.inbound, ConsistentRead: true }),
      );
      return Items;
    };
    /** The texts of the incoming messages stored (items without `kind`), sorted. */
    const texts = async () =>
      (await items())
        .filter((item) => item.kind === undefined)
        .map((item) => String(item.text))
        .sort();
    const dropLines = () =>
      lines.filter((line) => String(line.msg).startsWith('incoming long message dropped'));
    return { handle, items, texts, lines, dropLines, stats, advance: (ms: number) => (nowMs += ms) };
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

  it('when part 2 of 2 comes 11 minutes after part 1 (the bind was down, the SMSC held it), then the message is stored whole', async () => {
    // Prepare
    const { handle, texts, dropLines, advance } = await handlerOnFreshTables();
    const first = await handle(textPart(42, 2, 1, 'Please call me '));
    advance(11 * MINUTE);
    // Act
    const second = await handle(textPart(42, 2, 2, 'back tomorrow'));
    // Assess: before, part 1 was deleted as too old and part 2 waited for it until its TTL.
    expect([first, second]).toEqual([0, 0]);
    expect(await texts()).toEqual(['Please call me back tomorrow']);
    expect(dropLines()).toEqual([]);
  });

  it('when parts 2 and 3 of 3 come 11 minutes after part 1, then the message is stored whole and nothing is reported dropped', async () => {
    // Prepare
    const { handle, items, dropLines, advance } = await handlerOnFreshTables();
    const statuses = [await handle(textPart(7, 3, 1, 'one '))];
    advance(11 * MINUTE);
    // Act
    statuses.push(await handle(textPart(7, 3, 2, 'two ')), await handle(textPart(7, 3, 3, 'three')));
    // Assess: before, part 1 was reported dropped and parts 2 and 3 vanished silently by TTL.
    expect(statuses).toEqual([0, 0, 0]);
    const messages = (await items()).filter((item) => item.kind === undefined);
    expect(messages).toEqual([expect.objectContaining({ text: 'one two three', parts: 3 })]);
    expect(dropLines()).toEqual([]);
  });

  it('when a new long message reuses the reference 30 hours after an unfinished one (past its TTL, not yet deleted), then its own parts are recorded', async () => {
    // Prepare: part 2 of a message whose part 1 never came (lost before the SMSC).
    const { handle, items, texts, dropLines, advance } = await handlerOnFreshTables();
    expect(await handle(textPart(7, 2, 2, 'and see you on Monday'))).toBe(0);
    const nowMs = advance(30 * HOUR);
    const [leftover] = await items();
    // Past its TTL, yet still there, as on AWS, which deletes expired items days late at times.
    expect(Number(leftover?.expiresAt) * 1000).toBeLessThan(nowMs);
    // Act: the same subscriber sends a new long message reusing reference 7, in order.
    const statuses = [
      await handle(textPart(7, 2, 1, 'Cancel my order 1042 ')),
      await handle(textPart(7, 2, 2, 'and refund the payment')),
    ];
    // Assess: before, part 1 filled the leftover's empty slot and was recorded with the old part 2,
    // and the real part 2 began an assembly that never completed.
    expect(statuses).toEqual([0, 0]);
    expect(await texts()).toEqual(['Cancel my order 1042 and refund the payment']);
    expect(dropLines()).toEqual([]);
  });

  it('when a second long message reuses the reference and opens with the same part within the window, then both are stored', async () => {
    // Prepare: a templated opening, and a sender with a fixed reference.
    const { handle, texts, advance } = await handlerOnFreshTables();
    const head = 'Order 1042: the courier can come to the address on file at ';
    const statuses = [await handle(textPart(0, 2, 1, head)), await handle(textPart(0, 2, 2, '3 pm.'))];
    advance(3 * MINUTE);
    // Act
    statuses.push(
      await handle(textPart(0, 2, 1, head)),
      await handle(textPart(0, 2, 2, 'NOT at 3 pm, at 6 pm.')),
    );
    // Assess: before, the second message's part 1 was taken for the first's sent again and discarded.
    expect(statuses).toEqual([0, 0, 0, 0]);
    expect(await texts()).toEqual([`${head}3 pm.`, `${head}NOT at 3 pm, at 6 pm.`].sort());
  });

  it('when every part of a recorded message comes again within the window (answers lost), then no second message is stored', async () => {
    // Prepare
    const { handle, texts, stats, advance } = await handlerOnFreshTables();
    await handle(textPart(5, 2, 1, 'Hello '));
    await handle(textPart(5, 2, 2, 'there'));
    advance(MINUTE);
    // Act
    const again = [await handle(textPart(5, 2, 2, 'there')), await handle(textPart(5, 2, 1, 'Hello '))];
    // Assess
    expect(again).toEqual([0, 0]);
    expect(await texts()).toEqual(['Hello there']);
    expect(stats.incoming.messages).toBe(1);
  });

  it('when one part of a recorded message comes again and nothing follows, then nothing new is stored, even after the window', async () => {
    // Prepare
    const { handle, items, texts, stats, advance } = await handlerOnFreshTables();
    await handle(textPart(6, 2, 1, 'Hello '));
    await handle(textPart(6, 2, 2, 'there'));
    advance(MINUTE);
    // Act
    const again = await handle(textPart(6, 2, 2, 'there'));
    advance(30 * MINUTE);
    // Assess: only items without `kind` are incoming messages, the only ones the stream publishes.
    expect(again).toBe(0);
    expect(await texts()).toEqual(['Hello there']);
    expect((await items()).filter((item) => item.kind !== undefined).map((item) => item.kind)).toEqual([
      'mo-parts',
    ]);
    expect(stats.incoming.messages).toBe(1);
  });

  it('when a new message reusing the reference begins after a part of the recorded one came again, then its own part replaces that held one', async () => {
    // Prepare: part 2 of a recorded message comes again (held); a new message then begins.
    const { handle, texts, dropLines, advance } = await handlerOnFreshTables();
    for (const [index, text] of ['A1 ', 'A2 ', 'A3'].entries()) await handle(textPart(9, 3, index + 1, text));
    advance(MINUTE);
    await handle(textPart(9, 3, 2, 'A2 '));
    advance(MINUTE);
    // Act: its part 1 differs, so it is seeded with the held part 2, which its own part 2 replaces.
    const statuses = [
      await handle(textPart(9, 3, 1, 'B1 ')),
      await handle(textPart(9, 3, 2, 'B2 ')),
      await handle(textPart(9, 3, 3, 'B3')),
    ];
    // Assess: a different part 2 on a firm part would have started over and lost B1.
    expect(statuses).toEqual([0, 0, 0]);
    expect(await texts()).toEqual(['A1 A2 A3', 'B1 B2 B3']);
    expect(dropLines()).toEqual([]);
  });

  it("when part 3 of a recorded 3-part message comes again (its answer lost) and the sender's next message reuses the reference, then the next message is stored as sent, not glued to the old part 3", async () => {
    // Prepare: A recorded; its part 3 sent again (held); a minute later B, same reference, in order.
    const { handle, texts, advance } = await handlerOnFreshTables();
    for (const [index, text] of ['A1 ', 'A2 ', 'A3'].entries()) await handle(textPart(9, 3, index + 1, text));
    advance(MINUTE);
    await handle(textPart(9, 3, 3, 'A3'));
    advance(MINUTE);
    // Act
    const statuses = [
      await handle(textPart(9, 3, 1, 'B1 ')),
      await handle(textPart(9, 3, 2, 'B2 ')),
      await handle(textPart(9, 3, 3, 'B3')),
    ];
    // Assess: before, the held A3 was seeded into B and counted as its part 3, so B completed at B2
    // as "B1 B2 A3" (published), and the real B3 then began an assembly that never completed.
    expect(statuses).toEqual([0, 0, 0]);
    expect(await texts()).toEqual(['A1 A2 A3', 'B1 B2 B3']);
  });

  it("when a long message lost its part 2 and, hours later, the sender's next message reuses the reference with its part 2 first, then the two are not glued together", async () => {
    // Prepare: A's part 1 only (its part 2 never comes).
    const { handle, texts, dropLines, advance } = await handlerOnFreshTables();
    const statuses = [await handle(textPart(5, 2, 1, 'AAAA first half '))];
    advance(3 * HOUR);
    // Act: B's parts come out of order (part 2 first), as SMSCs may send them.
    statuses.push(await handle(textPart(5, 2, 2, 'b second half')));
    statuses.push(await handle(textPart(5, 2, 1, 'BBBB first half ')));
    // Assess: before, "AAAA first half b second half" was stored and published, and B's part 1
    // then began an assembly that never completed: B's own text was never recorded. A's part 1,
    // past the join horizon, is dropped with a warn line.
    expect(statuses).toEqual([0, 0, 0]);
    expect(await texts()).toEqual(['BBBB first half b second half']);
    expect(dropLines()).toEqual([
      expect.objectContaining({ level: 'warn', reference: 5, partsDropped: 1, total: 2 }),
    ]);
  });

  it('when a new message reusing the reference meets an unfinished one, then the old parts are dropped with a warn line that counts them, numbers masked', async () => {
    // Prepare: parts 1 and 3 of 3 stored; part 2 never comes.
    const { handle, texts, dropLines, advance } = await handlerOnFreshTables();
    await handle(textPart(11, 3, 1, 'old 1 '));
    await handle(textPart(11, 3, 3, 'old 3'));
    advance(2 * MINUTE);
    // Act
    for (const [index, text] of ['new 1 ', 'new 2 ', 'new 3'].entries()) {
      await handle(textPart(11, 3, index + 1, text));
    }
    // Assess
    expect(await texts()).toEqual(['new 1 new 2 new 3']);
    expect(dropLines()).toEqual([
      expect.objectContaining({ level: 'warn', reference: 11, partsDropped: 2, total: 3 }),
    ]);
    expect(JSON.stringify(dropLines())).not.toContain('79990001122');
  });

  it('when every part of a recorded 20-part message comes again at once (answers lost with the link), then no log line holds the number in clear', async () => {
    // Prepare: recorded; the parts' writes then race on the one assembly item.
    const { handle, lines } = await handlerOnFreshTables();
    const indexes = Array.from({ length: 20 }, (_, i) => i + 1);
    for (const index of indexes) await handle(textPart(3, 20, index, `part ${index} of a long reply `));
    // Act: the SMSC resends them all at once (at most three rounds, until one is refused).
    const rounds: number[][] = [];
    for (let round = 0; round < 3 && !rounds.flat().some((status) => status !== 0); round++) {
      rounds.push(
        await Promise.all(
          indexes.map((index) => handle(textPart(3, 20, index, `part ${index} of a long reply `))),
        ),
      );
    }
    // Assess: a part refused after losing every turn is fine (the SMSC sends it again); before, its
    // error quoted the assembly's key, the number in it URL-escaped (%2B…) and not masked.
    expect(rounds.flat().every((status) => status === 0 || status === 0x64)).toBe(true);
    expect(JSON.stringify(lines)).not.toContain('79990001122');
  });

  it('when two logins get the parts of a long message each with the same sender, recipient, count and reference at once, then each stores its own whole, nothing dropped', async () => {
    // Prepare: the default login and "eu" on one inbound table.
    const tables = await aws.freshTables();
    const main = handlerOn(tables);
    const eu = handlerOn(tables, 'eu');
    // Act: their parts interleaved, as two sessions deliver them.
    const statuses = [
      await main.handle(textPart(77, 2, 1, 'main 1 ')),
      await eu.handle(textPart(77, 2, 1, 'eu 1 ')),
      await main.handle(textPart(77, 2, 2, 'main 2')),
      await eu.handle(textPart(77, 2, 2, 'eu 2')),
    ];
    // Assess: before, they shared one assembly: eu's part 1 started it over (main's part 1 dropped),
    // and main's part 2 completed it as "eu 1 main 2".
    const stored = (await main.items()).filter((item) => item.kind === undefined);
    expect(statuses).toEqual([0, 0, 0, 0]);
    expect(Object.fromEntries(stored.map((item) => [item.text, item.account]))).toEqual({
      'main 1 main 2': DEFAULT_ACCOUNT_NAME,
      'eu 1 eu 2': 'eu',
    });
    expect([...main.dropLines(), ...eu.dropLines()]).toEqual([]);
  });
});
