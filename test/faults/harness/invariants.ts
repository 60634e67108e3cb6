import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import {
  canTransition,
  isFinal,
  type MessageStatus,
  RECEIPT_UNKNOWN,
  RELEASE_CLAIM,
  RELEASE_UNTAKEN,
} from '#core/domain/messages/message-state.ts';
import type { LoggedSubmit, ReceivedMessage, SubmitDecision } from '#local/smsc-simulator/index.ts';
import type { SentMessage } from './traffic.ts';

// The four invariants every fault case ends with (issue "Prove it under faults"):
// - lost = 0: every accepted id is in the table in a final state, or `unknown` only where the
//   simulator never accepted its text (it really never answered);
// - duplicates = 0: no message part went to the SMSC in more than one SUBMIT_SM it may have taken
//   (counted from the simulator's log of every SUBMIT_SM received, so a send its duplicate rule
//   refused is seen too: the fault stack turns that rule off unless a case needs it, and a refusal
//   by it counts unless the case expects it), and no text it accepted is missing from the table;
// - receipts kept: the simulator has no receipt left unacknowledged, and every message it accepted
//   ended in a state only its receipt can give;
// - monotonic: every history only moves forward (a claim released unsent is the one step back).
// They are judged on a settled system only: both send queues empty and no SUBMIT_SM for a quiet
// period (run-case.ts's settle()); what kept it from settling is reported as `unsettled`.

export interface InvariantReport {
  sent: number;
  states: Partial<Record<MessageStatus, number>>;
  lost: string[];
  /** Message parts sent in more than one SUBMIT_SM the SMSC may have taken. */
  duplicates: string[];
  /** SUBMIT_SMs the simulator's duplicate rule refused that the case did not expect: a resend. */
  refusedAsDuplicate: string[];
  /** Why the system was not settled when judged (copies left in a queue, submits still coming). */
  unsettled: string[];
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
  /** Every SUBMIT_SM the simulator received, with its decision (SmscSimulator.submitLog). */
  submitLog: readonly LoggedSubmit[];
  /** Part texts the case expects the duplicate rule to refuse (case 26 sends one text twice). */
  expectedDuplicateRefusals?: readonly string[];
  receiptsPending: number;
  unsettled?: readonly string[];
}): InvariantReport {
  const timesSeen = new Map<string, number>();
  for (const message of input.simulated) timesSeen.set(message.text, (timesSeen.get(message.text) ?? 0) + 1);
  const sentTexts = new Set(input.sent.map((message) => message.text));
  const report: InvariantReport = {
    sent: input.sent.length,
    states: {},
    lost: [],
    duplicates: resentParts(input.submitLog),
    refusedAsDuplicate: unexpectedDuplicateRefusals(input.submitLog, input.expectedDuplicateRefusals ?? []),
    unsettled: [...(input.unsettled ?? [])],
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

/**
 * Whether the SMSC may have taken a SUBMIT_SM: it accepted it, left it unanswered (the sender cannot
 * tell, so the design never sends it again: it ends `unknown`), or answered a generic_nack with
 * status 0 (which says nothing). An error answer (throttled, window full, refused) says it did not:
 * sending the part again is then what the sender must do, not a duplicate.
 */
export function mayHaveTaken(decision: SubmitDecision): boolean {
  return (
    decision.kind === 'accepted' ||
    decision.kind === 'unanswered' ||
    (decision.kind === 'nack' && decision.commandStatus === 0)
  );
}

function describeDecision(decision: SubmitDecision): string {
  switch (decision.kind) {
    case 'accepted':
      return `accepted as ${decision.messageId}`;
    case 'unanswered':
      return `unanswered (${decision.reason})`;
    case 'nack':
      return `generic_nack 0x${decision.commandStatus.toString(16)}`;
    case 'refused':
      return `refused 0x${decision.commandStatus.toString(16)} (${decision.rule})`;
  }
}

function partName(submit: LoggedSubmit): string {
  const part = submit.concat ? ` part ${submit.concat.index}/${submit.concat.total}` : '';
  return `"${submit.text}" to ${submit.destination}${part}`;
}

/** Parts (login, addresses, part number, text) in more than one SUBMIT_SM the SMSC may have taken. */
function resentParts(log: readonly LoggedSubmit[]): string[] {
  const byPart = new Map<string, LoggedSubmit[]>();
  for (const submit of log) {
    if (!mayHaveTaken(submit.decision)) continue;
    const part = submit.concat ? `${submit.concat.index}/${submit.concat.total}` : '1/1';
    const key = [submit.systemId, submit.source, submit.destination, part, submit.text].join('\u0000');
    const sends = byPart.get(key) ?? [];
    sends.push(submit);
    byPart.set(key, sends);
  }
  return [...byPart.values()]
    .filter((sends) => sends.length > 1)
    .map(
      (sends) =>
        `${partName(sends[0] as LoggedSubmit)}: ${sends.length} SUBMIT_SMs (${sends
          .map((send) => `${describeDecision(send.decision)} at ${new Date(send.at).toISOString()}`)
          .join('; ')})`,
    );
}

/** SUBMIT_SMs the duplicate rule refused, but for the texts the case expects it to refuse. */
function unexpectedDuplicateRefusals(log: readonly LoggedSubmit[], expected: readonly string[]): string[] {
  const allowed = new Set(expected);
  return log
    .filter(
      (submit) =>
        submit.decision.kind === 'refused' &&
        submit.decision.rule === 'duplicate' &&
        !allowed.has(submit.text),
    )
    .map((submit) => `${partName(submit)}: refused as a duplicate at ${new Date(submit.at).toISOString()}`);
}

/** A forward move, or the one sanctioned step back: a claim released before anything was sent. */
/** A forward move, or one of the named moves outside the rank order (message-state.ts). */
function isForward(from: MessageStatus, to: MessageStatus): boolean {
  return (
    canTransition(from, to) ||
    [RELEASE_CLAIM, RELEASE_UNTAKEN, RECEIPT_UNKNOWN].some((move) => move.from === from && move.to === to)
  );
}

/** True when every invariant holds. */
export function holds(report: InvariantReport): boolean {
  return (
    report.lost.length === 0 &&
    report.duplicates.length === 0 &&
    report.refusedAsDuplicate.length === 0 &&
    report.unsettled.length === 0 &&
    report.unrecorded.length === 0 &&
    report.receiptsPending === 0 &&
    report.receiptsMissing.length === 0 &&
    report.regressions.length === 0
  );
}
