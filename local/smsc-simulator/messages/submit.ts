import { CommandStatus } from '#core/domain/provider/command-status.ts';
// The submit_sm path, in the provider's order: bind state, window, scripted faults, account rate,
// then the message itself (parts, duplicate rule, id, answer). Kept cheap: with recording off and no
// receipt asked for, a submit costs a counter or two, an id and the answer.

import { type PDU, smpp } from '#bind-service/smpp/codec.ts';
import { decodeText, splitUdh } from '#core/domain/encoding/index.ts';
import type { ResolvedOptions } from '../options.ts';
import type { SessionRegistry } from '../sessions/registry.ts';
import type { SimSession } from '../sessions/session.ts';
import type { TimerSet } from '../timers.ts';
import type { LoggedSubmit, ReceivedSubmit, SimulatorStats, SubmitDecision } from '../types.ts';
import type { AnswerFault, FaultBook, SessionFault } from './faults.ts';
import { acceptableCode } from './kinds.ts';
import type { MessageBook } from './messages.ts';
import {
  type AssembledPart,
  addressesOf,
  assemblyKey,
  type MessageHead,
  type MultipartAssembler,
} from './multipart.ts';
import type { DuplicateGuard } from './rules.ts';

const ESM_UDHI = 0x40;

export interface SubmitDeps {
  options: ResolvedOptions;
  stats: SimulatorStats;
  registry: SessionRegistry;
  faults: FaultBook;
  assembler: MultipartAssembler;
  book: MessageBook;
  duplicates: DuplicateGuard;
  timers: TimerSet;
  nextMessageId: () => string;
  /** Whether accepted parts are kept or listened to; when false no ReceivedSubmit is built. */
  wantsSubmits: () => boolean;
  onSubmit: (submit: ReceivedSubmit) => void;
  /** Whether every SUBMIT_SM received is logged with its decision; when false none is built. */
  wantsLog: () => boolean;
  onLogged: (submit: LoggedSubmit) => void;
  endSession: (session: SimSession, fault: SessionFault) => void;
}

/** How an accepted submit is answered: after `delayMs`, and with its id or (scripted) without. */
interface AnswerStyle {
  delayMs: number;
  withoutId: boolean;
}

interface Concat {
  reference: number;
  total: number;
  index: number;
}

/** SMS segments a message_payload of this many bytes makes (for sub: and the cost). */
function segments(bytes: number, dataCoding: number, iso: boolean): number {
  // Under ISO, data_coding 0 is ISO-8859-1: 8-bit sizes, as billedParts counts a commented one.
  const gsm = !iso && (dataCoding & 0x0c) === 0;
  const single = gsm ? 160 : 140;
  const part = gsm ? 153 : 134;
  return bytes <= single ? 1 : Math.ceil(bytes / part);
}

function rawMessage(pdu: PDU): Buffer {
  const payload = pdu.message_payload;
  return Buffer.from(payload && payload.length > 0 ? payload : (pdu.short_message ?? Buffer.alloc(0)));
}

/** The message body without UDH, and its concatenation info (UDH or SAR TLVs) when it is a part. */
function bodyOf(pdu: PDU): { body: Buffer; concat: Concat | undefined } {
  const esmClass = pdu.esm_class ?? 0;
  const payload = pdu.message_payload;
  let body = payload && payload.length > 0 ? payload : (pdu.short_message ?? Buffer.alloc(0));
  let concat: Concat | undefined;
  if (esmClass & ESM_UDHI) {
    const split = splitUdh(body, esmClass);
    body = split.payload;
    concat = split.concat;
  } else if (pdu.sar_msg_ref_num !== undefined) {
    concat = {
      reference: Number(pdu.sar_msg_ref_num),
      total: Number(pdu.sar_total_segments),
      index: Number(pdu.sar_segment_seqnum),
    };
  }
  if (concat && !(concat.total > 1 && concat.index >= 1 && concat.index <= concat.total)) concat = undefined;
  return { body, concat };
}

function validityText(value: PDU['validity_period']): string | undefined {
  if (value instanceof Date) return value.toISOString();
  return value ? value : undefined;
}

export class SubmitHandler {
  private readonly needsTextAlways: boolean;

  constructor(private readonly deps: SubmitDeps) {
    const { options, duplicates } = deps;
    this.needsTextAlways = options.record || duplicates.enabled || options.outcomeRules.length > 0;
  }

  handle(session: SimSession, pdu: PDU): void {
    if (!this.deps.wantsLog()) {
      this.decide(session, pdu);
      return;
    }
    // Logged before any rule or fault decides, so a refused or unanswered send is in the log too.
    const logged = this.logEntry(session, pdu);
    try {
      logged.decision = this.decide(session, pdu);
    } finally {
      this.deps.onLogged(logged);
    }
  }

  private logEntry(session: SimSession, pdu: PDU): LoggedSubmit {
    const { body, concat } = bodyOf(pdu);
    const dataCoding = pdu.data_coding ?? 0;
    const logged: LoggedSubmit = {
      ...senderAndAddresses(session, pdu),
      dataCoding,
      esmClass: pdu.esm_class ?? 0,
      text: decodeText(body, dataCoding, { isoMode: session.flags.iso }),
      at: Date.now(),
      // Replaced once decided; stays only if deciding threw.
      decision: { kind: 'unanswered', reason: 'no-answer' },
    };
    if (concat) logged.concat = concat;
    return logged;
  }

  private decide(session: SimSession, pdu: PDU): SubmitDecision {
    const { stats, faults } = this.deps;
    stats.submits += 1;
    if (!session.canSubmit) {
      // A session being ended (kicked, unbind-after) no longer answers what is still in its window.
      if (session.state === 'ending') return { kind: 'unanswered', reason: 'session-ending' };
      return this.refuse(session, pdu, CommandStatus.ESME_RINVBNDSTS, 'bind-state');
    }
    if (session.inFlight >= this.deps.options.windowSize) {
      stats.queueFull += 1;
      return this.refuse(session, pdu, CommandStatus.ESME_RMSGQFUL, 'window');
    }
    let answerDelayMs = 0;
    let answerWithoutId = false;
    if (!faults.empty) {
      const due = faults.dueBeforeAnswer();
      if (due) {
        this.deps.endSession(session, due);
        return { kind: 'unanswered', reason: 'session-fault' };
      }
      const fault = faults.takeAnswerFault();
      if (fault?.type === 'slow') answerDelayMs = fault.delayMs;
      else if (fault?.type === 'empty-id') answerWithoutId = true;
      else if (fault) {
        const decision = this.answerWithFault(session, pdu, fault);
        this.afterAnswer(session);
        return decision;
      }
    }
    const account = this.deps.registry.account(session.systemId ?? '');
    let decision: SubmitDecision;
    if (!account || account.throttled || !account.bucket.take()) {
      stats.throttled += 1;
      decision = this.refuse(session, pdu, CommandStatus.ESME_RTHROTTLED, 'throttle');
    } else {
      decision = this.accept(session, pdu, { delayMs: answerDelayMs, withoutId: answerWithoutId });
    }
    if (!faults.empty) this.afterAnswer(session);
    return decision;
  }

  private accept(session: SimSession, pdu: PDU, style: AnswerStyle): SubmitDecision {
    const dataCoding = pdu.data_coding ?? 0;
    const payload = pdu.message_payload;
    const { body, concat } = bodyOf(pdu);
    const registeredDelivery = pdu.registered_delivery ?? 0;
    const text =
      this.needsTextAlways || (registeredDelivery & 0x03) !== 0
        ? decodeText(body, dataCoding, { isoMode: session.flags.iso })
        : '';
    const head: MessageHead = {
      ...senderAndAddresses(session, pdu),
      dataCoding,
      registeredDelivery,
      single: session.flags.single,
      iso: session.flags.iso,
      at: Date.now(),
    };
    if (concat) return this.acceptPart(session, pdu, head, concat, text, style);
    return this.acceptWhole(
      session,
      pdu,
      head,
      text,
      style,
      payload ? segments(body.length, dataCoding, session.flags.iso) : 1,
    );
  }

  private acceptWhole(
    session: SimSession,
    pdu: PDU,
    head: MessageHead,
    text: string,
    style: AnswerStyle,
    parts: number,
  ): SubmitDecision {
    if (this.isDuplicate(head, text)) return this.refuseMessage(session, pdu, 'duplicate');
    if (!acceptableCode(text)) return this.refuseMessage(session, pdu, 'code');
    const messageId = this.deps.nextMessageId();
    this.record(pdu, head, messageId, text, undefined);
    this.answer(session, pdu, messageId, style);
    this.deps.book.complete(head, [{ index: 1, messageId, text }], parts, style.delayMs);
    return { kind: 'accepted', messageId };
  }

  private acceptPart(
    session: SimSession,
    pdu: PDU,
    head: MessageHead,
    concat: Concat,
    text: string,
    style: AnswerStyle,
  ): SubmitDecision {
    const { assembler } = this.deps;
    const key = assemblyKey(head.systemId, head.source, head.destination, concat.reference);
    let assembly = assembler.find(key);
    if (assembly && assembler.wouldComplete(assembly, concat.index)) {
      if (this.isDuplicate(head, assembler.textWith(assembly, concat.index, text))) {
        // The whole message repeats one already sent: its last part is refused and the rest dropped.
        assembler.discard(assembly);
        return this.refuseMessage(session, pdu, 'duplicate');
      }
    }
    const messageId = head.single || !assembly ? this.deps.nextMessageId() : assembly.messageId;
    assembly ??= assembler.start(key, head, concat.total, messageId);
    this.record(pdu, head, messageId, text, concat);
    this.answer(session, pdu, messageId, style);
    const part: AssembledPart = { index: concat.index, messageId, text };
    const whole = assembler.add(assembly, part);
    if (whole) this.deps.book.complete(assembly.head, whole, assembly.total, style.delayMs);
    return { kind: 'accepted', messageId };
  }

  private isDuplicate(head: MessageHead, text: string): boolean {
    const { duplicates } = this.deps;
    return (
      duplicates.enabled &&
      duplicates.isDuplicate(head.systemId, head.source, head.destination, text, head.at)
    );
  }

  /** A repeat inside the duplicate window, or a Telegram code the provider does not accept. */
  private refuseMessage(session: SimSession, pdu: PDU, rule: 'duplicate' | 'code'): SubmitDecision {
    this.deps.stats.refused += 1;
    return this.refuse(session, pdu, CommandStatus.ESME_RSUBMITFAIL, rule);
  }

  private record(pdu: PDU, head: MessageHead, messageId: string, text: string, concat?: Concat): void {
    this.deps.stats.accepted += 1;
    this.deps.book.noteSubmitted(messageId, head.systemId, head.at);
    if (!this.deps.wantsSubmits()) return;
    const submit: ReceivedSubmit = {
      messageId,
      systemId: head.systemId,
      sessionId: head.sessionId,
      ...addressesOf(head),
      dataCoding: head.dataCoding,
      esmClass: pdu.esm_class ?? 0,
      registeredDelivery: head.registeredDelivery,
      text,
      shortMessage: rawMessage(pdu),
      at: head.at,
    };
    const validityPeriod = validityText(pdu.validity_period);
    if (validityPeriod) submit.validityPeriod = validityPeriod;
    if (concat) submit.concat = concat;
    this.deps.onSubmit(submit);
  }

  private answer(
    session: SimSession,
    pdu: PDU,
    messageId: string,
    { delayMs, withoutId }: AnswerStyle,
  ): void {
    // withoutId: accepted (recorded, receipt sent under its id) but answered with an empty message_id.
    const spelled = messageId.padStart(this.deps.options.idPadding.answer, '0');
    const response = pdu.response({ message_id: withoutId ? '' : spelled });
    if (delayMs <= 0) {
      session.send(response);
      return;
    }
    session.inFlight += 1;
    this.deps.timers.set(() => {
      session.inFlight -= 1;
      session.send(response);
    }, delayMs);
  }

  private answerWithFault(session: SimSession, pdu: PDU, fault: AnswerFault): SubmitDecision {
    switch (fault.type) {
      case 'no-answer':
        return { kind: 'unanswered', reason: 'no-answer' };
      case 'generic-nack':
        session.send(
          new smpp.PDU('generic_nack', {
            command_status: fault.commandStatus,
            sequence_number: pdu.sequence_number,
          }),
        );
        return { kind: 'nack', commandStatus: fault.commandStatus };
      case 'status':
        return this.refuse(session, pdu, fault.commandStatus, 'fault');
      case 'throttle':
        this.deps.stats.throttled += 1;
        return this.refuse(session, pdu, CommandStatus.ESME_RTHROTTLED, 'throttle');
      case 'slow':
      case 'empty-id':
        // Taken by decide() before it gets here; never answered from here.
        return { kind: 'unanswered', reason: 'no-answer' };
    }
  }

  private afterAnswer(session: SimSession): void {
    const due = this.deps.faults.countAnswered();
    if (due) this.deps.endSession(session, due);
  }

  private refuse(
    session: SimSession,
    pdu: PDU,
    commandStatus: number,
    rule: Extract<SubmitDecision, { kind: 'refused' }>['rule'],
  ): SubmitDecision {
    session.send(pdu.response({ command_status: commandStatus }));
    return { kind: 'refused', commandStatus, rule };
  }
}

/** Who sent the SUBMIT_SM, and its addresses: what its log entry and its message's head share. */
function senderAndAddresses(session: SimSession, pdu: PDU) {
  return {
    systemId: session.systemId ?? '',
    sessionId: session.id,
    source: pdu.source_addr ?? '',
    sourceTon: pdu.source_addr_ton ?? 0,
    sourceNpi: pdu.source_addr_npi ?? 0,
    destination: pdu.destination_addr ?? '',
    destTon: pdu.dest_addr_ton ?? 0,
    destNpi: pdu.dest_addr_npi ?? 0,
  };
}
