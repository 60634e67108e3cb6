import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import {
  canTransition,
  isFinal,
  type MessageStatus,
  RELEASE_CLAIM,
} from '#core/domain/messages/message-state.ts';
import type { ReceivedMessage } from '#local/smsc-simulator/index.ts';
import type { SentMessage } from './traffic.ts';

// The four invariants every fault case ends with (issue "Prove it under faults"):
// - lost = 0: every accepted id is in the table in a final state, or `unknown` only where the
//   simulator never accepted its text (it really never answered);
// - duplicates = 0: no text reached the simulator twice, and none it accepted is missing from the table;
// - receipts kept: the simulator has no receipt left unacknowledged, and every message it accepted
//   ended in a state only its receipt can give;
// - monotonic: every history only moves forward (a claim released unsent is the one step back).

export interface InvariantReport {
  sent: number;
  states: Partial<Record<MessageStatus, number>>;
  lost: string[];
  duplicates: string[];
  /** Texts the simulator accepted that belong to no record. */
  unrecorded: string[];
  receiptsPending: number;
  receiptsMissing: string[];
  regressions: string[];
  /** `unknown` where the simulator never accepted the text: allowed, reported. */
  unknownUnanswered: number;
}

const RECEIPT_STATES: ReadonlySet<MessageStatus> = new Set([
  'delivered',
  'undelivered',
  'expired',
  'rejected',
]);

export function checkInvariants(input: {
  sent: readonly SentMessage[];
  records: ReadonlyMap<string, MessageRecord>;
  simulated: readonly ReceivedMessage[];
  receiptsPending: number;
}): InvariantReport {
  const timesSeen = new Map<string, number>();
  for (const message of input.simulated) timesSeen.set(message.text, (timesSeen.get(message.text) ?? 0) + 1);
  const sentTexts = new Set(input.sent.map((message) => message.text));
  const report: InvariantReport = {
    sent: input.sent.length,
    states: {},
    lost: [],
    duplicates: [...timesSeen].filter(([, count]) => count > 1).map(([text]) => text),
    unrecorded: [...timesSeen.keys()].filter((text) => !sentTexts.has(text)),
    receiptsPending: input.receiptsPending,
    receiptsMissing: [],
    regressions: [],
    unknownUnanswered: 0,
  };
  for (const message of input.sent) {
    const record = input.records.get(message.id);
    if (!record) {
      report.lost.push(`${message.id}: no record`);
      continue;
    }
    report.states[record.status] = (report.states[record.status] ?? 0) + 1;
    const reachedSmsc = timesSeen.has(message.text);
    if (record.status === 'unknown') {
      if (reachedSmsc) report.lost.push(`${message.id}: unknown although the SMSC accepted it`);
      else report.unknownUnanswered++;
    } else if (!isFinal(record.status)) {
      report.lost.push(`${message.id}: stuck in ${record.status}`);
    }
    if (reachedSmsc && !RECEIPT_STATES.has(record.status) && record.status !== 'unknown')
      report.receiptsMissing.push(`${message.id}: ${record.status}`);
    const moves = record.history.slice(1).map((change, i) => [record.history[i]?.status, change.status]);
    if (moves.some(([from, to]) => from !== undefined && to !== undefined && !isForward(from, to)))
      report.regressions.push(`${message.id}: ${record.history.map((change) => change.status).join(' → ')}`);
  }
  return report;
}

/** A forward move, or the one sanctioned step back: a claim released before anything was sent. */
function isForward(from: MessageStatus, to: MessageStatus): boolean {
  return canTransition(from, to) || (from === RELEASE_CLAIM.from && to === RELEASE_CLAIM.to);
}

/** True when every invariant holds. */
export function holds(report: InvariantReport): boolean {
  return (
    report.lost.length === 0 &&
    report.duplicates.length === 0 &&
    report.unrecorded.length === 0 &&
    report.receiptsPending === 0 &&
    report.receiptsMissing.length === 0 &&
    report.regressions.length === 0
  );
}
