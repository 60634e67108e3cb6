// Routes each request PDU of a session to its handler, and answers what the provider does not
// implement (submit_multi, data_sm, ...) or does not allow before bind.
import { type PDU, smpp } from '#bind-service/smpp/codec.ts';
import { CommandStatus } from '#core/domain/provider/command-status.ts';
import { type MessageBook, queryView } from '../messages/messages.ts';
import type { SubmitHandler } from '../messages/submit.ts';
import type { SimulatorStats } from '../types.ts';
import { type BindDeps, bindMode, handleBind } from './binds.ts';
import type { SessionRegistry } from './registry.ts';
import type { SimSession } from './session.ts';

export interface CommandDeps {
  stats: SimulatorStats;
  registry: SessionRegistry;
  submits: SubmitHandler;
  book: MessageBook;
  binds: BindDeps;
  /** Whether the login's sessions are scripted to ignore enquire_link. */
  silentEnquireLink: (systemId: string) => boolean;
  unbindGraceMs: number;
  /** Whether a message id was ever handed out (it may still be unknown to QUERY_SM). */
  issued: (messageId: number) => boolean;
}

export class CommandRouter {
  constructor(private readonly deps: CommandDeps) {}

  onPdu(session: SimSession, pdu: PDU): void {
    session.lastActivity = Date.now();
    // Answers to our own requests are matched by the package's per-sequence callbacks.
    if (pdu.isResponse()) return;
    try {
      this.route(session, pdu);
    } catch {
      if (session.state !== 'closed') this.answer(session, pdu, CommandStatus.ESME_RSYSERR);
    }
  }

  private route(session: SimSession, pdu: PDU): void {
    const command = pdu.command;
    if (command === 'submit_sm') {
      this.deps.submits.handle(session, pdu);
      return;
    }
    if (command === 'enquire_link') {
      this.deps.stats.enquireLinks += 1;
      if (!session.systemId || !this.deps.silentEnquireLink(session.systemId)) session.send(pdu.response());
      return;
    }
    if (command === 'unbind') {
      session.send(pdu.response());
      this.deps.registry.detach(session);
      session.endAfterFlush('client unbind', this.deps.unbindGraceMs);
      return;
    }
    const mode = bindMode(command);
    if (mode) {
      handleBind(this.deps.binds, session, pdu, mode);
      return;
    }
    if (command === 'unknown') {
      session.send(pdu.response({ command_status: CommandStatus.ESME_RINVCMDID }));
      return;
    }
    if (session.state !== 'bound') {
      this.answer(session, pdu, CommandStatus.ESME_RINVBNDSTS);
      return;
    }
    if (command === 'query_sm') this.query(session, pdu);
    else this.answer(session, pdu, CommandStatus.ESME_RINVCMDID);
  }

  /** An error answer of the command's own *_resp type, or generic_nack if it has none. */
  private answer(session: SimSession, pdu: PDU, commandStatus: number): void {
    const hasResponse = smpp.commands[`${pdu.command}_resp`] !== undefined;
    session.send(
      hasResponse
        ? pdu.response({ command_status: commandStatus })
        : new smpp.PDU('generic_nack', {
            command_status: commandStatus,
            sequence_number: pdu.sequence_number,
          }),
    );
  }

  private query(session: SimSession, pdu: PDU): void {
    const messageId = pdu.message_id ?? '';
    const state = this.deps.book.state(messageId);
    // Another login's message is as unknown to this one as an id never handed out: the SMSC keeps
    // messages per account, and our product must ask under the login that sent it.
    const othersMessage = state !== undefined && state.systemId !== session.systemId;
    if (!/^\d+$/.test(messageId) || !this.deps.issued(Number(messageId)) || othersMessage) {
      this.answer(session, pdu, CommandStatus.ESME_RINVMSGID);
      return;
    }
    if (!state) {
      this.answer(session, pdu, CommandStatus.ESME_RQUERYFAIL);
      return;
    }
    const view = queryView(state, Date.now());
    session.send(
      pdu.response({
        message_id: messageId,
        final_date: view.finalDate ?? '',
        message_state: view.messageState,
        error_code: view.err & 0xff,
      }),
    );
  }
}
