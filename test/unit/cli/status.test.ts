import { afterEach, describe, expect, it, vi } from 'vitest';
import { rejectedRecordBase } from '#bind-service/dispatch/intake/malformed.ts';
import { parseQueueMessage } from '#bind-service/dispatch/intake/queue-message.ts';
import { printMessage } from '#cli/commands/status.ts';
import type { MessageView } from '#client/index.ts';
import { rejectedOnArrival } from '#core/domain/messages/message-model.ts';
import { messageView } from '#lambdas/api/use-cases/read-message.ts';

// `status <id>` (and `send --wait`) print a message as a table: its recipient masked, and its error.

const ID = '01JZ0000000000000000000043';

/** GET /v1/messages/:id of the record the bind-service writes for a queue message refused for `to`. */
function refusedQueueMessage(to: string): MessageView {
  const body = JSON.stringify({ v: 1, id: ID, to, text: 'Your code is 4711' });
  const parsed = parseQueueMessage(body, { isoMode: false, maxParts: 10 });
  if (parsed.ok) throw new Error(`expected the queue message to ${to} to be refused`);
  const base = rejectedRecordBase(ID, parsed.raw, 'urgent', new Date('2025-01-01T00:00:00Z'));
  return messageView(rejectedOnArrival(base, parsed.error)) as unknown as MessageView;
}

/** What printMessage writes to stdout. */
function printed(message: MessageView): string {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  printMessage(message);
  vi.restoreAllMocks();
  return written.join('');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('printMessage', () => {
  it('when a message was refused for its recipient, then the error row has the number masked as in the `to` row', () => {
    // Prepare
    const message = refusedQueueMessage('+7 495 123-45-67');
    // Act
    const output = printed(message);
    // Assess
    expect(output).toMatch(/│ status\s+│ rejected/);
    expect(output).toMatch(/│ to\s+│ \+7495\*{5}67/);
    expect(output).toMatch(
      /│ error\s+│ not_mobile_number Invalid queue message: to: \+7495\*{5}67 is a fixed-line/,
    );
    expect(output).not.toMatch(/74951234567|495 123-45-67/);
  });

  it('when a mistyped number was refused as written, then the error row does not print it either', () => {
    // Prepare
    const message = refusedQueueMessage('+7 999 123 45 6');
    // Act
    const output = printed(message);
    // Assess
    expect(output).toMatch(/│ error\s+│ invalid_phone_number Invalid queue message: /);
    expect(output).not.toMatch(/999 123 45 6|7999123456/);
  });
});
