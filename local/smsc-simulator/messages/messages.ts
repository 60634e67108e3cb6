// What happens to a whole message once the simulator has it: kind and comment are read from the
// text, the outcome is decided (script, flood rule, outcome rules), receipts are scheduled and the
// state is kept for QUERY_SM.

import { type ReceiptSubject, receiptFields } from '../deliveries/receipt-pdu.ts';
import { MESSAGE_STATE, messageStateOf } from '../deliveries/receipt-text.ts';
import type { ReceiptDispatcher } from '../deliveries/receipts.ts';
import type { ResolvedOptions } from '../options.ts';
import type { MessageKind, Outcome, ReceiptStatText, ReceivedMessage, SimulatorStats } from '../types.ts';
import { billedParts } from './billing.ts';
import { classifyText, isFlash } from './kinds.ts';
import { type AssembledPart, addressesOf, type MessageHead } from './multipart.ts';
import { type FloodGuard, resolveOutcome } from './rules.ts';

const ERR_NOT_ALL_PARTS = 241;
const ERR_FLOOD = 251;
const EXTRA_STATUS = { read: 2, clicked: 4 } as const;

export interface MessageState {
  /** The login that submitted it: the SMSC keeps messages per account, so no other login finds it. */
  systemId: string;
  submittedAt: number;
  outcome?: Outcome;
  /** When the outcome becomes visible; before it the message is ENROUTE. */
  doneAt?: number;
}

export interface MessageBookDeps {
  options: ResolvedOptions;
  stats: SimulatorStats;
  receipts: ReceiptDispatcher;
  flood: FloodGuard;
  /** Whether whole messages are kept or listened to (building one costs a little). */
  wantsMessages: () => boolean;
  onMessage: (message: ReceivedMessage) => void;
  onIncomplete: (head: MessageHead, parts: AssembledPart[], total: number) => void;
}

/** registered_delivery bits 0-1: 1 = always, 2 = on failure only. */
function wantsReceipt(registeredDelivery: number, outcome: Outcome): boolean {
  const request = registeredDelivery & 0x03;
  return request === 1 || (request === 2 && outcome.stat !== 'DELIVRD');
}

export class MessageBook {
  private readonly states = new Map<string, MessageState>();
  readonly scripted = new Map<string, Outcome>();

  constructor(private readonly deps: MessageBookDeps) {}

  /** Remembers a submitted id for QUERY_SM (only when recording: it is one entry per id). */
  noteSubmitted(messageId: string, systemId: string, at: number): void {
    if (this.deps.options.record && !this.states.has(messageId))
      this.states.set(messageId, { systemId, submittedAt: at });
  }

  state(messageId: string): MessageState | undefined {
    return this.states.get(messageId);
  }

  /** A whole message arrived; `answerDelayMs` is how long its last submit_sm_resp is held back. */
  complete(head: MessageHead, parts: AssembledPart[], total: number, answerDelayMs: number): void {
    const { options } = this.deps;
    const needsMessage =
      this.deps.wantsMessages() || options.outcomeRules.length > 0 || (head.registeredDelivery & 0x03) !== 0;
    const fullText = parts.length === 1 ? (parts[0]?.text ?? '') : parts.map((p) => p.text).join('');
    const classified = needsMessage ? classifyText(fullText, isFlash(head.dataCoding)) : undefined;
    // Not billed, not sent on: a comment never adds parts (a binary UDH message keeps its own count).
    const billed =
      classified?.comment === undefined
        ? total
        : billedParts(classified.text, head.dataCoding, head.iso ?? false, total);
    const message: ReceivedMessage | undefined = classified && {
      messageIds: head.single ? parts.map((p) => p.messageId) : [parts[0]?.messageId ?? ''],
      systemId: head.systemId,
      source: head.source,
      destination: head.destination,
      text: classified.text,
      kind: classified.kind,
      parts: billed,
      wireParts: total,
      dataCoding: head.dataCoding,
      at: head.at,
      ...(classified.comment === undefined ? {} : { comment: classified.comment }),
    };
    if (message && this.deps.wantsMessages()) this.deps.onMessage(message);

    const now = Date.now();
    const flooded = this.deps.flood.isFlood(head.systemId, head.destination, now);
    let outcome: Outcome = { stat: 'DELIVRD', err: 0 };
    if (flooded) outcome = { stat: 'UNDELIV', err: ERR_FLOOD };
    else if (message) outcome = resolveOutcome(message, this.scripted, options.outcomeRules);
    const delay = answerDelayMs + (outcome.delayMs ?? options.receiptDelayMs);
    this.settle(parts, outcome, now + delay);
    if (!wantsReceipt(head.registeredDelivery, outcome)) return;
    this.sendReceipts(head, parts, billed, message?.kind ?? 'sms', outcome, delay);
  }

  /** The multipart window closed before every part came: the provider fails it with err 241. */
  expire(head: MessageHead, parts: AssembledPart[], total: number): void {
    this.deps.stats.incompleteMessages += 1;
    const outcome: Outcome = { stat: 'UNDELIV', err: ERR_NOT_ALL_PARTS };
    this.settle(parts, outcome, Date.now());
    this.deps.onIncomplete(head, parts, total);
    if (!wantsReceipt(head.registeredDelivery, outcome)) return;
    this.sendReceipts(head, parts, total, 'sms', outcome, 0);
  }

  clear(): void {
    this.states.clear();
  }

  private settle(parts: AssembledPart[], outcome: Outcome, doneAt: number): void {
    if (!this.deps.options.record) return;
    for (const part of parts) {
      const state = this.states.get(part.messageId);
      if (state) {
        state.outcome = outcome;
        state.doneAt = doneAt;
      }
    }
  }

  private sendReceipts(
    head: MessageHead,
    parts: AssembledPart[],
    /** Parts the receipt speaks for: billed parts, without the comment's. */
    total: number,
    kind: MessageKind,
    outcome: Outcome,
    delayMs: number,
  ): void {
    // Default mode: one receipt for the whole message; SINGLE: one per part, each for 1 part.
    const subjects: ReceiptSubject[] = head.single
      ? parts.map((part) => this.subject(head, part.messageId, 1, kind))
      : [this.subject(head, parts[0]?.messageId ?? '', total, kind)];
    for (const subject of subjects) {
      this.schedule(head, subject, outcome.stat, outcome.err ?? 0, delayMs, undefined, outcome.flags);
      if (outcome.followUp) {
        const extraStatus = EXTRA_STATUS[outcome.followUp];
        this.schedule(head, subject, 'DELIVRD', 0, delayMs + this.deps.options.receiptDelayMs, extraStatus);
      }
      for (const [index, stat] of (outcome.laterReceipts ?? []).entries()) {
        const err = stat === 'ENROUTE' ? 0 : (outcome.err ?? 0);
        this.schedule(head, subject, stat, err, delayMs + (index + 1) * this.deps.options.receiptDelayMs);
      }
    }
  }

  private subject(head: MessageHead, messageId: string, parts: number, kind: MessageKind): ReceiptSubject {
    return {
      messageId,
      ...addressesOf(head),
      kind,
      parts,
      submittedAt: head.at,
    };
  }

  private schedule(
    head: MessageHead,
    subject: ReceiptSubject,
    stat: ReceiptStatText,
    err: number,
    delayMs: number,
    extraStatus?: number,
    flags?: number,
  ): void {
    const { options } = this.deps;
    const width = options.idPadding.receipt;
    const spelled = width > 0 ? { ...subject, messageId: subject.messageId.padStart(width, '0') } : subject;
    const fields = receiptFields(spelled, {
      ...(flags === undefined ? {} : { flags }),
      stat,
      err,
      doneAt: Date.now() + delayMs,
      pricePerPart: options.pricePerPart,
      mccmnc: options.network.mccmnc(head.destination),
      ...(subject.kind === 'hlr' ? { hlr: options.hlr(head.destination) } : {}),
      ...(extraStatus === undefined ? {} : { extraStatus }),
    });
    const job = {
      systemId: head.systemId,
      preferredSessionId: head.sessionId,
      messageId: subject.messageId,
      stat,
      err,
      fields,
      attempt: 0,
    };
    this.deps.receipts.schedule(job, delayMs);
  }
}

/** message_state, error and final date of a recorded message as QUERY_SM reports them. */
export function queryView(
  state: MessageState,
  now: number,
): { messageState: number; err: number; finalDate?: Date } {
  if (!state.outcome || state.doneAt === undefined || now < state.doneAt) {
    return { messageState: MESSAGE_STATE.ENROUTE, err: 0 };
  }
  return {
    messageState: messageStateOf(state.outcome.stat),
    err: state.outcome.err ?? 0,
    finalDate: new Date(state.doneAt),
  };
}
