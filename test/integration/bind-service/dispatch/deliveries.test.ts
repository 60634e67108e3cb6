import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { deliveryHandler } from '#bind-service/dispatch/deliveries/delivery-handler.ts';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import { bindServiceLogger } from '#bind-service/logger.ts';
import type { DeliverSm } from '#bind-service/smpp/index.ts';
import {
  InboundDeliveryStore,
  type InboundPartInput,
  type StorePartResult,
} from '#core/aws/inbound/inbound-delivery-store.ts';
import { InboundRepository } from '#core/aws/inbound/inbound-repository.ts';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { TableNames } from '#core/aws/resources/resource-definitions.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { createTables } from '#local/resources.ts';
import { SmscSimulator } from '#local/smsc-simulator/index.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { within } from '#test/helpers/wait.ts';
import { messageRecord } from '../../core/aws/factories.ts';
import {
  ACCOUNT,
  mobile,
  receivingClient,
  sendLikeApi,
  startRig,
  statusIs,
  useCleanup,
  waitForRecord,
} from './fixtures.ts';

describe('bind-service deliveries: receipts and incoming messages (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  async function inboundItems(table: string): Promise<Record<string, unknown>[]> {
    const { Items } = await aws.document.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    return Items ?? [];
  }

  it('when a receipt cannot be stored, then it is answered ESME_RX_T_APPN, sent again, and stored then', async () => {
    // Prepare: the handler points at tables that do not exist yet, so its first write really fails.
    const prefix = `t${newMessageId().slice(-8).toLowerCase()}`;
    const tables = { messages: `${prefix}-messages`, inbound: `${prefix}-inbound` };
    const simulator = new SmscSimulator({
      accounts: [{ ...ACCOUNT, rate: 0 }],
      receiptDelayMs: 10,
      receiptRetryMs: 300,
    });
    await simulator.listen(0);
    defer(() => simulator.close());
    const { client, messages } = receivingClient(aws, simulator, tables);
    const answers: number[] = [];
    client.on('deliver', (event) => answers.push(event.commandStatus));
    await client.start();
    defer(() => client.stop({ drainTimeoutMs: 200 }));
    const refused = within(
      client.once('deliver', (e) => e.commandStatus === 0x64),
      5_000,
      'a refused receipt',
    );
    const outcome = await client.submit({
      source_addr: 'Shop',
      source_addr_ton: 5,
      source_addr_npi: 0,
      destination_addr: '79990000031',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      esm_class: 0,
      data_coding: 0,
      short_message: Buffer.from('Receipt me', 'latin1'),
      registered_delivery: 1,
    });
    const smscId = outcome.kind === 'accepted' ? outcome.messageId : 'none';
    await refused;
    // Act: storage comes back; the SMSC's next attempt must be stored and acknowledged.
    await createTables({ endpoint: aws.dynamoEndpoint, prefix, region: aws.region });
    await simulator.waitFor(() => simulator.stats.receiptsAcked === 1, 8_000);
    // Assess: it was parked as a receipt for an unknown id, and reconciles when its message is recorded.
    expect(answers[0]).toBe(0x64);
    expect(answers.at(-1)).toBe(0);
    expect(simulator.stats.receiptRetries).toBeGreaterThanOrEqual(1);
    const id = newMessageId();
    await messages.createAccepted(messageRecord({ id, to: '+79990000031' }));
    await messages.claimForSubmit(id);
    const { reconciledReceipts } = await messages.markSubmitted(id, [smscId]);
    expect(reconciledReceipts).toBe(1);
    expect((await messages.get(id))?.status).toBe('delivered');
  });

  it('when a single-part incoming message arrives, then it is stored in the inbound table before its answer', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    // Act
    const statuses = await rig.simulator.injectMo({
      systemId: ACCOUNT.systemId,
      from: '+79990001122',
      to: 'Shop',
      text: 'STOP',
    });
    // Assess
    expect(statuses).toEqual([0]);
    const items = await inboundItems(rig.tables.inbound);
    expect(items).toHaveLength(1);
    // A deployment without SMPP_ACCOUNTS has one account, `default`: its messages name it too.
    expect(items[0]).toMatchObject({
      from: '+79990001122',
      to: 'Shop',
      text: 'STOP',
      parts: 1,
      account: 'default',
    });
  });

  it('when a long incoming message arrives in parts, then one assembled message is stored and its assembly is marked recorded', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    const text = `Hello, this is a long reply from a subscriber. ${'It goes on and on. '.repeat(20)}The end.`;
    // Act: the simulator pipelines every part at once, like an SMSC.
    const statuses = await rig.simulator.injectMo({
      systemId: ACCOUNT.systemId,
      from: '+79990001123',
      to: '79990000100',
      text,
    });
    // Assess
    expect(statuses.length).toBeGreaterThan(2);
    expect(statuses.every((status) => status === 0)).toBe(true);
    const items = await inboundItems(rig.tables.inbound);
    const messages = items.filter((item) => item.kind === undefined);
    const assemblies = items.filter((item) => item.kind === 'mo-parts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      from: '+79990001123',
      to: '+79990000100',
      text,
      parts: statuses.length,
      account: 'default',
    });
    // Kept for the assembly window, so a part the SMSC sends again is known as recorded.
    expect(assemblies).toEqual([
      expect.objectContaining({ assemblyId: messages[0]?.id, finished: expect.any(String) }),
    ]);
    expect(rig.service.stats.incoming).toMatchObject({ messages: 1, parts: statuses.length, refused: 0 });
  });

  it('when a receipt cannot be parsed, then its raw text is kept in the inbound table and it is acknowledged', async () => {
    // Prepare
    const tables = await aws.freshTables();
    const lines: string[] = [];
    const handler = deliveryHandler({
      account: 'eu',
      receipts: new MessageRepository(aws.document, tables.messages),
      inbound: new InboundRepository(aws.document, tables.inbound),
      parts: new InboundDeliveryStore(aws.document, tables.inbound),
      isoMode: false,
      stats: emptyStats(),
      log: bindServiceLogger('info', (line) => lines.push(line)),
    });
    const garbled: DeliverSm = {
      sequenceNumber: 7,
      esmClass: 0x04,
      dataCoding: 0,
      registeredDelivery: 0,
      source: { addr: '79990000040', ton: 1, npi: 1 },
      destination: { addr: 'Shop', ton: 5, npi: 0 },
      shortMessage: Buffer.from('status report without any id', 'latin1'),
      providerTlvs: {},
      isReceipt: true,
    };
    // Act
    const answer = await handler(garbled);
    // Assess
    expect(answer).toBe(0);
    const items = await inboundItems(tables.inbound);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'unparsed-receipt',
      text: 'status report without any id',
      from: '+79990000040',
      account: 'eu',
    });
    expect(lines.join('\n')).not.toContain('79990000040');
  });

  it('when a receipt arrives for a message being delivered, then the record ends delivered (end to end)', async () => {
    // Prepare
    const rig = await startRig(aws, defer, { simulator: { receiptDelayMs: 0 } });
    // Act: the receipt may come before the SUBMIT_SM_RESP is recorded; it is parked, then applied.
    const id = await sendLikeApi(rig, { to: mobile(41), text: 'Fast receipt' });
    const record = await waitForRecord(rig, id, statusIs('delivered'));
    // Assess
    expect(record.status).toBe('delivered');
    expect(rig.service.stats.receipts.refused).toBe(0);
  });

  // The durable part store behind long incoming messages: each part is stored before its answer,
  // and exactly the write that adds the last missing part sees the message complete.
  describe('InboundDeliveryStore: parts of long incoming messages', () => {
    let tables: TableNames;
    let nowMs: number;
    let store: InboundDeliveryStore;

    beforeEach(async () => {
      tables = await aws.freshTables();
      nowMs = Date.parse('2030-01-01T00:00:00.000Z');
      store = new InboundDeliveryStore(aws.document, tables.inbound, {
        clock: () => new Date(nowMs),
        assemblyWindowMs: 60_000,
      });
    });

    const part = (
      index: number,
      text: string,
      overrides: Partial<InboundPartInput> = {},
    ): InboundPartInput => ({
      from: '+79990001122',
      to: 'Shop',
      reference: 17,
      total: 3,
      index,
      payload: { octets: Buffer.from(text, 'latin1'), dataCoding: 0 },
      receivedAt: new Date(nowMs).toISOString(),
      ...overrides,
    });

    /** The parts of a completed assembly as the texts they were made of. */
    const texts = (result: StorePartResult) =>
      result.complete
        ? result.parts.map((stored) =>
            typeof stored === 'string' ? stored : Buffer.from(stored.octets).toString('latin1'),
          )
        : undefined;

    it('when the parts arrive out of order, then only the last one completes it, with the texts in order', async () => {
      // Act
      const third = await store.storePart(part(3, 'C'));
      const first = await store.storePart(part(1, 'A'));
      const second = await store.storePart(part(2, 'B'));
      // Assess
      expect(third.complete).toBe(false);
      expect(first.complete).toBe(false);
      expect(texts(second)).toEqual(['A', 'B', 'C']);
    });

    it('when a part is delivered twice, then it is stored once and the completion id stays the same', async () => {
      // Prepare
      await store.storePart(part(1, 'A'));
      await store.storePart(part(2, 'B'));
      // Act
      const done = await store.storePart(part(3, 'C'));
      const again = await store.storePart(part(3, 'C'));
      // Assess
      expect(done.complete && again.complete && again.id === done.id).toBe(true);
    });

    it('when all parts come at once, then at least one write sees the message complete and all agree on its id', async () => {
      // Act
      const results = await Promise.all(
        [part(1, 'A'), part(2, 'B'), part(3, 'C')].map((p) => store.storePart(p)),
      );
      // Assess
      const complete = results.filter((r) => r.complete);
      expect(complete.length).toBeGreaterThanOrEqual(1);
      expect(new Set(complete.map((r) => (r.complete ? r.id : ''))).size).toBe(1);
    });

    it('when a finished assembly is removed, then the same reference starts a new message', async () => {
      // Prepare
      await store.storePart(part(1, 'A', { total: 2 }));
      const done = await store.storePart(part(2, 'B', { total: 2 }));
      if (!done.complete) throw new Error('expected a complete message');
      // Act
      await store.finishAssembly(done.key, done.id);
      const next = await store.storePart(part(1, 'X', { total: 2 }));
      const last = await store.storePart(part(2, 'Y', { total: 2 }));
      // Assess
      expect(next.complete).toBe(false);
      expect(texts(last)).toEqual(['X', 'Y']);
      expect(last.complete && last.id !== done.id).toBe(true);
    });

    it('when the parts of a recorded message come again within the window (their answers were lost), then they are known as recorded and start nothing', async () => {
      // Prepare
      await store.storePart(part(1, 'A', { total: 2 }));
      const done = await store.storePart(part(2, 'B', { total: 2 }));
      if (!done.complete) throw new Error('expected a complete message');
      await store.finishAssembly(done.key, done.id);
      nowMs += 30_000;
      // Act
      const again = [
        await store.storePart(part(1, 'A', { total: 2 })),
        await store.storePart(part(2, 'B', { total: 2 })),
      ];
      // Assess: before, they made a new assembly, completed again under a new id.
      expect(again).toEqual([
        { complete: false, duplicate: true },
        { complete: false, duplicate: true },
      ]);
    });

    it('when a part comes long after the others of its unfinished assembly (the bind was down), then it joins them and completes the message', async () => {
      // Prepare: part 1 of 2 stored (and acknowledged); part 2 comes well after the window.
      const started = await store.storePart(part(1, 'A', { total: 2 }));
      nowMs += 120_000;
      // Act
      const late = await store.storePart(part(2, 'B', { total: 2 }));
      // Assess: before, part 1 was dropped and part 2 began an assembly that could never finish.
      expect(started.complete).toBe(false);
      expect(texts(late)).toEqual(['A', 'B']);
    });

    it('when a part comes for a slot of an unfinished assembly that holds other octets, then the assembly starts over with it and the parts held are reported dropped', async () => {
      // Prepare: part 2 of an old message, whose part 1 never came.
      await store.storePart(part(2, 'old', { total: 2 }));
      nowMs += 120_000;
      // Act: a new message reusing the reference, its part 2 first.
      const second = await store.storePart(part(2, 'new-2', { total: 2 }));
      const first = await store.storePart(part(1, 'new-1', { total: 2 }));
      // Assess
      expect(second).toEqual({ complete: false, dropped: { parts: 1, total: 2 } });
      expect(texts(first)).toEqual(['new-1', 'new-2']);
    });

    it('when the parts of a new message reusing the reference come at once hours after an unfinished one’s latest part, then they start over together and complete with their own texts', async () => {
      // Prepare: part 1 of an old message whose part 2 never came.
      await store.storePart(part(1, 'old', { total: 2 }));
      nowMs += 3 * 3_600_000;
      // Act: the new message's parts on two binds at once; both meet the stale assembly.
      const results = await Promise.all([
        store.storePart(part(2, 'new-2', { total: 2 })),
        store.storePart(part(1, 'new-1', { total: 2 })),
      ]);
      // Assess: one start-over lands, the other part joins it; the old part is dropped once.
      const complete = results.filter((result) => result.complete);
      expect(complete.map(texts)).toEqual([['new-1', 'new-2']]);
      expect(results.filter((result) => !result.complete && result.dropped)).toHaveLength(1);
    });

    it('when an assembly was written by the version before (a part as text, no revision), then a new part completes it under its id', async () => {
      // Prepare
      await aws.document.send(
        new PutCommand({
          TableName: tables.inbound,
          Item: {
            pk: 'IN#PARTS#%2B79990001122#Shop#2#17',
            kind: 'mo-parts',
            total: 2,
            assemblyId: 'legacy-id',
            startedAt: new Date(nowMs - 600_000).toISOString(),
            expiresAt: Math.floor(nowMs / 1000) + 3600,
            p1: 'A',
          },
        }),
      );
      // Act
      const done = await store.storePart(part(2, 'B', { total: 2 }));
      // Assess
      expect(texts(done)).toEqual(['A', 'B']);
      expect(done.complete && done.id).toBe('legacy-id');
    });

    it('when the parts of a recorded message come again at once, then each is known as recorded and nothing starts', async () => {
      // Prepare
      await store.storePart(part(1, 'A'));
      await store.storePart(part(2, 'B'));
      const done = await store.storePart(part(3, 'C'));
      if (!done.complete) throw new Error('expected a complete message');
      await store.finishAssembly(done.key, done.id);
      // Act: as after a bind dropped with all three answers unsent, on two binds at once.
      const again = await Promise.all(
        [part(1, 'A'), part(2, 'B'), part(3, 'C')].map((p) => store.storePart(p)),
      );
      const after = await aws.document.send(
        new GetCommand({ TableName: tables.inbound, Key: { pk: done.key }, ConsistentRead: true }),
      );
      // Assess: all held, and held all, cleared; still the recorded assembly.
      expect(again).toEqual(Array(3).fill({ complete: false, duplicate: true }));
      expect(after.Item).toMatchObject({ assemblyId: done.id, finished: expect.any(String) });
      expect(after.Item?.held).toBeUndefined();
    });

    it('when a receipt cannot be parsed, then it is kept raw under its own key', async () => {
      // Act
      const id = await store.recordUnparsedReceipt({
        from: '+79990001122',
        to: 'Shop',
        text: 'garbled',
        esmClass: 4,
        dataCoding: 0,
        receivedAt: new Date(nowMs).toISOString(),
      });
      // Assess
      const { Item } = await aws.document.send(
        new GetCommand({ TableName: tables.inbound, Key: { pk: `IN#RAW#${id}` } }),
      );
      expect(Item).toMatchObject({ kind: 'unparsed-receipt', text: 'garbled' });
    });
  });
});
