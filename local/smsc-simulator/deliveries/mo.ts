// Incoming (MO) messages: the text is encoded and split like a handset's message and delivered as
// DELIVER_SM (UDH-concatenated parts when long) to a receiving session of the account. Like the
// provider (and like receipts.ts), the SMSC keeps what it could not deliver: a part answered with an
// error, or not answered in time, is sent again after `retryMs`, and an MO (or a part of one) that
// finds no receiving session waits for the next bind of its account. The ESME's MO reliability
// (a failed store is answered ESME_RX_T_APPN so the SMSC sends it again) can only be shown so.

import { type PduFields, smpp } from '#bind-service/smpp/codec.ts';
import { encodeMessage } from '#core/domain/encoding/index.ts';
import type { SessionRegistry } from '../sessions/registry.ts';
import type { TimerSet } from '../timers.ts';
import { refusedForNow } from './delivery-answers.ts';

export interface MoMessage {
  systemId: string;
  from: string;
  to: string;
  text: string;
  encoding?: 'auto' | 'gsm7' | 'latin1' | 'ucs2';
}

export interface MoDispatcherDeps {
  registry: SessionRegistry;
  timers: TimerSet;
  responseTimeoutMs: number;
  retryMs: number;
}

/** Something waiting for a receiving session of its account: an MO not yet sent, or a part. */
interface Held {
  send: () => void;
  /** The simulator closed first: a caller still waiting is told so. */
  cancel: (error: Error) => void;
}

interface PartJob {
  systemId: string;
  fields: PduFields;
  /** Told the status of the part's first answer (or its first failure); only the first. */
  first: ((outcome: number | Error) => void) | undefined;
}

/** International numbers as TON 1 / NPI 1 without '+', anything else as alphanumeric (TON 5). */
function address(value: string): { addr: string; ton: number; npi: number } {
  const digits = value.startsWith('+') ? value.slice(1) : value;
  return /^\d+$/.test(digits) ? { addr: digits, ton: 1, npi: 1 } : { addr: value, ton: 5, npi: 0 };
}

export class MoDispatcher {
  private readonly heldBySystem = new Map<string, Held[]>();
  private pendingParts = 0;
  private stopped = false;

  constructor(private readonly deps: MoDispatcherDeps) {}

  /** Parts sent and not yet acknowledged (in flight, waiting to retry or held); held whole MOs not. */
  get outstanding(): number {
    return this.pendingParts;
  }

  /**
   * Sends every part at once, as an SMSC pipelines them (held until a receiving session binds when
   * none is); resolves with each part's first DELIVER_SM_RESP status, rejects when one of them got
   * no answer. Either way a part not acknowledged is sent again until it is.
   */
  deliver(mo: MoMessage): Promise<number[]> {
    return new Promise((resolve, reject) => {
      const send = () => {
        this.send(mo).then(resolve, reject);
      };
      if (this.stopped) reject(new Error('simulator closed'));
      else if (!this.deps.registry.account(mo.systemId)) reject(new Error(`no account ${mo.systemId}`));
      else if (this.deps.registry.receiver(mo.systemId)) send();
      else this.hold(mo.systemId, { send, cancel: reject });
    });
  }

  /** A receiving session of the account bound: hand it what waited for one. */
  flush(systemId: string): void {
    const held = this.heldBySystem.get(systemId);
    if (!held) return;
    this.heldBySystem.delete(systemId);
    for (const entry of held) entry.send();
  }

  /** The simulator is closing: nothing is delivered or retried any more. */
  stop(): void {
    this.stopped = true;
    const error = new Error('simulator closed');
    for (const held of this.heldBySystem.values()) for (const entry of held) entry.cancel(error);
    this.heldBySystem.clear();
    this.pendingParts = 0;
  }

  /** Encodes the MO for the session it goes to (its system_type says ISO mode) and sends its parts. */
  private send(mo: MoMessage): Promise<number[]> {
    const session = this.deps.registry.receiver(mo.systemId);
    if (!session) return Promise.reject(new Error(`no receiving session bound for ${mo.systemId}`));
    const encoded = encodeMessage(mo.text, { encoding: mo.encoding ?? 'auto', isoMode: session.flags.iso });
    const from = address(mo.from);
    const to = address(mo.to);
    const firstAnswers = encoded.parts.map(
      (part) =>
        new Promise<number>((resolve, reject) => {
          const fields: PduFields = {
            source_addr_ton: from.ton,
            source_addr_npi: from.npi,
            source_addr: from.addr,
            dest_addr_ton: to.ton,
            dest_addr_npi: to.npi,
            destination_addr: to.addr,
            esm_class: encoded.esmClass,
            data_coding: encoded.dataCoding,
            short_message: part,
          };
          const first = (outcome: number | Error) =>
            outcome instanceof Error ? reject(outcome) : resolve(outcome);
          this.pendingParts += 1;
          this.deliverPart({ systemId: mo.systemId, fields, first });
        }),
    );
    return Promise.all(firstAnswers);
  }

  private deliverPart(job: PartJob): void {
    if (this.stopped) return;
    const session = this.deps.registry.receiver(job.systemId);
    if (!session) {
      this.hold(job.systemId, { send: () => this.deliverPart(job), cancel: (error) => job.first?.(error) });
      return;
    }
    const first = job.first;
    job.first = undefined;
    session.request(new smpp.PDU('deliver_sm', job.fields), this.deps.responseTimeoutMs).then(
      (response) => {
        first?.(response.command_status);
        if (refusedForNow(response)) this.retry(job);
        else if (!this.stopped) this.pendingParts -= 1;
      },
      (error: Error) => {
        first?.(error);
        this.retry(job);
      },
    );
  }

  private retry(job: PartJob): void {
    if (this.stopped) return;
    this.deps.timers.set(() => this.deliverPart(job), this.deps.retryMs);
  }

  private hold(systemId: string, entry: Held): void {
    const held = this.heldBySystem.get(systemId) ?? [];
    held.push(entry);
    this.heldBySystem.set(systemId, held);
  }
}
