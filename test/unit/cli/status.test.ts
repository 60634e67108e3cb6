import { afterEach, describe, expect, it, vi } from 'vitest';
import { rejectedRecordBase } from '#bind-service/dispatch/intake/malformed.ts';
import { parseQueueMessage } from '#bind-service/dispatch/intake/queue-message.ts';
import { printMessage } from '#cli/commands/status.ts';
import type { MessageView } from '#client/index.ts';
import { rejectedOnArrival } from '#core/domain/messages/message-model.ts';
import { parseDeliveryReceipt } from '#core/domain/receipts/receipt.ts';
import { receiptFields } from '#core/domain/receipts/receipt-fields.ts';
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

/**
 * The provider document's example answer to an HLR request ("The result of the request comes in the
 * usual status (Delivery Report)"): its roaming country and network are empty.
 */
const HLR_RECEIPT =
  'id:855469 stat:DELIVRD err:000 imsi:250023012345678 msc:79232510066 mcc:250 mnc:02 ' +
  'cn:Russian+Federation net:MegaFON+open+Joint+Stock+Company rcn: rnet:';

/** GET /v1/messages/:id of a message delivered with `receipt`, read and clicked as given. */
function answered(
  kind: MessageView['kind'],
  receipt: string,
  flags: Pick<MessageView, 'read' | 'clicked'> = { read: false, clicked: false },
): MessageView {
  const fields = receiptFields(parseDeliveryReceipt({ text: receipt }));
  return {
    id: ID,
    to: '+79231234567',
    kind,
    status: 'delivered',
    priority: 'urgent',
    encoding: 'gsm7',
    parts: 1,
    smscIds: ['855469'],
    error: null,
    cost: fields.cost ?? null,
    mccmnc: fields.mccmnc ?? null,
    ...flags,
    hlr: fields.hlr ?? null,
    report: fields.report ?? null,
    callback: null,
    history: [
      { status: 'accepted', at: '2025-01-01T00:00:00.000Z' },
      { status: 'delivered', at: '2025-01-01T00:00:02.000Z' },
    ],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:02.000Z',
  };
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

  it("when an HLR lookup was answered (the provider document's example), then the IMSI, MSC, country and network are printed, and no empty roaming rows", () => {
    // Prepare: before, only status and mcc/mnc: the lookup's answer showed with --json alone.
    const message = answered('hlr', HLR_RECEIPT);
    // Act
    const output = printed(message);
    // Assess
    expect(output).toMatch(/│ IMSI\s+│ 250023012345678 /);
    expect(output).toMatch(/│ MSC\s+│ 79232510066 /);
    expect(output).toMatch(/│ country\s+│ Russian Federation /);
    expect(output).toMatch(/│ network\s+│ MegaFON open Joint Stock Company /);
    expect(output).toMatch(/│ mcc\/mnc\s+│ 25002 /);
    expect(output).not.toMatch(/roaming/i);
  });

  it('when the subscriber is roaming, then the roaming country and network are printed', () => {
    // Prepare
    const message = answered(
      'hlr',
      'id:855470 stat:DELIVRD err:000 imsi:250023012345678 msc:491770000000 mcc:250 mnc:02 ' +
        'cn:Russian+Federation net:MegaFON rcn:Germany rnet:Telekom+Deutschland',
    );
    // Act
    const output = printed(message);
    // Assess
    expect(output).toMatch(/│ roaming country\s+│ Germany /);
    expect(output).toMatch(/│ roaming network\s+│ Telekom Deutschland /);
  });

  it('when a Viber message was read and its link clicked, then read and clicked rows say so; an unread one has neither', () => {
    // Prepare
    const receipt = 'id:855471 stat:DELIVRD err:000';
    const read = answered('viber', receipt, { read: true, clicked: true });
    const unread = answered('viber', receipt);
    // Act
    const outputs = [printed(read), printed(unread)];
    // Assess
    expect(outputs[0]).toMatch(/│ read\s+│ yes /);
    expect(outputs[0]).toMatch(/│ clicked\s+│ yes /);
    expect(outputs[1]).not.toMatch(/│ (read|clicked|IMSI)\s/);
  });
});
