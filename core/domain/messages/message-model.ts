import type { MessageEncoding } from '#core/domain/encoding/index.ts';
import type { MessageContent } from '#core/domain/messages/message-kinds.ts';
import { type MessageStatus, SUBMIT_UNCONFIRMED } from '#core/domain/messages/message-state.ts';
import type { PreparedMessage } from '#core/domain/messages/prepare-message.ts';
import type { ProviderMessageType, TemplateType } from '#core/domain/receipts/receipt.ts';
import type { Priority, SendMessageRequest } from '#core/domain/requests/message-schema.ts';
import { withoutUndefined } from '#core/domain/without-undefined.ts';

// A message as stored in DynamoDB and returned by GET /messages/{id}. It keeps what the caller sent
// (their text and fields, not the marked-up SUBMIT_SM body, which `prepareMessage` rebuilds) and what
// the SMSC told us since. Timestamps are ISO 8601 strings in UTC.

export interface StatusChange {
  status: MessageStatus;
  at: string;
}

/** When the message was last claimed (moved to `submitting`); undefined when it never was. */
export function claimedAtOf(history: readonly StatusChange[]): string | undefined {
  return [...history].reverse().find((change) => change.status === 'submitting')?.at;
}

export interface MessageError {
  /**
   * The provider's `err` code (number), or one of ours (string): a refusal before any submit,
   * `submit_unconfirmed` (an `unknown` whose submit went unanswered), `parts_not_sent` (SINGLE).
   */
  code: number | string;
  name: string;
  description: string;
}

/** The error of an `unknown` whose submit went unanswered; `reason` says what happened. */
export function submitUnconfirmedError(reason: string): MessageError {
  return { code: SUBMIT_UNCONFIRMED, name: 'Submit outcome unknown', description: reason };
}

/** What the provider's last receipt said about the message beyond its status (all optional). */
export interface ProviderReport {
  /** TLV 0x2001 bits 0-3. */
  messageType?: ProviderMessageType;
  /** TLV 0x2001 bit 5: paid from the second balance. */
  paidFromSecondBalance?: boolean;
  /** TLV 0x2001 bit 8; bits 9-10 give the template's type. */
  template?: boolean;
  templateType?: TemplateType;
  /** TLV 0x2002: the parts the provider counted. */
  parts?: number;
  /** Receipt text `sub:` and `dlvrd:`: parts submitted and delivered. */
  submittedParts?: number;
  deliveredParts?: number;
  /** Receipt text `submit date:` and `done date:`, ISO 8601 (read as UTC). */
  submitDate?: string;
  doneDate?: string;
}

/** The record's content (kind, text, subject, voice, bot, comment) is MessageContent's. */
export interface MessageRecord extends MessageContent {
  id: string;
  to: string;
  from?: string;
  priority: Priority;
  encoding: MessageEncoding;
  /**
   * The encoding the caller asked for, when not `auto`: with it the record holds the request as it
   * was validated, so the message can be enqueued again exactly as first enqueued (queue-body.ts).
   */
  requestedEncoding?: MessageEncoding;
  dataCoding: number;
  /** Binary messages: the caller's user data header, hex (the payload is `text`, hex too). */
  udh?: string;
  parts: number;
  validityMinutes: number;
  clientRef?: string;
  callbackUrl?: string;
  batchId?: string;
  /**
   * The account (SMPP_ACCOUNTS entry) that sends it, named by the caller or chosen by the routing
   * rules. Absent only on records written before accounts existed, and on rejected queue messages
   * that named no known account.
   */
  account?: string;
  status: MessageStatus;
  /** Every status the message went through, oldest first, the current one last. */
  history: StatusChange[];
  /** One id per message by default; one per part with the SINGLE flag. */
  smscIds: string[];
  error?: MessageError;
  /** As the provider reports it (TLV 0x2000), a decimal string: never parsed into a float. */
  cost?: string;
  mccmnc?: string;
  read: boolean;
  clicked: boolean;
  hlr?: Record<string, string>;
  /** The last callback attempt, written by the callback worker (not a status change: no event). */
  callback?: CallbackOutcome;
  report?: ProviderReport;
  createdAt: string;
  updatedAt: string;
}

/**
 * delivered: the receiver answered 2xx. retrying: it failed and will be tried again. failed: the
 * last allowed attempt failed (the job is on the callback DLQ). rejected: an answer retrying cannot
 * change (3xx, 4xx but 408/429). refused: the URL may not be called from here.
 */
export type CallbackResult = 'delivered' | 'retrying' | 'failed' | 'rejected' | 'refused';

export interface CallbackOutcome {
  /** Attempts of the job this outcome belongs to. */
  attempts: number;
  /** The receiver's HTTP status; null when it did not answer (timeout, connection refused). */
  lastStatus: number | null;
  lastAt: string;
  outcome: CallbackResult;
  /** The status change the callback told of. */
  forStatus: MessageStatus;
}

export interface NewRecordInput {
  id: string;
  request: SendMessageRequest;
  prepared: PreparedMessage;
  batchId?: string;
  /** The account chosen for it (core/domain/accounts/routing.ts); the API and the bind-service always give it. */
  account?: string;
  now: Date;
}

/** What a new record says about its message; what the SMSC tells about it comes later. */
export type AcceptedFields = Omit<
  MessageRecord,
  | 'status'
  | 'history'
  | 'smscIds'
  | 'error'
  | 'cost'
  | 'mccmnc'
  | 'read'
  | 'clicked'
  | 'hlr'
  | 'createdAt'
  | 'updatedAt'
>;

/** A record in `accepted` at `now`, with nothing heard from the SMSC yet. */
export function newAcceptedRecord(fields: AcceptedFields, now: Date): MessageRecord {
  const at = now.toISOString();
  // Optional fields given as undefined are left out: DynamoDB's marshaller refuses undefined values.
  // The fixed fields come first: in V8 a literal that spreads an object and then adds properties
  // costs some 10 µs, one that spreads last a tenth of one (every accepted message makes one).
  return {
    status: 'accepted',
    history: [{ status: 'accepted', at }],
    smscIds: [],
    read: false,
    clicked: false,
    createdAt: at,
    updatedAt: at,
    ...withoutUndefined(fields),
  };
}

/**
 * A new record refused the moment it is made (an invalid queue message): `accepted` then `rejected`
 * at its creation time, so it is written in one put and is never seen `accepted`.
 */
export function rejectedOnArrival(record: MessageRecord, error: MessageError): MessageRecord {
  const history = [...record.history, { status: 'rejected' as const, at: record.createdAt }];
  return { ...record, status: 'rejected', history, error, updatedAt: record.createdAt };
}

/** The record written when a message is accepted, before any SMPP work. */
export function acceptedMessageRecord({
  id,
  request,
  prepared,
  batchId,
  account,
  now,
}: NewRecordInput): MessageRecord {
  return newAcceptedRecord(
    {
      id,
      to: prepared.to,
      kind: prepared.kind,
      priority: prepared.priority,
      encoding: prepared.encoding,
      dataCoding: prepared.dataCoding,
      parts: prepared.parts,
      validityMinutes: prepared.validityMinutes,
      from: prepared.from,
      text: request.text,
      subject: request.subject,
      voice: request.voice,
      bot: request.bot,
      comment: request.comment,
      udh: request.udh,
      clientRef: request.clientRef,
      callbackUrl: request.callbackUrl,
      batchId,
      account,
      requestedEncoding: request.encoding === 'auto' ? undefined : request.encoding,
    },
    now,
  );
}
