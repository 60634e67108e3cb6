import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import type { MessageStatus } from '#core/domain/messages/message-state.ts';
import type { LoggedSubmit, ReceivedMessage, SubmitDecision } from '#local/smsc-simulator/index.ts';
import { checkInvariants, holds, mayHaveTaken } from '#test/faults/harness/invariants.ts';
import type { SentMessage } from '#test/faults/harness/traffic.ts';

// The fault suite's invariants over the simulator's log of every SUBMIT_SM it received: a part sent
// again is a duplicate whatever the SMSC did with the second copy, unless the first was refused.

const SENT: SentMessage = { id: 'm1', text: 'case91 #0', to: '+79999100000' };

function record(id: string, statuses: MessageStatus[]): MessageRecord {
  const history = statuses.map((status, i) => ({ status, at: new Date(1_000 * i).toISOString() }));
  return { id, status: statuses.at(-1), history } as unknown as MessageRecord;
}

function submit(decision: SubmitDecision, overrides: Partial<LoggedSubmit> = {}): LoggedSubmit {
  return {
    systemId: 'fault',
    sessionId: 1,
    source: 'SMSC',
    sourceTon: 5,
    sourceNpi: 0,
    destination: '79999100000',
    destTon: 1,
    destNpi: 1,
    dataCoding: 0,
    esmClass: 0,
    text: SENT.text,
    at: 1_000,
    decision,
    ...overrides,
  };
}

function accepted(messageId: string): SubmitDecision {
  return { kind: 'accepted', messageId };
}

const DELIVERED_ONCE: ReceivedMessage[] = [
  {
    messageIds: ['100000'],
    systemId: 'fault',
    source: 'SMSC',
    destination: '79999100000',
    text: SENT.text,
    kind: 'sms',
    parts: 1,
    wireParts: 1,
    dataCoding: 0,
    at: 1_000,
  },
];

function judge(submitLog: LoggedSubmit[], extra: Partial<Parameters<typeof checkInvariants>[0]> = {}) {
  return checkInvariants({
    sent: [SENT],
    records: new Map([[SENT.id, record(SENT.id, ['accepted', 'submitting', 'submitted', 'delivered'])]]),
    simulated: DELIVERED_ONCE,
    submitLog,
    receiptsPending: 0,
    ...extra,
  });
}

describe('fault invariants: SUBMIT_SMs per message part', () => {
  it('when a part is submitted once and delivered, then the invariants hold', () => {
    // Act
    const report = judge([submit(accepted('100000'))]);
    // Assess
    expect(report.duplicates).toEqual([]);
    expect(report.refusedAsDuplicate).toEqual([]);
    expect(holds(report)).toBe(true);
  });

  it('when a delivered part is submitted again and the duplicate rule refuses the copy, then the invariants do not hold', () => {
    // Prepare: what the simulator's `messages` never showed (it records accepted messages only).
    const log = [
      submit(accepted('100000')),
      submit({ kind: 'refused', commandStatus: 0x45, rule: 'duplicate' }, { at: 5_000 }),
    ];
    // Act
    const report = judge(log);
    // Assess
    expect(report.duplicates).toEqual([]);
    expect(report.refusedAsDuplicate).toEqual([
      `"case91 #0" to 79999100000: refused as a duplicate at ${new Date(5_000).toISOString()}`,
    ]);
    expect(holds(report)).toBe(false);
  });

  it('when the case expects the duplicate rule to refuse that text, then the refusal is not held against it', () => {
    // Prepare: case 26 posts one text twice to one number as two messages, on purpose.
    const log = [
      submit(accepted('100000')),
      submit({ kind: 'refused', commandStatus: 0x45, rule: 'duplicate' }, { at: 5_000 }),
    ];
    // Act
    const report = judge(log, { expectedDuplicateRefusals: [SENT.text] });
    // Assess
    expect(report.refusedAsDuplicate).toEqual([]);
    expect(holds(report)).toBe(true);
  });

  it('when a part is accepted twice (the duplicate rule off), then it is a duplicate naming both sends', () => {
    // Act
    const report = judge([submit(accepted('100000')), submit(accepted('100007'), { at: 2_000 })]);
    // Assess
    expect(report.duplicates).toHaveLength(1);
    expect(report.duplicates[0]).toContain('"case91 #0" to 79999100000: 2 SUBMIT_SMs');
    expect(report.duplicates[0]).toContain('accepted as 100000');
    expect(report.duplicates[0]).toContain('accepted as 100007');
    expect(holds(report)).toBe(false);
  });

  it('when an unanswered part is sent again, then it is a duplicate (the SMSC may have taken the first)', () => {
    // Act
    const report = judge([
      submit({ kind: 'unanswered', reason: 'no-answer' }),
      submit(accepted('100001'), { at: 3_000 }),
    ]);
    // Assess
    expect(report.duplicates).toHaveLength(1);
    expect(holds(report)).toBe(false);
  });

  it('when a part is refused (throttled, window full, generic_nack with an error) and sent again, then it is no duplicate', () => {
    // Act
    const report = judge([
      submit({ kind: 'refused', commandStatus: 0x58, rule: 'throttle' }),
      submit({ kind: 'refused', commandStatus: 0x14, rule: 'window' }, { at: 1_500 }),
      submit({ kind: 'nack', commandStatus: 0x08 }, { at: 1_800 }),
      submit(accepted('100002'), { at: 2_000 }),
    ]);
    // Assess
    expect(report.duplicates).toEqual([]);
    expect(holds(report)).toBe(true);
  });

  it('when the parts of one long message each go once, and the same part text goes to another number, then nothing is a duplicate', () => {
    // Prepare
    const first = { reference: 7, total: 2, index: 1 };
    const second = { reference: 7, total: 2, index: 2 };
    const log = [
      submit(accepted('100003'), { text: 'same first part', concat: first }),
      submit(accepted('100003'), { text: 'second part', concat: second }),
      submit(accepted('100004'), { text: 'same first part', concat: first, destination: '79999100001' }),
    ];
    // Act
    const report = judge(log);
    // Assess
    expect(report.duplicates).toEqual([]);
  });

  it('when a long message goes again with a new reference number, then each repeated part is a duplicate', () => {
    // Prepare
    const log = [
      submit(accepted('100003'), { text: 'part one', concat: { reference: 7, total: 2, index: 1 } }),
      submit(accepted('100003'), { text: 'part two', concat: { reference: 7, total: 2, index: 2 } }),
      submit(accepted('100009'), { text: 'part one', concat: { reference: 9, total: 2, index: 1 } }),
      submit(accepted('100009'), { text: 'part two', concat: { reference: 9, total: 2, index: 2 } }),
    ];
    // Act
    const report = judge(log);
    // Assess
    expect(report.duplicates.map((line) => line.split(':')[0])).toEqual([
      '"part one" to 79999100000 part 1/2',
      '"part two" to 79999100000 part 2/2',
    ]);
  });

  it('when a generic_nack with status 0 precedes a resend, then it counts as possibly taken', () => {
    // Assess
    expect(mayHaveTaken({ kind: 'nack', commandStatus: 0 })).toBe(true);
    expect(mayHaveTaken({ kind: 'nack', commandStatus: 0x08 })).toBe(false);
    expect(mayHaveTaken({ kind: 'unanswered', reason: 'session-ending' })).toBe(true);
    expect(mayHaveTaken({ kind: 'refused', commandStatus: 0x45, rule: 'duplicate' })).toBe(false);
  });
});

describe('fault invariants: a settled system', () => {
  it('when copies were still in a queue when the case was judged, then the invariants do not hold', () => {
    // Act
    const report = judge([submit(accepted('100000'))], { unsettled: ['bulk queue: 55 copies left'] });
    // Assess
    expect(report.unsettled).toEqual(['bulk queue: 55 copies left']);
    expect(holds(report)).toBe(false);
  });
});
