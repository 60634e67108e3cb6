// Why AWS did not take an entry of a batch call (PutEvents, SendMessageBatch), carried back beside
// the entry's flag: the caller's error line is the only place an operator learns whether to fix a
// policy, a key, a bus name or just wait out throttling (docs/operations.md, StatusStreamFailuresDepth).

/** What AWS said about one entry it did not take: its code and its words, as AWS gave them. */
export interface Refusal {
  errorCode: string;
  reason: string;
  /** SQS only: true when the request was at fault (retrying it unchanged will fail again). */
  senderFault?: boolean;
}

/** One entry's outcome: true when taken; a Refusal, or false when no reason is known, when not. */
export type EntryOutcome = boolean | Refusal;

/** At most this much of AWS's words: enough for a policy ARN, never a whole echoed request. */
const REASON_MAX_LENGTH = 300;

/**
 * AWS's message without any value of the request it may quote. Validation errors echo what was sent
 * (`Value '…' at 'entries.1.member.detail'`, `Value … for parameter MessageBody`), and an event's
 * detail or a job's body holds a recipient, an incoming message's sender and text. Nothing from the
 * first quote on is kept (a quoted value may hold quotes itself, so pairs cannot be trusted), nor an
 * unquoted parameter value; the log's redaction still masks any phone-like number left.
 */
export function awsWords(message: string | undefined): string {
  const unechoed = (message ?? '').replace(/\bValue\b[\s\S]*?\bfor parameter\b/gi, 'Value … for parameter');
  const quote = unechoed.search(/['"`]/);
  const kept = (quote === -1 ? unechoed : `${unechoed.slice(0, quote)}…`).trim();
  return kept.length > REASON_MAX_LENGTH ? `${kept.slice(0, REASON_MAX_LENGTH)}…` : kept;
}

/** The refusal of every entry of a call that failed as a whole (after the SDK's own retries). */
export function callRefusal(error: unknown): Refusal {
  if (!(error instanceof Error)) return { errorCode: 'Unknown', reason: 'not an Error' };
  return { errorCode: error.name, reason: awsWords(error.message) };
}

/** The fields of an error line saying why an entry was not taken; none when nothing is known. */
export function refusalFields(outcome: EntryOutcome | undefined): Partial<Refusal> {
  if (typeof outcome !== 'object') return {};
  const { errorCode, reason, senderFault } = outcome;
  return senderFault === undefined ? { errorCode, reason } : { errorCode, reason, senderFault };
}
