import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejectedRecordBase } from '#bind-service/dispatch/intake/malformed.ts';
import { messageStatusChangedSchema } from '#core/domain/events/message-status-changed.ts';
import { rejectedOnArrival } from '#core/domain/messages/message-model.ts';
import { statusChangeOf } from '#lambdas/status-stream/status-event.ts';
import { PROJECT_ROOT } from '../../../cdk/paths.ts';
import { statusExamples } from '../../../scripts/event-docs/examples.ts';
import {
  EVENTS_DOC,
  REGENERATE,
  renderEventsDoc,
  renderSchemas,
  SCHEMA_FILE,
  VERIFY_SNIPPET,
} from '../../../scripts/event-docs/render.ts';
import { messageItem, streamRecord } from '../lambdas/status-stream/records.ts';

// docs/events.md's generated sections and the JSON Schema file are rendered here in memory from the
// code and compared with what is committed: a change to the schema, the signature, the retry
// schedule or the verification snippet without `npm run docs:events` fails this test.

const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');

describe('docs/events.md and the event schema file', () => {
  it('when the generated sections are rendered from the code, then docs/events.md already holds them', () => {
    // Prepare
    const committed = read(EVENTS_DOC);
    // Act
    const rendered = renderEventsDoc(committed, PROJECT_ROOT);
    // Assess
    expect(rendered, `${EVENTS_DOC} is out of date: run \`${REGENERATE}\``).toBe(committed);
  });

  it('when the JSON Schemas are rendered from the zod schemas, then the committed files are the same', () => {
    // Act
    const rendered = renderSchemas();
    // Assess
    expect(Object.keys(rendered)).toContain(SCHEMA_FILE);
    for (const [file, content] of Object.entries(rendered)) {
      expect(content, `${file} is out of date: run \`${REGENERATE}\``).toBe(read(file));
    }
  });

  it('when the doc is read, then it holds the verification snippet verbatim', () => {
    // Act
    const doc = read(EVENTS_DOC);
    // Assess
    expect(doc).toContain(read(VERIFY_SNIPPET).trimEnd());
  });

  it('when the examples are listed, then there is one per status an event is emitted for, each valid', () => {
    // Act
    const examples = statusExamples();
    // Assess
    expect(examples.map((example) => example.status)).toEqual([
      'submitted',
      'delivered',
      'undelivered',
      'expired',
      'rejected',
      'failed',
      'unknown',
    ]);
    for (const { detail } of examples)
      expect(messageStatusChangedSchema.strict().parse(detail)).toEqual(detail);
  });

  it('when a queue message without text is rejected, then its event has the keys and nulls the documented rejected example shows', () => {
    // Prepare: the example's own case, as the bind-service records it (malformed.ts)
    const raw = { id: '01JZ8Q4W3M5V6T7X8Y9Z0A1B2C', to: '+79991234567' };
    const base = rejectedRecordBase(raw.id, raw, 'urgent', new Date('2026-01-15T09:30:00.412Z'));
    const record = rejectedOnArrival(base, {
      code: 'required',
      name: 'Invalid queue message',
      description: 'text: is required',
    });
    const example = statusExamples().find((candidate) => candidate.status === 'rejected')?.detail;
    // Act
    const event = statusChangeOf(streamRecord('INSERT', { new: messageItem(record) }))?.event;
    // Assess: the example showed "account": "default" where the event has null (no account chosen)
    expect(event).toEqual({ ...example, sequence: event?.sequence, at: event?.at });
  });

  it('when the JSON Schema is published, then it leaves room for added fields (no additionalProperties: false)', () => {
    // Act
    const schema = JSON.parse(renderSchemas()[SCHEMA_FILE] ?? '{}') as {
      additionalProperties?: unknown;
      required: string[];
    };
    // Assess
    expect(schema.additionalProperties).toBeUndefined();
    expect(schema.required).toEqual(
      expect.arrayContaining(['schemaVersion', 'id', 'status', 'sequence', 'at']),
    );
  });

  it('when a generated section has lost its markers, then rendering fails naming it', () => {
    // Prepare
    const broken = read(EVENTS_DOC).replace('<!-- generated:verify (npm run docs:events) -->', '');
    // Act
    const render = () => renderEventsDoc(broken, PROJECT_ROOT);
    // Assess
    expect(render).toThrow(/no markers for verify/);
  });
});
