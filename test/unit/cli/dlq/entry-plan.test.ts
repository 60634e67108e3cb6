import { describe, expect, it } from 'vitest';
import { queueMessageId } from '#bind-service/dispatch/intake/derived-id.ts';
import { parseQueueMessage } from '#bind-service/dispatch/intake/queue-message.ts';
import { asNewId } from '#cli/dlq/as-new.ts';
import { confirmAsNew, planEntry, type RecordLookup, recordOf } from '#cli/dlq/entry-plan.ts';

// What `dlq redrive` does with a dead letter, by the record it names: moved only when the
// bind-service will send the copy once, or (`--as-new`) as a new message when it was never sent.

const ID = '01JZ0000000000000000000042';
const body = (fields: Record<string, unknown>) =>
  JSON.stringify({ v: 1, to: '+79995550101', text: 'Hi', ...fields });
const rejected: RecordLookup = { kind: 'found', status: 'rejected', wasSent: false };
const delivery = {
  sqsMessageId: 'new-sqs-message',
  sentTimestampMs: 1_750_000_000_000,
  senderId: 'AIDAOPERATOR',
};

describe('dlq redrive: the plan for one dead letter', () => {
  it.each([
    ['its own id', { id: ID }],
    ['an idempotencyKey', { idempotencyKey: 'order-42' }],
  ])(
    'when a message rejected before it was sent keeps %s, then it stays on the DLQ as rejected',
    (_name, fields) => {
      // Prepare
      const entry = { body: body(fields), messageId: ID };
      // Act
      const plan = planEntry(entry, rejected, false);
      // Assess
      expect(plan).toEqual({ action: 'hold', id: ID, why: 'rejected', status: 'rejected' });
    },
  );

  it('when such a message is moved --as-new, then the copy has a new id derived from the old one and no key or acceptedAt', () => {
    // Prepare
    const entry = {
      body: body({ id: ID, idempotencyKey: 'order-42', acceptedAt: '2025-01-01T00:00:00Z', clientRef: 'c1' }),
      messageId: ID,
    };
    // Act
    const plan = planEntry(entry, rejected, true);
    // Assess
    const newId = asNewId(ID);
    expect(plan).toEqual({
      action: 'move',
      body: body({ clientRef: 'c1', id: newId }),
      asNew: { from: ID, id: newId },
    });
  });

  it('when a message is moved --as-new twice, then the bind-service reads both copies as one new message', () => {
    // Prepare
    const entry = { body: body({ id: ID }), messageId: ID };
    // Act
    const [first, second] = [planEntry(entry, rejected, true), planEntry(entry, rejected, true)];
    // Assess: the same id on both copies, which is not the rejected one; its time part is 0, so its
    // validity counts from when SQS got the copy.
    const idOf = (plan: typeof first) => {
      if (plan.action !== 'move') throw new Error('expected a move');
      const parsed = parseQueueMessage(plan.body, { isoMode: false, maxParts: 10 });
      if (!parsed.ok) throw new Error('expected a valid copy');
      return queueMessageId(delivery, JSON.parse(plan.body));
    };
    expect(idOf(first)).toBe(asNewId(ID));
    expect(idOf(second)).toBe(idOf(first));
    expect(idOf(first)).not.toBe(ID);
    expect(asNewId(ID).slice(0, 10)).toBe('0000000000');
  });

  it('when the new message of an earlier --as-new exists, then the entry stays on the DLQ naming it', () => {
    // Prepare
    const plan = planEntry({ body: body({ id: ID }), messageId: ID }, rejected, true);
    // Act
    const confirmed = confirmAsNew(plan, { kind: 'found', status: 'delivered', wasSent: true });
    // Assess
    expect(confirmed).toEqual({
      action: 'hold',
      id: ID,
      why: 'moved-as-new',
      status: 'delivered',
      newId: asNewId(ID),
    });
  });

  it('when a message without id or key was rejected before it was sent, then it moves as a new message whose id every copy of it shares', () => {
    // Prepare
    const entry = { body: body({ clientRef: 'no-id' }), messageId: ID, sqsMessageId: 'dlq-entry-1' };
    // Act
    const plan = planEntry(entry, rejected, false);
    const again = planEntry(entry, rejected, false);
    // Assess: before, it moved as it was, and each copy got an id of its own SQS MessageId: a copy
    // call retried after its answer was lost, or a rerun, sent it twice
    expect(plan).toEqual({
      action: 'move',
      body: body({ clientRef: 'no-id', id: asNewId(ID) }),
      asNew: { from: ID, id: asNewId(ID) },
    });
    expect(again).toEqual(plan);
  });

  it.each([
    ['delivered', false],
    ['expired', false],
    ['rejected', true],
  ] as const)(
    'when its record is %s (sent before: %s), then it stays on the DLQ even with --as-new',
    (status, wasSent) => {
      // Prepare
      const entry = { body: body({ id: ID }), messageId: ID };
      // Act
      const plan = planEntry(entry, { kind: 'found', status, wasSent }, true);
      // Assess
      expect(plan).toEqual({ action: 'hold', id: ID, why: 'final', status });
    },
  );

  it.each([
    ['with an id, accepted', { id: ID }, 'accepted', 'move'],
    ['with an id, submitted', { id: ID }, 'submitted', 'hold'],
    ['without an id, accepted', {}, 'accepted', 'hold'],
  ] as const)('when a message %s is on the DLQ, then its plan is %s', (_name, fields, status, action) => {
    // Prepare
    const entry = { body: body(fields), messageId: ID };
    // Act
    const plan = planEntry(entry, { kind: 'found', status, wasSent: status === 'submitted' }, false);
    // Assess
    expect(plan.action).toBe(action);
  });

  it('when the record the bind-service named is not shown by the API, then the entry stays on the DLQ', () => {
    // Prepare
    const entry = { body: body({ id: ID }), messageId: ID };
    // Act
    const plan = planEntry(entry, { kind: 'missing' }, true);
    // Assess
    expect(plan).toEqual({ action: 'hold', id: ID, why: 'missing' });
  });

  it('when the record cannot be read, then the entry stays on the DLQ with the reason', () => {
    // Prepare
    const entry = { body: 'not json', messageId: ID };
    // Act
    const plan = planEntry(entry, { kind: 'unreadable', reason: '503 service_unavailable' }, false);
    // Assess
    expect(plan).toEqual({ action: 'hold', id: ID, why: 'unreadable', detail: '503 service_unavailable' });
  });

  it('when the entry names no record and lacks its SQS timestamp, then it moves under an id pinned to the entry', () => {
    // Prepare
    const entry = { body: body({ clientRef: 'moved-by-sqs' }), sqsMessageId: 'dlq-entry-2' };
    // Act
    const plan = planEntry(entry, undefined, false);
    // Assess: every copy of this entry is one message to the bind-service
    const pinned = asNewId('sqs:dlq-entry-2');
    expect(plan).toEqual({ action: 'move', body: body({ clientRef: 'moved-by-sqs', id: pinned }), pinned });
  });

  it('when the entry names no record and its body is not JSON, then it moves as it is (it is refused again, never sent)', () => {
    // Prepare
    const entry = { body: '{"v":1, "to": ', sqsMessageId: 'dlq-entry-3' };
    // Act
    const plan = planEntry(entry, undefined, false);
    // Assess
    expect(plan).toEqual({ action: 'move', body: entry.body });
  });
  it.each([
    ['its own id, --as-new', { id: ID }, true],
    ['no id or key', { clientRef: 'c4' }, false],
  ])(
    "when a message rejected for naming another account than its queue's has %s, then it stays on the DLQ",
    (_name, fields, asNew) => {
      // Prepare
      const description = 'account: "default" is not the account of this queue ("second")';
      const lookup: RecordLookup = { ...rejected, error: { code: 'wrong_queue', description } };
      // Act
      const plan = planEntry({ body: body(fields), messageId: ID }, lookup, asNew);
      // Assess: this DLQ's source queue is the wrong one; a copy there is rejected again.
      expect(plan).toEqual({
        action: 'hold',
        id: ID,
        why: 'wrong-queue',
        status: 'rejected',
        detail: description,
      });
    },
  );

  describe('an entry dead-lettered id_reused (its id names another message, whose record it does not say)', () => {
    const description =
      'id: … already names another message (its to, text differ); publish this one under a new id.';
    const reused = (sqsMessageId: string) => ({
      body: body({ id: ID, to: '+79995550202', text: 'Another' }),
      messageId: ID,
      sqsMessageId,
      errorCode: 'id_reused',
      errorDescription: description,
    });
    const delivered: RecordLookup = { kind: 'found', status: 'delivered', wasSent: true };

    it('when it is redriven, then it stays on the DLQ saying why, not as the other message "already delivered"', () => {
      // Act
      const plan = planEntry(reused('sqs-a'), delivered, false);
      // Assess: before, held as 'final' (the first message's record), and --as-new could not move it
      expect(plan).toEqual({ action: 'hold', id: ID, why: 'id-reused', detail: description });
    });

    it('when it is moved --as-new, then it goes under an id of its own, the same for every copy of the entry and another for another entry', () => {
      // Act
      const plans = [reused('sqs-a'), reused('sqs-a'), reused('sqs-b')].map((entry) =>
        planEntry(entry, delivered, true),
      );
      // Assess
      const ids = plans.map((plan) => (plan.action === 'move' ? plan.asNew?.id : undefined));
      expect(ids[0]).toBe(ids[1]);
      expect(new Set([ID, ...ids]).size).toBe(3);
      expect(plans[0]).toMatchObject({ action: 'move', asNew: { from: ID } });
      const copy = JSON.parse(plans[0]?.action === 'move' ? plans[0].body : '{}') as Record<string, unknown>;
      expect(copy).toMatchObject({ to: '+79995550202', text: 'Another', id: ids[0] });
    });
  });

  describe("an entry SQS itself moved (its MessageId, SentTimestamp and SenderId are the original's)", () => {
    const moved = {
      sqsMessageId: 'original-sqs-message',
      sentTimestampMs: 1_750_000_000_000,
      senderId: 'AROAPUBLISHER:task-1',
    };
    const delivered: RecordLookup = { kind: 'found', status: 'delivered', wasSent: true };

    it.each([
      ['without id or key', { clientRef: 'plain' }],
      ['with an idempotencyKey', { idempotencyKey: 'order-43' }],
    ])(
      'when a message %s has no record, then it moves carrying the id the bind-service knew it by',
      (_name, fields) => {
        // Prepare
        const entry = { body: body(fields), ...moved };
        const known = queueMessageId(moved, JSON.parse(entry.body));
        // Act
        const plan = planEntry(entry, { kind: 'missing' }, false);
        // Assess: the copy's own MessageId and the redriver's SenderId no longer make it another message
        expect(plan).toEqual({ action: 'move', body: body({ ...fields, id: known }), pinned: known });
      },
    );

    it('when its keyed body starts with a UTF-8 byte order mark, then the record looked up is the one the bind-service derived', () => {
      // Prepare: the bind-service reads such a body as the API does (without the BOM)
      const fields = { idempotencyKey: 'order-77' };
      const entry = { body: `\uFEFF${body(fields)}`, ...moved };
      const known = queueMessageId(moved, JSON.parse(body(fields)));
      // Act
      const named = recordOf(entry);
      const plan = planEntry(entry, delivered, false);
      // Assess: before, the planner could not parse the body and derived another id, and moved the
      // sent message back as a new one (sent twice)
      expect(named).toEqual({ id: known, derived: true });
      expect(plan).toEqual({ action: 'hold', id: known, why: 'final', status: 'delivered' });
    });

    it.each([
      ['delivered', { clientRef: 'c2' }, delivered, { why: 'final', status: 'delivered' }],
      [
        'still submitted',
        { clientRef: 'c2' },
        { kind: 'found', status: 'submitted', wasSent: true } as RecordLookup,
        { why: 'in-progress', status: 'submitted' },
      ],
      [
        'rejected unsent, keyed',
        { idempotencyKey: 'order-44' },
        rejected,
        { why: 'rejected', status: 'rejected' },
      ],
    ])('when its record is %s, then it stays on the DLQ under that id', (_name, fields, lookup, held) => {
      // Prepare
      const entry = { body: body(fields), ...moved };
      // Act
      const plan = planEntry(entry, lookup, false);
      // Assess
      expect(plan).toEqual({ action: 'hold', id: queueMessageId(moved, JSON.parse(entry.body)), ...held });
    });

    it('when its record is accepted (never claimed), then it moves under that id, to be claimed once', () => {
      // Prepare
      const entry = { body: body({ clientRef: 'c3' }), ...moved };
      const known = queueMessageId(moved, JSON.parse(entry.body));
      // Act
      const plan = planEntry(entry, { kind: 'found', status: 'accepted', wasSent: false }, false);
      // Assess
      expect(plan).toEqual({ action: 'move', body: body({ clientRef: 'c3', id: known }), pinned: known });
    });

    it('when its body is not JSON, then it moves as it is (refused again, never sent)', () => {
      // Prepare
      const entry = { body: '{"v":1, "to": ', ...moved };
      // Act
      const plan = planEntry(entry, { kind: 'missing' }, false);
      // Assess
      expect(plan).toEqual({ action: 'move', body: entry.body });
    });
  });
});
