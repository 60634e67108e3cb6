import { describe, expect, it } from 'vitest';
import { isMessageId } from '#core/domain/messages/message-id.ts';
import { MAX_COMMENT_LENGTH, MAX_TEXT_LENGTH } from '#core/domain/requests/message-schema.ts';
import { type AcceptedBody, jsonOf, problemOf, useApiHarness } from '#test/helpers/api/api-harness.ts';

// POST and GET /v1/messages through the real Node server, against DynamoDB Local and fauxqs.

const MOBILE = '+79991234567';

describe('API /v1/messages (Node server, DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();

  it('when an sms is posted, then it answers 202 with the id, encoding and parts, stores it accepted and puts it on the urgent queue', async () => {
    // Prepare
    const api = await harness.start();
    // Act
    const response = await api.post('/v1/messages', {
      to: '+7 999 123-45-67',
      text: 'Hello',
      clientRef: 'order-1',
    });
    // Assess
    expect(response.status).toBe(202);
    const body = await jsonOf<AcceptedBody>(response);
    expect(body).toEqual({ id: expect.any(String), status: 'accepted', encoding: 'gsm7', parts: 1 });
    expect(isMessageId(body.id)).toBe(true);
    expect(response.headers.get('location')).toBe(`/v1/messages/${body.id}`);
    const items = await harness.items(api.tables.messages, 'MSG#');
    expect(items).toEqual([
      expect.objectContaining({
        id: body.id,
        to: MOBILE,
        status: 'accepted',
        kind: 'sms',
        clientRef: 'order-1',
        account: 'default',
      }),
    ]);
    expect(await harness.drain(api.queues.urgent)).toEqual([
      {
        v: 1,
        id: body.id,
        to: MOBILE,
        text: 'Hello',
        kind: 'sms',
        priority: 'urgent',
        encoding: 'auto',
        clientRef: 'order-1',
        account: 'default',
      },
    ]);
    expect(await harness.drain(api.queues.bulk)).toEqual([]);
  });

  it('when the longest text and comment come with every character JSON-escaped, then the body is not too large', async () => {
    // Prepare: 10,000 Cyrillic characters fit 255 parts; a client may write each as \u0416 (6 bytes)
    const api = await harness.start({ env: { MAX_PARTS: '255' } });
    const escaped = (count: number) => '\\u0416'.repeat(count);
    const body = `{"to":"${MOBILE}","text":"${escaped(MAX_TEXT_LENGTH)}","comment":"${escaped(MAX_COMMENT_LENGTH)}"}`;
    // Act
    const response = await api.post('/v1/messages', new TextEncoder().encode(body));
    // Assess: before, 413 payload_too_large at 16 KiB, under the text and parts limits.
    expect(response.status).toBe(202);
    expect(await jsonOf(response)).toMatchObject({ encoding: 'ucs2', parts: 150 });
    await harness.drain(api.queues.urgent);
  });

  it('when a 150-character Latin text is posted with a comment, then the answer counts the text alone: gsm7, 1 part', async () => {
    // Prepare
    const api = await harness.start();
    // Act
    const response = await api.post('/v1/messages', {
      to: MOBILE,
      text: 'a'.repeat(150),
      comment: 'order 42',
    });
    // Assess
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'accepted', encoding: 'gsm7', parts: 1 });
  });

  it('when a binary payload is posted with a port UDH, then the answer says binary and counts its parts', async () => {
    // Prepare
    const api = await harness.start();
    const body = { to: MOBILE, encoding: 'binary', text: '5a'.repeat(300), udh: '0605040B8423F0' };
    // Act
    const response = await api.post('/v1/messages', body);
    // Assess
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'accepted', encoding: 'binary', parts: 3 });
  });

  it('when a long Cyrillic text is posted, then the answer gives ucs2 and the number of parts', async () => {
    // Prepare
    const api = await harness.start();
    const text = 'Привет, это длинное сообщение. '.repeat(6); // 186 UTF-16 units: 3 parts of 67
    // Act
    const response = await api.post('/v1/messages', { to: MOBILE, text });
    // Assess
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'accepted', encoding: 'ucs2', parts: 3 });
    const [record] = await harness.items(api.tables.messages, 'MSG#');
    expect(record).toMatchObject({ encoding: 'ucs2', dataCoding: 8, parts: 3, text });
  });

  it('when the text carries emoji, then it answers 202 ucs2 and the message is on the queue as sent', async () => {
    // Prepare: a surrogate pair each; AWS SQS takes them, so the local stack must too
    const api = await harness.start();
    const text = 'Your order is on its way 🚚📦 👍🏽';
    // Act
    const response = await api.post('/v1/messages', { to: MOBILE, text });
    // Assess
    expect(response.status).toBe(202);
    const body = await jsonOf<AcceptedBody>(response);
    expect(body).toMatchObject({ encoding: 'ucs2', parts: 1 });
    expect(await harness.drain(api.queues.urgent)).toEqual([expect.objectContaining({ id: body.id, text })]);
    const [record] = await harness.items(api.tables.messages, 'MSG#');
    expect(record).toMatchObject({ id: body.id, status: 'accepted', text });
  });

  it('when the text carries line breaks, a tab and a form feed, then it is accepted and queued as given', async () => {
    // Prepare: LF and CR are GSM 03.38 characters, FF its extension table's page break; TAB is not
    // GSM, but UCS-2 carries it
    const api = await harness.start();
    const gsm = 'Line one\nLine two\r\nPage\f2';
    const withTab = 'Name\tValue';
    // Act
    const gsmResponse = await api.post('/v1/messages', { to: MOBILE, text: gsm });
    const tabResponse = await api.post('/v1/messages', { to: MOBILE, text: withTab });
    // Assess
    expect(gsmResponse.status).toBe(202);
    expect(await gsmResponse.json()).toMatchObject({ encoding: 'gsm7', parts: 1 });
    expect(tabResponse.status).toBe(202);
    expect(await tabResponse.json()).toMatchObject({ encoding: 'ucs2', parts: 1 });
    const queued = await harness.drain(api.queues.urgent);
    expect(queued.map((body) => body.text).sort()).toEqual([gsm, withTab].sort());
  });

  it('when priority is bulk, then the message goes on the bulk queue only', async () => {
    // Prepare
    const api = await harness.start();
    // Act
    const response = await api.post('/v1/messages', { to: MOBILE, text: 'Newsletter', priority: 'bulk' });
    // Assess
    expect(response.status).toBe(202);
    const { id } = await jsonOf<AcceptedBody>(response);
    expect(await harness.drain(api.queues.bulk)).toEqual([
      expect.objectContaining({ id, v: 1, priority: 'bulk' }),
    ]);
    expect(await harness.drain(api.queues.urgent)).toEqual([]);
  });

  it('when the bind runs with the ISO flag, then the answer plans Latin-1 as the bind-service will send it', async () => {
    // Prepare
    const api = await harness.start({ env: { SMPP_SYSTEM_TYPE: 'mcon2, iso' } });
    // Act
    const response = await api.post('/v1/messages', { to: MOBILE, text: 'Café ouvert' });
    // Assess
    expect(await response.json()).toMatchObject({ encoding: 'latin1', parts: 1 });
  });

  it('when a message is read, then GET gives its state, history and request fields and no storage attributes', async () => {
    // Prepare
    const api = await harness.start();
    const posted = await api.post('/v1/messages', {
      to: MOBILE,
      text: 'Your code is 1234',
      from: 'Acme',
      comment: 'login',
      validityMinutes: 60,
      clientRef: 'c-7',
    });
    const { id } = await jsonOf<AcceptedBody>(posted);
    // Act
    const response = await api.get(`/v1/messages/${id}`);
    // Assess
    expect(response.status).toBe(200);
    const message = await jsonOf<{ createdAt: string }>(response);
    expect(message).toEqual({
      id,
      to: MOBILE,
      from: 'Acme',
      kind: 'sms',
      text: 'Your code is 1234',
      comment: 'login',
      priority: 'urgent',
      status: 'accepted',
      encoding: 'gsm7',
      parts: 1,
      validityMinutes: 60,
      clientRef: 'c-7',
      account: 'default',
      smscIds: [],
      error: null,
      cost: null,
      mccmnc: null,
      read: false,
      clicked: false,
      hlr: null,
      report: null,
      callback: null,
      history: [{ status: 'accepted', at: message.createdAt }],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedAt: message.createdAt,
    });
  });

  it('when an unknown id is read, then 404 problem; when the id is malformed, then 400 with its path', async () => {
    // Prepare
    const api = await harness.start();
    // Act
    const unknown = await api.get('/v1/messages/01J00000000000000000000000');
    const malformed = await api.get('/v1/messages/not-an-id');
    // Assess
    expect(unknown.status).toBe(404);
    expect(await problemOf(unknown)).toMatchObject({ status: 404, code: 'not_found' });
    expect(malformed.status).toBe(400);
    expect(await problemOf(malformed)).toMatchObject({
      code: 'invalid_id',
      errors: [{ code: 'invalid_format', path: ['path', 'id'] }],
    });
  });

  it('when requests are served, then each writes one JSON log line with the route and a masked recipient, never the text', async () => {
    // Prepare
    const api = await harness.start();
    const text = 'Secret text 4711';
    // Act
    const posted = await api.post('/v1/messages', { to: MOBILE, text });
    const { id } = await jsonOf<AcceptedBody>(posted);
    await api.get(`/v1/messages/${id}`);
    // Assess
    expect(api.logs).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'request',
        method: 'POST',
        route: '/v1/messages',
        status: 202,
        latencyMs: expect.any(Number),
        messageId: id,
        to: expect.stringMatching(/\*/),
      }),
      expect.objectContaining({ method: 'GET', route: '/v1/messages/:id', status: 200, messageId: id }),
    ]);
    const written = JSON.stringify(api.logs);
    expect(written).not.toContain(text);
    expect(written).not.toContain(MOBILE);
    expect(written).not.toContain(MOBILE.slice(1));
  });
});
