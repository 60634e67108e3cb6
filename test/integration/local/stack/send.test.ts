import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '#core/callbacks/signature.ts';
import type { ReceiptEvent, ReceivedMessage } from '#local/smsc-simulator/index.ts';
import { waitUntil } from '#test/helpers/wait.ts';
import { bodyOf, type MessageBody, useLocalStack } from './stack-fixture.ts';

// Single sends end to end: HTTP → API → DynamoDB + SQS → bind-service → simulator → receipt →
// DynamoDB → GET, and the status consumer's events and signed callbacks from the table's stream.

interface Accepted {
  id: string;
  status: string;
  encoding: string;
  parts: number;
}

/** The simulator's record of the message sent to this destination (digits, no '+'). */
function simulated(messages: readonly ReceivedMessage[], destination: string): ReceivedMessage[] {
  return messages.filter((message) => message.destination === destination.replace(/^\+/, ''));
}

describe('single sends on the local stack', () => {
  const fixture = useLocalStack();

  it('when a message is POSTed, then it is delivered within 5 s with cost, parts and mcc/mnc from the receipt', async () => {
    // Prepare
    const to = '+79991234567';
    // Act
    const response = await fixture.post('/v1/messages', { to, text: 'Привет' });
    const accepted = await bodyOf<Accepted>(response);
    const message = await fixture.settled(accepted.id, 5_000);
    // Assess
    expect(response.status).toBe(202);
    expect(accepted).toMatchObject({ status: 'accepted', encoding: 'ucs2', parts: 1 });
    expect(message).toMatchObject({
      status: 'delivered',
      parts: 1,
      cost: '1.5000',
      mccmnc: '25001',
      error: null,
      report: { messageType: 'sms', parts: 1, submittedParts: 1, deliveredParts: 1 },
    });
    expect(message.smscIds).toHaveLength(1);
    expect(message.history.map((change) => change.status)).toEqual([
      'accepted',
      'submitting',
      'submitted',
      'delivered',
    ]);
    expect(simulated(fixture.sim.messages, to).map((m) => m.text)).toEqual(['Привет']);
  });

  it('when a long Cyrillic text is sent, then it goes as parts and comes back as one receipt', async () => {
    // Prepare
    const to = '+79991234501';
    const text = 'Длинное сообщение на русском языке, которое не помещается в одну часть. '.repeat(3);
    const receiptsFor = new Map<string, number>();
    // First attempts only: a receipt the bind-service could not store yet is sent again, still one receipt.
    const countReceipt = (event: ReceiptEvent) => {
      if (event.attempt === 1) receiptsFor.set(event.messageId, (receiptsFor.get(event.messageId) ?? 0) + 1);
    };
    fixture.sim.on('receipt-sent', countReceipt);
    // Act
    const accepted = await bodyOf<Accepted>(await fixture.post('/v1/messages', { to, text }));
    const message = await fixture.settled(accepted.id, 5_000);
    fixture.sim.off('receipt-sent', countReceipt);
    // Assess
    expect(accepted.parts).toBe(4);
    expect(message).toMatchObject({ status: 'delivered', parts: 4, cost: '6.0000', mccmnc: '25001' });
    const [sent] = simulated(fixture.sim.messages, to);
    expect(sent).toMatchObject({ text, parts: 4, dataCoding: 8 });
    const submits = fixture.sim.submissions.filter((submit) => submit.destination === '79991234501');
    expect(submits.map((submit) => submit.concat?.index)).toEqual([1, 2, 3, 4]);
    expect(message.smscIds).toHaveLength(1);
    expect(receiptsFor.get(message.smscIds[0] ?? '')).toBe(1);
  });

  const kinds = [
    { kind: 'sms', to: '+79991230001', fields: { text: 'Hi', comment: 'for history' }, sent: 'Hi' },
    { kind: 'flash', to: '+79991230002', fields: { text: 'Flash!' }, sent: 'Flash!' },
    {
      kind: 'mail',
      to: 'someone@example.com',
      fields: { text: 'Hi', subject: 'Report' },
      sent: '__MAIL__: Hi\nsubj:Report',
    },
    {
      kind: 'call',
      to: '+79991230003',
      fields: { text: 'Your code is 1234', voice: 'w' },
      sent: '__CALL__: Your code is 1234\nvoice:w',
    },
    { kind: 'viber', to: '+79991230004', fields: { text: 'Hi' }, sent: '__VIBER__: Hi' },
    { kind: 'soc', to: '+79991230005', fields: { text: 'Hi' }, sent: '__SOC__: Hi' },
    { kind: 'tgm', to: '+79991230006', fields: { text: '1234' }, sent: '__TGM__: 1234' },
    {
      kind: 'bot',
      to: '+79991230007',
      fields: { text: 'Hi', bot: 'my_test_bot' },
      sent: '__BOT__: Hi\nbot:@my_test_bot',
    },
    { kind: 'hlr', to: '+79991230008', fields: {}, sent: '__HLR__' },
    { kind: 'ping', to: '+79991230009', fields: {}, sent: '__PING__' },
  ];

  it.each(kinds)('when a $kind message is sent, then the simulator receives exactly "$sent"', async (c) => {
    // Act
    const response = await fixture.post('/v1/messages', { to: c.to, kind: c.kind, ...c.fields });
    const accepted = await bodyOf<Accepted>(response);
    const message = await fixture.settled(accepted.id, 5_000);
    // Assess
    expect(response.status).toBe(202);
    expect(message).toMatchObject({ kind: c.kind, status: 'delivered' });
    const received = fixture.sim.messages.filter(
      (m) => m.destination === c.to.replace(/^\+/, '') && m.kind === c.kind,
    );
    expect(received.map((m) => m.text)).toEqual([c.sent]);
    if (c.kind === 'sms') expect(received[0]?.comment).toBe('for history');
    if (c.kind === 'hlr') {
      expect(message.hlr).toMatchObject({ imsi: expect.any(String), mcc: '250', mnc: expect.any(String) });
    }
  });

  it('when a send is retried with the same Idempotency-Key, then one message is sent and the answer is replayed', async () => {
    // Prepare
    const to = '+79991234502';
    const request = { to, text: 'Once only', clientRef: 'retry-1' };
    const key = { 'idempotency-key': 'stack-retry-1' };
    // Act
    const first = await fixture.post('/v1/messages', request, key);
    const firstBody = await bodyOf<Accepted>(first);
    await fixture.settled(firstBody.id);
    const second = await fixture.post('/v1/messages', request, key);
    const secondBody = await bodyOf<Accepted>(second);
    // Assess
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(secondBody.id).toBe(firstBody.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const stored = await fixture.items(fixture.stack.tables.messages, 'MSG#');
    expect(stored.filter((item) => item.clientRef === 'retry-1')).toHaveLength(1);
    expect(simulated(fixture.sim.messages, to)).toHaveLength(1);
  });

  describe('status consumer', () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = [];
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    });
    let port = 0;
    beforeAll(
      () =>
        new Promise<void>((resolve) =>
          receiver.listen(0, '127.0.0.1', () => {
            port = (receiver.address() as AddressInfo).port;
            resolve();
          }),
        ),
    );
    afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

    it('when a message with a callback URL is delivered, then an event reaches the sink and a signed callback the receiver', async () => {
      // Prepare
      const to = '+79991234503';
      const callbackUrl = `http://127.0.0.1:${port}/hooks/sms`;
      // Act
      const accepted = await bodyOf<Accepted>(
        await fixture.post('/v1/messages', { to, text: 'Tell me', clientRef: 'cb-1', callbackUrl }),
      );
      await fixture.settled(accepted.id);
      await waitUntil(
        () => received.some((r) => JSON.parse(r.body).status === 'delivered'),
        5_000,
        'the delivered callback',
      );
      // Assess
      const events = fixture.events.events.filter((event) => event.id === accepted.id);
      expect(events.map((event) => [event.previousStatus, event.status])).toEqual([
        ['submitting', 'submitted'],
        ['submitted', 'delivered'],
      ]);
      expect(events[1]).toMatchObject({ to, clientRef: 'cb-1', cost: '1.5000', mccmnc: '25001', parts: 1 });
      const delivered = received.find((r) => JSON.parse(r.body).status === 'delivered');
      const signature = delivered?.headers['x-signature'];
      const timestamp = delivered?.headers['x-signature-timestamp'];
      expect(delivered?.headers['content-type']).toBe('application/json');
      expect(
        verifySignature(
          fixture.stack.callbackSecret,
          { signature: String(signature), timestamp: String(timestamp) },
          delivered?.body ?? '',
        ),
      ).toBe(true);
      expect(JSON.parse(delivered?.body ?? '{}') as MessageBody).toMatchObject({
        id: accepted.id,
        status: 'delivered',
        to,
      });
    });
  });
});
