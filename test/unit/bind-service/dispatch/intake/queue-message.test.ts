import { describe, expect, it } from 'vitest';
import { parseQueueMessage } from '#bind-service/dispatch/intake/queue-message.ts';

const OPTIONS = { isoMode: false, maxParts: 10 };
const ID = '01JZ0000000000000000000001';

describe('parseQueueMessage', () => {
  it('when the body is an API-shaped message, then it is prepared with one SUBMIT_SM per part', () => {
    // Act
    const parsed = parseQueueMessage(
      JSON.stringify({ v: 1, id: ID, to: '+79991234567', text: 'Hello' }),
      OPTIONS,
    );
    // Assess
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.message.id).toBe(ID);
    expect(parsed.prepared).toMatchObject({ to: '+79991234567', parts: 1, encoding: 'gsm7' });
    expect(parsed.submits).toHaveLength(1);
  });

  it('when the text carries a control character or a lone surrogate, then it is malformed with invalid_character and keeps its id', () => {
    // Prepare: JSON escapes make these reach the queue even though SQS refuses them raw
    const bodies = [
      JSON.stringify({ v: 1, id: ID, to: '+79991234567', text: 'Bell\u0007' }),
      JSON.stringify({ v: 1, id: ID, to: '+79991234567', text: 'Half \uD83D' }),
      '{"v":1,"id":"01JZ0000000000000000000001","to":"+79991234567","text":"Nul\\u0000"}',
    ];
    // Act
    const parsed = bodies.map((body) => parseQueueMessage(body, OPTIONS));
    // Assess: the consumer marks such a message rejected and moves it to the DLQ
    for (const result of parsed) {
      expect(result).toMatchObject({
        ok: false,
        id: ID,
        issues: [{ code: 'invalid_character', path: ['text'] }],
        error: { code: 'invalid_character', name: 'Invalid queue message' },
      });
    }
  });

  it('when the body is not JSON, then it is malformed with invalid_json and no id', () => {
    // Act
    const parsed = parseQueueMessage('{"v":1,', OPTIONS);
    // Assess
    expect(parsed).toMatchObject({
      ok: false,
      error: { code: 'invalid_json', name: 'Invalid queue message' },
    });
    expect(parsed.ok === false && parsed.id).toBeUndefined();
  });

  it('when the JSON starts with a UTF-8 byte order mark (a file saved by Notepad), then it is read as the API reads it', () => {
    // Act
    const parsed = parseQueueMessage(
      `\uFEFF${JSON.stringify({ v: 1, id: ID, to: '+79991234567', text: 'Hi' })}`,
      OPTIONS,
    );
    // Assess: before, rejected invalid_json though POST /v1/messages took the same file
    expect(parsed).toMatchObject({ ok: true, message: { id: ID, text: 'Hi' } });
  });

  it('when the schema refuses it but it carries a valid id, then the id is kept for the rejected record', () => {
    // Act
    const parsed = parseQueueMessage(JSON.stringify({ v: 1, id: ID, to: 'nobody', text: 'Hi' }), OPTIONS);
    // Assess
    expect(parsed).toMatchObject({
      ok: false,
      id: ID,
      issues: [{ code: 'invalid_phone_number', path: ['to'] }],
      error: { code: 'invalid_phone_number' },
    });
  });

  it('when the id itself is invalid, then no id is kept (no record can be marked)', () => {
    // Act
    const parsed = parseQueueMessage(
      JSON.stringify({ v: 1, id: 'nope', to: '+79991234567', text: 'Hi' }),
      OPTIONS,
    );
    // Assess
    expect(parsed.ok).toBe(false);
    expect(parsed.ok === false && parsed.id).toBeUndefined();
  });

  it('when the format version is missing, then it is refused as required', () => {
    // Act
    const parsed = parseQueueMessage(JSON.stringify({ to: '+79991234567', text: 'Hi' }), OPTIONS);
    // Assess
    expect(parsed).toMatchObject({ ok: false, issues: [{ code: 'required', path: ['v'] }] });
  });

  it('when preparation refuses it (too many parts), then it is malformed with the domain code', () => {
    // Act
    const parsed = parseQueueMessage(
      JSON.stringify({ v: 1, id: ID, to: '+79991234567', text: 'x'.repeat(500) }),
      { isoMode: false, maxParts: 2 },
    );
    // Assess
    expect(parsed).toMatchObject({ ok: false, id: ID, issues: [{ path: ['text'] }] });
    expect(parsed.ok === false && parsed.error.description).toMatch(/^text: /);
  });
});
