import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { deriveMessageId } from '#bind-service/dispatch/intake/derived-id.ts';
import { HeldMessages } from '#bind-service/dispatch/intake/held-messages.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import {
  messageRecords,
  mobile,
  publishRaw,
  receiveAll,
  sendLikeApi,
  startRig,
  statusIs,
  useCleanup,
  waitForEmptyQueue,
  waitForRecord,
} from './fixtures.ts';
import { startPipelineRig } from './submit/pipeline-rig.ts';

const FINAL = statusIs('delivered', 'undelivered', 'expired', 'rejected', 'failed', 'unknown');

describe('bind-service dispatch: queue → SMSC → receipts (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when the API enqueues a message, then it is delivered with cost, parts and mcc/mnc from the receipt', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    // Act
    const id = await sendLikeApi(rig, { to: mobile(1), text: 'Hello from the queue', from: 'Shop' });
    const record = await waitForRecord(rig, id, statusIs('delivered'));
    // Assess
    expect(record).toMatchObject({ status: 'delivered', parts: 1, mccmnc: '25001' });
    expect(record.cost).toMatch(/^\d+\.\d+$/);
    expect(record.history.map((h) => h.status)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
    expect(record.smscIds).toHaveLength(1);
    expect(rig.simulator.messages).toHaveLength(1);
    expect(rig.simulator.messages[0]).toMatchObject({
      text: 'Hello from the queue',
      source: 'Shop',
      destination: '79990000001',
      parts: 1,
    });
    const [submit] = rig.simulator.submissions;
    expect(submit).toMatchObject({ registeredDelivery: 1, sourceTon: 5, destTon: 1, destNpi: 1 });
    // Relative validity 000001000000000R: one day after the SMSC received it.
    const validFor = Date.parse(submit?.validityPeriod ?? '') - (submit?.at ?? 0);
    expect(Math.abs(validFor - 86_400_000)).toBeLessThan(5_000);
    await waitForEmptyQueue(aws, rig.queues.urgent);
  });

  it('when a long Cyrillic text is sent, then its parts go out together and one receipt delivers it', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    const text =
      'Привет! Это длинное сообщение на русском языке, которое не помещается в одну часть. '.repeat(2);
    // Act
    const id = await sendLikeApi(rig, { to: mobile(2), text });
    const record = await waitForRecord(rig, id, statusIs('delivered'));
    // Assess
    expect(record).toMatchObject({ status: 'delivered', encoding: 'ucs2', parts: 3 });
    expect(rig.simulator.submissions).toHaveLength(3);
    expect(new Set(rig.simulator.submissions.map((s) => s.sessionId)).size).toBe(1);
    expect(rig.simulator.messages).toHaveLength(1);
    expect(rig.simulator.messages[0]).toMatchObject({ text, parts: 3, dataCoding: 8 });
    // The DELIVER_SM_RESP follows the state write, so the simulator may count it a moment later.
    await rig.simulator.waitFor(() => rig.simulator.stats.receiptsAcked >= 1, 5_000);
    expect(rig.simulator.stats.receiptsAcked).toBe(1);
  });

  it('when every kind is sent, then the SMSC receives exactly its marked-up text', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    const cases = [
      { input: { to: mobile(10), text: 'Plain', comment: 'for history' }, text: 'Plain', kind: 'sms' },
      { input: { to: mobile(11), kind: 'flash', text: 'Flash!' }, text: 'Flash!', kind: 'flash' },
      {
        input: { to: 'user@example.com', kind: 'mail', text: 'Mail body', subject: 'Hello' },
        text: '__MAIL__: Mail body\nsubj:Hello',
        kind: 'mail',
      },
      {
        input: { to: mobile(12), kind: 'call', text: 'Call me', voice: 'w2' },
        text: '__CALL__: Call me\nvoice:w2',
        kind: 'call',
      },
      { input: { to: mobile(13), kind: 'viber', text: 'Hi' }, text: '__VIBER__: Hi', kind: 'viber' },
      { input: { to: mobile(14), kind: 'soc', text: 'Hi' }, text: '__SOC__: Hi', kind: 'soc' },
      { input: { to: mobile(15), kind: 'tgm', text: '123456' }, text: '__TGM__: 123456', kind: 'tgm' },
      {
        input: { to: mobile(16), kind: 'bot', text: 'Hi', bot: 'shop_bot' },
        text: '__BOT__: Hi\nbot:@shop_bot',
        kind: 'bot',
      },
      { input: { to: mobile(17), kind: 'hlr' }, text: '__HLR__', kind: 'hlr' },
      { input: { to: mobile(18), kind: 'ping' }, text: '__PING__', kind: 'ping' },
    ] as const;
    // Act
    const ids = [];
    for (const { input } of cases) ids.push(await sendLikeApi(rig, input));
    await Promise.all(ids.map((id) => waitForRecord(rig, id, FINAL)));
    // Assess
    for (const { input, text, kind } of cases) {
      const destination = input.to.replace(/^\+/, '');
      const received = rig.simulator.messages.find((m) => m.destination === destination);
      expect(received, `${kind} reached the SMSC`).toMatchObject({ text, kind });
    }
    expect(rig.simulator.messages.find((m) => m.kind === 'sms')?.comment).toBe('for history');
  });

  it('when another service publishes a message without id, then a record is created for it and delivered', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    // Act
    await publishRaw(aws, rig.queues.bulk, JSON.stringify({ v: 1, to: mobile(3), text: 'Straight to SQS' }));
    await rig.simulator.waitFor(() => rig.simulator.stats.receiptsAcked === 1, 8_000);
    await waitForEmptyQueue(aws, rig.queues.bulk);
    // Assess
    const records = await messageRecords(aws, rig.tables.messages);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      status: 'delivered',
      to: mobile(3),
      priority: 'bulk',
      text: 'Straight to SQS',
    });
    expect(records[0]?.smscIds).toEqual(rig.simulator.messages[0]?.messageIds);
  });

  it('when a queue message is not JSON, then it goes to the lane’s dead-letter queue and leaves its queue', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    // Act
    await publishRaw(aws, rig.queues.urgent, '{"v":1, "to": ');
    const [dead] = await receiveAll(aws, rig.queues.urgentDlq, 1);
    // Assess
    expect(dead?.Body).toBe('{"v":1, "to": ');
    expect(dead?.MessageAttributes?.errorCode?.StringValue).toBe('invalid_json');
    expect(dead?.MessageAttributes?.sourceLane?.StringValue).toBe('urgent');
    await waitForEmptyQueue(aws, rig.queues.urgent);
    expect(rig.simulator.stats.submits).toBe(0);
    expect(rig.logs.some((line) => JSON.stringify(line).includes('"to":'))).toBe(false);
  });

  it('when a queue message with an id breaks the schema, then its record is rejected and it is dead-lettered', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    const id = '01JZ0000000000000000000001';
    const body = JSON.stringify({ v: 1, id, to: 'not a number', text: 'Hi', clientRef: 'order-9' });
    // Act
    await publishRaw(aws, rig.queues.bulk, body);
    const record = await waitForRecord(rig, id, statusIs('rejected'));
    const [dead] = await receiveAll(aws, rig.queues.bulkDlq, 1);
    // Assess
    expect(record).toMatchObject({ status: 'rejected', clientRef: 'order-9', priority: 'bulk' });
    expect(record.error?.code).toBe('invalid_phone_number');
    expect(record.history.map((h) => h.status)).toEqual(['accepted', 'rejected']);
    expect(dead?.Body).toBe(body);
    expect(dead?.MessageAttributes).toMatchObject({
      errorCode: { StringValue: 'invalid_phone_number' },
      messageId: { StringValue: id },
    });
    await waitForEmptyQueue(aws, rig.queues.bulk);
    expect(rig.simulator.stats.submits).toBe(0);
  });

  it('when the SMSC never answers a submit, then the message ends unknown and is not sent again', async () => {
    // Prepare
    const rig = await startRig(aws, defer, { env: { SMPP_RESPONSE_TIMEOUT_SECONDS: '0.5' } });
    rig.simulator.fault({ type: 'no-answer', count: 1 });
    // Act
    const id = await sendLikeApi(rig, { to: mobile(4), text: 'Lost answer' });
    const record = await waitForRecord(rig, id, statusIs('unknown'));
    await waitForEmptyQueue(aws, rig.queues.urgent);
    // Assess
    expect(record.error).toMatchObject({ code: 'submit_unconfirmed' });
    expect(rig.simulator.stats.submits).toBe(1);
    expect(rig.service.health().unknown).toBe(1);
  });

  it('when a redelivered message was already claimed, then it is deleted, not sent, and marked unknown', async () => {
    // Prepare: an earlier worker claimed it, then died before the SMSC's answer was recorded.
    const rig = await startRig(aws, defer);
    // Act
    const id = await sendLikeApi(
      rig,
      { to: mobile(5), text: 'Claimed elsewhere' },
      { lane: 'bulk', beforePublish: (claimed) => rig.messages.claimForSubmit(claimed) },
    );
    await waitForEmptyQueue(aws, rig.queues.bulk);
    // Assess
    const record = await waitForRecord(rig, id, statusIs('unknown'));
    expect(record.error?.description).toMatch(/delivered the message again/);
    expect(rig.simulator.stats.submits).toBe(0);
    expect(rig.service.stats.redeliveriesDeleted).toBe(1);
  });

  // The submit pipeline on its own, fed real SQS deliveries: SQS's at-least-once delivery is
  // reproduced by receiving one message twice (the first receipt's visibility set back to 0).
  describe('submit pipeline: SQS redeliveries', () => {
    async function pipelineRig() {
      const { tables, queues, simulator, messages, pipeline, bulk, stats } = await startPipelineRig(
        aws,
        defer,
      );
      const held = new HeldMessages();
      /** One delivery of the queue's next message, as the lane would hold it. */
      const receive = async () => {
        const [message] = await bulk.receive(1, 1);
        if (!message) throw new Error('no message to receive');
        const holding = held.hold(message, 300);
        if (!holding) throw new Error('already held');
        held.release(holding);
        return holding;
      };
      /** Makes the received message visible again at once: SQS will deliver it a second time. */
      const redeliver = (receiptHandle: string) =>
        aws.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queues.bulk,
            ReceiptHandle: receiptHandle,
            VisibilityTimeout: 0,
          }),
        );
      return { tables, queues, simulator, messages, pipeline, receive, redeliver, stats };
    }

    it('when a message without id is delivered twice, then one record is made and it is sent once', async () => {
      // Prepare
      const rig = await pipelineRig();
      await publishRaw(
        aws,
        rig.queues.bulk,
        JSON.stringify({ v: 1, to: mobile(20), text: 'Twice delivered' }),
      );
      const first = await rig.receive();
      await rig.redeliver(first.receiptHandle);
      const second = await rig.receive();
      // Act
      await rig.pipeline.process(first);
      await rig.pipeline.process(second);
      // Assess
      expect(second.sqsMessageId).toBe(first.sqsMessageId);
      const id = deriveMessageId(first.sqsMessageId, first.sentTimestampMs);
      const record = await waitForRecord(rig, id, statusIs('delivered'));
      expect(record.history.map((h) => h.status)).toEqual([
        'accepted',
        'submitting',
        'submitted',
        'delivered',
      ]);
      expect(await messageRecords(aws, rig.tables.messages)).toHaveLength(1);
      expect(rig.simulator.stats.submits).toBe(1);
      expect(rig.stats.redeliveriesDeleted).toBe(1);
      await waitForEmptyQueue(aws, rig.queues.bulk);
    });

    it('when a message already delivered comes back from SQS, then it is deleted and its state kept', async () => {
      // Prepare
      const rig = await pipelineRig();
      await publishRaw(aws, rig.queues.bulk, JSON.stringify({ v: 1, to: mobile(21), text: 'Sent already' }));
      const first = await rig.receive();
      await rig.redeliver(first.receiptHandle);
      await rig.pipeline.process(first);
      const id = deriveMessageId(first.sqsMessageId, first.sentTimestampMs);
      await waitForRecord(rig, id, statusIs('delivered'));
      // Act
      await rig.pipeline.process(await rig.receive());
      // Assess
      expect((await rig.messages.get(id))?.status).toBe('delivered');
      expect(rig.simulator.stats.submits).toBe(1);
      await waitForEmptyQueue(aws, rig.queues.bulk);
    });
  });
});
