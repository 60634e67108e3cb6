import { MESSAGE_BODY_LIMIT } from '#lambdas/api/routes/messages.ts';
import type { ApiStack } from '#test/helpers/api/api-harness.ts';

// The bad requests bad-input.test.ts sends, each with the problem it must get: one row a case.

export const MOBILE = '+79991234567';
const KEY = { 'idempotency-key': 'bad-input-1' };

export interface BadCase {
  name: string;
  send: (api: ApiStack) => Promise<Response>;
  status: number;
  code: string;
  errors?: { code: string; path: (string | number)[] }[];
  env?: Record<string, string>;
}

const encoder = new TextEncoder();

function chunkedBody(bytes: number): ReadableStream<Uint8Array> {
  const chunk = encoder.encode(`{"to":"${MOBILE}","text":"${'a'.repeat(1024)}`);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) controller.close();
      else {
        controller.enqueue(chunk);
        sent += chunk.byteLength;
      }
    },
  });
}

export const BAD_INPUT_CASES: BadCase[] = [
  {
    name: 'malformed JSON',
    send: (api) => api.post('/v1/messages', `{"to": "${MOBILE}", "text": `, KEY),
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'an empty body',
    send: (api) => api.post('/v1/messages', '', KEY),
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'wrong types',
    send: (api) => api.post('/v1/messages', { to: 79991234567, text: 5 }, KEY),
    status: 400,
    code: 'validation_failed',
    errors: [
      { code: 'invalid_type', path: ['to'] },
      { code: 'invalid_type', path: ['text'] },
    ],
  },
  {
    name: 'a JSON array instead of an object',
    send: (api) => api.post('/v1/messages', [{ to: MOBILE, text: 'Hi' }], KEY),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'invalid_type', path: [] }],
  },
  {
    name: 'an unknown field',
    send: (api) => api.post('/v1/messages', { to: MOBILE, text: 'Hi', colour: 'red' }, KEY),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'unknown_field', path: ['colour'] }],
  },
  {
    name: 'a missing recipient',
    send: (api) => api.post('/v1/messages', { text: 'Hi' }, KEY),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'required', path: ['to'] }],
  },
  {
    name: 'an invalid number',
    send: (api) => api.post('/v1/messages', { to: '+7999', text: 'Hi' }, KEY),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'invalid_phone_number', path: ['to'] }],
  },
  {
    name: 'a landline for an sms',
    send: (api) => api.post('/v1/messages', { to: '+74951234567', text: 'Hi' }, KEY),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'not_mobile_number', path: ['to'] }],
  },
  {
    name: 'an empty text',
    send: (api) => api.post('/v1/messages', { to: MOBILE, text: '' }, KEY),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'too_short', path: ['text'] }],
  },
  {
    name: 'a text of too many parts',
    send: (api) => api.post('/v1/messages', { to: MOBILE, text: 'Привет '.repeat(200) }, KEY),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'too_many_parts', path: ['text'] }],
  },
  {
    name: 'more parts than MAX_PARTS allows',
    env: { MAX_PARTS: '2' },
    send: (api) => api.post('/v1/messages', { to: MOBILE, text: 'x'.repeat(400) }, KEY),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'too_many_parts', path: ['text'] }],
  },
  {
    // The callbacks Lambda never calls loopback in AWS: before, 202 and no callback ever.
    name: 'a loopback callback URL outside local mode',
    env: { ALLOW_LOOPBACK_CALLBACKS: 'false' },
    send: (api) =>
      api.post('/v1/messages', { to: MOBILE, text: 'Hi', callbackUrl: 'http://localhost:8080/cb' }),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'invalid_url', path: ['callbackUrl'] }],
  },
  {
    name: 'a mailing with a loopback callback URL outside local mode',
    env: { ALLOW_LOOPBACK_CALLBACKS: 'false' },
    send: (api) => api.post('/v1/batches', { to: [MOBILE], text: 'Hi', callbackUrl: 'https://127.0.0.1/cb' }),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'invalid_url', path: ['callbackUrl'] }],
  },
  {
    name: 'a bad Telegram code',
    send: (api) => api.post('/v1/messages', { to: MOBILE, kind: 'tgm', text: '12ab' }, KEY),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'invalid_message_content', path: ['text'] }],
  },
  {
    name: 'a forced encoding that cannot carry the text',
    send: (api) => api.post('/v1/messages', { to: MOBILE, text: 'Привет', encoding: 'gsm7' }, KEY),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'unencodable_text', path: ['encoding'] }],
  },
  // Characters no SMS carries, or that SQS refuses (U+FFFE/U+FFFF would be stored, then refused by
  // the queue every time: a 503 "send it again" that can never succeed).
  ...[
    { what: 'U+FFFF', text: 'Hi \uFFFF there' },
    { what: 'U+FFFE', text: '\uFFFEHi' },
    { what: 'another noncharacter (U+FDD0)', text: 'Hi \uFDD0' },
    { what: 'a NUL', text: 'Hi\u0000' },
    { what: 'a BEL', text: 'Ding\u0007' },
    { what: 'an ESC', text: '\u001B[31mred' },
    { what: 'a DEL', text: 'Hi\u007F' },
    { what: 'a C1 control (U+0085)', text: 'Hi\u0085there' },
    { what: 'a lone high surrogate', text: 'Hi \uD83D there' },
    { what: 'a lone low surrogate', text: 'Hi \uDE00 there' },
  ].map(
    ({ what, text }): BadCase => ({
      name: `${what} in the text`,
      send: (api) => api.post('/v1/messages', { to: MOBILE, text }, KEY),
      status: 400,
      code: 'validation_failed',
      errors: [{ code: 'invalid_character', path: ['text'] }],
    }),
  ),
  {
    name: 'U+FFFF in the comment and a control character in clientRef',
    send: (api) =>
      api.post(
        '/v1/messages',
        { to: MOBILE, text: 'Hi', comment: 'note\uFFFF', clientRef: 'ref\u0001' },
        KEY,
      ),
    status: 400,
    code: 'validation_failed',
    errors: [
      { code: 'invalid_character', path: ['comment'] },
      { code: 'invalid_character', path: ['clientRef'] },
    ],
  },
  {
    name: 'a control character in a mail subject',
    send: (api) =>
      api.post('/v1/messages', { to: 'ann@example.com', kind: 'mail', text: 'Hi', subject: 'Re\u0008' }, KEY),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'invalid_character', path: ['subject'] }],
  },
  {
    name: "a comment in characters the text's encoding cannot carry",
    send: (api) => api.post('/v1/messages', { to: MOBILE, text: 'Code 1234', comment: 'заказ 42' }, KEY),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'unencodable_comment', path: ['comment'] }],
  },
  {
    name: 'an e-mail address longer than SMPP carries',
    send: (api) =>
      api.post(
        '/v1/messages',
        { to: 'anna.smith@mail.example.ru', kind: 'mail', subject: 'S', text: 'Hi' },
        KEY,
      ),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'recipient_too_long_for_smpp', path: ['to'] }],
  },
  {
    name: 'a validity of zero minutes',
    send: (api) => api.post('/v1/messages', { to: MOBILE, text: 'Hi', validityMinutes: 0 }, KEY),
    status: 400,
    code: 'validation_failed',
    errors: [{ code: 'too_small', path: ['validityMinutes'] }],
  },
  {
    name: 'a body over the message limit (by Content-Length)',
    send: (api) => api.post('/v1/messages', { to: MOBILE, text: 'a'.repeat(MESSAGE_BODY_LIMIT) }, KEY),
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'a chunked body over the message limit (no Content-Length, counted while read)',
    send: (api) =>
      fetch(`${api.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...KEY },
        body: chunkedBody(MESSAGE_BODY_LIMIT + 4096),
        duplex: 'half',
      }),
    status: 413,
    code: 'payload_too_large',
  },
  {
    name: 'a body that is not UTF-8',
    send: (api) =>
      api.post(
        '/v1/messages',
        new Uint8Array([...encoder.encode(`{"to":"${MOBILE}","text":"caf`), 0xe9, ...encoder.encode('"}')]),
        KEY,
      ),
    status: 400,
    code: 'invalid_utf8',
  },
  {
    name: 'a text/plain content type',
    send: (api) =>
      api.post('/v1/messages', JSON.stringify({ to: MOBILE, text: 'Hi' }), {
        'content-type': 'text/plain',
        ...KEY,
      }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'no content type',
    send: (api) =>
      fetch(`${api.url}/v1/messages`, {
        method: 'POST',
        headers: KEY,
        body: encoder.encode(JSON.stringify({ to: MOBILE, text: 'Hi' })),
      }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'JSON declared in another charset',
    send: (api) =>
      api.post('/v1/messages', JSON.stringify({ to: MOBILE, text: 'Hi' }), {
        'content-type': 'application/json; charset=iso-8859-1',
        ...KEY,
      }),
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'an Idempotency-Key over 255 characters',
    send: (api) =>
      api.post('/v1/messages', { to: MOBILE, text: 'Hi' }, { 'idempotency-key': 'k'.repeat(256) }),
    status: 400,
    code: 'invalid_idempotency_key',
    errors: [{ code: 'invalid_format', path: ['headers', 'Idempotency-Key'] }],
  },
];
