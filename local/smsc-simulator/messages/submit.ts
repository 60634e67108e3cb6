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
import type { ReceivedSubmit, SimulatorStats } from '../types.ts';
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
    const { stats, faults } = this.deps;
    stats.submits += 1;
    if (!session.canSubmit) {
      // A session being ended (kicked, unbind-after) no longer answers what is still in its window.
      if (session.state !== 'ending') this.refuse(session, pdu, CommandStatus.ESME_RINVBNDSTS);
      return;
    }
    if (session.inFlight >= this.deps.options.windowSize) {
      stats.queueFull += 1;
      this.refuse(session, pdu, CommandStatus.ESME_RMSGQFUL);
      return;
    }
    let answerDelayMs = 0;
    let answerWithoutId = false;
    if (!faults.empty) {
      const due = faults.dueBeforeAnswer();
      if (due) {
        this.deps.endSession(session, due);
        return;
      }
      const fault = faults.takeAnswerFault();
      if (fault?.type === 'slow') answerDelayMs = fault.delayMs;
      else if (fault?.type === 'empty-id') answerWithoutId = true;
      else if (fault) {
        this.answerWithFault(session, pdu, fault);
        this.afterAnswer(session);
        return;
      }
    }
    const account = this.deps.registry.account(session.systemId ?? '');
    if (!account || account.throttled || !account.bucket.take()) {
      stats.throttled += 1;
      this.refuse(session, pdu, CommandStatus.ESME_RTHROTTLED);
    } else {
      this.accept(session, pdu, { delayMs: answerDelayMs, withoutId: answerWithoutId });
    }
    if (!faults.empty) this.afterAnswer(session);
  }

  private accept(session: SimSession, pdu: PDU, style: AnswerStyle): void {
    const esmClass = pdu.esm_class ?? 0;
    const dataCoding = pdu.data_coding ?? 0;
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
    if (concat && !(concat.total > 1 && concat.index >= 1 && concat.index <= concat.total))
      concat = undefined;
    const registeredDelivery = pdu.registered_delivery ?? 0;
    const text =
      this.needsTextAlways || (registeredDelivery & 0x03) !== 0
        ? decodeText(body, dataCoding, { isoMode: session.flags.iso })
        : '';
    const head: MessageHead = {
      systemId: session.systemId ?? '',
      sessionId: session.id,
      source: pdu.source_addr ?? '',
      sourceTon: pdu.source_addr_ton ?? 0,
      sourceNpi: pdu.source_addr_npi ?? 0,
      destination: pdu.destination_addr ?? '',
      destTon: pdu.dest_addr_ton ?? 0,
      destNpi: pdu.dest_addr_npi ?? 0,
      dataCoding,
      registeredDelivery,
      single: session.flags.single,
      iso: session.flags.iso,
      at: Date.now(),
    };
    if (concat) this.acceptPart(session, pdu, head, concat, text, style);
    else
      this.acceptWhole(
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
  ): void {
    if (this.isDuplicate(head, text) || !acceptableCode(text)) {
      this.refuseMessage(session, pdu);
      return;
    }
    const messageId = this.deps.nextMessageId();
    this.record(pdu, head, messageId, text, undefined);
    this.answer(session, pdu, messageId, style);
    this.deps.book.complete(head, [{ index: 1, messageId, text }], parts, style.delayMs);
  }

  private acceptPart(
    session: SimSession,
    pdu: PDU,
    head: MessageHead,
    concat: Concat,
    text: string,
    style: AnswerStyle,
  ): void {
    const { assembler } = this.deps;
    const key = assemblyKey(head.systemId, head.source, head.destination, concat.reference);
    let assembly = assembler.find(key);
    if (assembly && assembler.wouldComplete(assembly, concat.index)) {
      if (this.isDuplicate(head, assembler.textWith(assembly, concat.index, text))) {
        // The whole message repeats one already sent: its last part is refused and the rest dropped.
        assembler.discard(assembly);
        this.refuseMessage(session, pdu);
        return;
      }
    }
    const messageId = head.single || !assembly ? this.deps.nextMessageId() : assembly.messageId;
    assembly ??= assembler.start(key, head, concat.total, messageId);
    this.record(pdu, head, messageId, text, concat);
    this.answer(session, pdu, messageId, style);
    const part: AssembledPart = { index: concat.index, messageId, text };
    const whole = assembler.add(assembly, part);
    if (whole) this.deps.book.complete(assembly.head, whole, assembly.total, style.delayMs);
  }

  private isDuplicate(head: MessageHead, text: string): boolean {
    const { duplicates } = this.deps;
    return (
      duplicates.enabled &&
      duplicates.isDuplicate(head.systemId, head.source, head.destination, text, head.at)
    );
  }

  /** A repeat inside the duplicate window, or a Telegram code the provider does not accept. */
  private refuseMessage(session: SimSession, pdu: PDU): void {
    this.deps.stats.refused += 1;
    this.refuse(session, pdu, CommandStatus.ESME_RSUBMITFAIL);
  }

  private record(pdu: PDU, head: MessageHead, messageId: string, text: string, concat?: Concat): void {
    this.deps.stats.accepted += 1;
    this.deps.book.noteSubmitted(messageId, head.at);
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

  private answerWithFault(session: SimSession, pdu: PDU, fault: AnswerFault): void {
    switch (fault.type) {
      case 'no-answer':
        return;
      case 'generic-nack':
        session.send(
          new smpp.PDU('generic_nack', {
            command_status: fault.commandStatus,
            sequence_number: pdu.sequence_number,
          }),
        );
        return;
      case 'status':
        this.refuse(session, pdu, fault.commandStatus);
        return;
      case 'throttle':
        this.deps.stats.throttled += 1;
        this.refuse(session, pdu, CommandStatus.ESME_RTHROTTLED);
        return;
      case 'slow':
      case 'empty-id':
        return;
    }
  }

  private afterAnswer(session: SimSession): void {
    const due = this.deps.faults.countAnswered();
    if (due) this.deps.endSession(session, due);
  }

  private refuse(session: SimSession, pdu: PDU, commandStatus: number): void {
    session.send(pdu.response({ command_status: commandStatus }));
  }
}
