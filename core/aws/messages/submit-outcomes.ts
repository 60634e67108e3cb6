import { markForMatching } from '#core/aws/messages/attention/orphan-receipts.ts';
import type { LookupOwner } from '#core/aws/messages/lookup-writes.ts';
import { type MessageTable, type TransitionResult, transition } from '#core/aws/messages/message-writes.ts';
import type { ReceiptApplier } from '#core/aws/messages/receipts/receipt-applier.ts';
import {
  commitFailedWithIds,
  commitSubmitted,
  commitUnknownWithIds,
} from '#core/aws/messages/submitted-writes.ts';
import type { MessageKind } from '#core/domain/messages/message-kinds.ts';
import type { MessageError } from '#core/domain/messages/message-model.ts';
import { submitUnconfirmedError } from '#core/domain/messages/message-model.ts';
import { channelOf } from '#core/domain/receipts/receipt-fields.ts';
import { normaliseSmscId, type SmscIdBase } from '#core/domain/receipts/smsc-id.ts';

// What the bind-service writes once a claimed message's SUBMIT_SMs are answered, or are not: the
// outcome of a submit (submitted, unknown, failed) with its SMSC ids and their lookup items.
// MessageRepository delegates to it; its callers keep using the repository.

/** The queue message holding a message's claim (storage only; fromMessageItem strips it). */
export const CLAIMED_BY = 'claimedBy';

export interface MarkSubmittedResult {
  result: TransitionResult;
  /** Receipts that had arrived before the SUBMIT_SM_RESP and were applied now. */
  reconciledReceipts: number;
}

export interface LookupOptions {
  /**
   * The message's kind, written on its SMSC-id lookups: a receipt for a message with one SMSC id is
   * then applied without reading the message. Without it receipts read the message, as before.
   */
  kind?: MessageKind;
}

export interface UnknownOptions extends LookupOptions {
  /**
   * SINGLE mode (one id per part): how many parts went on the wire, the one without an answer
   * included. The message is resolved by receipts only once that many parts have ids and reported.
   */
  expectedSmscIds?: number;
  /**
   * SINGLE mode: parts never sent after earlier ones were accepted. Receipts of the parts sent can
   * then not make the message `delivered` (part-outcomes.ts).
   */
  unsentParts?: number;
  /**
   * The account it was sent under: with SMSC ids, the message is listed in that account's `unknown`
   * partition, where its reconciler asks QUERY_SM under the same login. Absent: the partition of
   * records without an account (the default account's reconciler reads it).
   */
  account?: string;
}

export class SubmitOutcomeWrites {
  constructor(
    private readonly table: MessageTable,
    private readonly receipts: ReceiptApplier,
    private readonly expiresAt: () => number,
    private readonly smscIdBase: SmscIdBase,
  ) {}

  /**
   * submitting|unknown → submitted, and the SMSC-id lookup items, in one transaction. Receipts that
   * came early are applied after it; they are read back only when some were parked (lookup-writes.ts
   * says why that is enough). Also reconciles when stale, which finishes the job of an earlier call
   * that committed but died before reconciling. A receipt for one of the ids that comes meanwhile
   * waits for it rather than parking itself (submits-in-flight.ts).
   */
  async markSubmitted(
    id: string,
    smscIds: readonly string[],
    options: LookupOptions = {},
  ): Promise<MarkSubmittedResult> {
    const owner = this.lookupOwner(id, smscIds, options);
    if (owner.smscIds.length === 0) throw new RangeError(`markSubmitted(${id}) needs at least one SMSC id`);
    return this.receipts.whileSubmitting(owner.smscIds, this.commitAndReconcile(owner));
  }

  private async commitAndReconcile(owner: LookupOwner): Promise<MarkSubmittedResult> {
    const id = owner.messageId;
    const { result, toReconcile } = await commitSubmitted(this.table, owner);
    const reconciledReceipts = await this.receipts.reconcile(id, toReconcile);
    // Only what this call wrote: a stale commit may have written nothing (the message had moved on).
    if (result === 'applied') {
      this.receipts.remember(owner.smscIds, {
        messageId: id,
        smscIdCount: owner.smscIds.length,
        ...(owner.channel ? { channel: owner.channel } : {}),
      });
    }
    return { result, reconciledReceipts };
  }

  /**
   * submitting → unknown: the submit may have reached the SMSC; never resent automatically.
   * `smscIds`: ids of parts the SMSC did accept before the outcome became unknown. Their lookup items
   * are written in the same transaction (receipts parked under them are applied), so a later receipt
   * still finds the message and resolves it (unknown → delivered is allowed). In SINGLE mode
   * `expectedSmscIds` keeps receipts from resolving it before the part without an answer is known.
   */
  async markUnknown(
    id: string,
    reason: string,
    smscIds: readonly string[] = [],
    options: UnknownOptions = {},
  ): Promise<TransitionResult> {
    const note = submitUnconfirmedError(reason);
    const owner = this.lookupOwner(id, smscIds, options);
    if (owner.smscIds.length === 0) {
      return transition(this.table, id, 'unknown', {
        extra: (update, at) => {
          update.set('error', note);
          markForMatching(this.table, update, at);
          // The unanswered first part's id may come late, and its receipt must not end it delivered.
          if ((options.unsentParts ?? 0) > 0) update.set('unsentParts', options.unsentParts);
        },
      });
    }
    const expected = options.expectedSmscIds;
    const { result, toReconcile } = await commitUnknownWithIds(
      this.table,
      expected === undefined ? owner : { ...owner, expectedSmscIds: expected },
      note,
      options.account,
      options.unsentParts,
    );
    await this.receipts.reconcile(id, toReconcile);
    return result;
  }

  /**
   * submitting → unknown, only when the claim is `holder`'s (or was taken without a holder): the
   * queue message that claimed the message came back, so whoever worked it stopped without recording
   * the SMSC's answer. A copy of the send (another queue message) gets 'stale' and leaves the message
   * alone: its claim holder is still at work, or its own redelivery will come back to this write.
   */
  markUnknownIfClaimedBy(id: string, holder: string, reason: string): Promise<TransitionResult> {
    const note = submitUnconfirmedError(reason);
    return transition(this.table, id, 'unknown', {
      from: ['submitting'],
      extra: (update, at) => {
        update.set('error', note);
        markForMatching(this.table, update, at);
        const claimedBy = update.name(CLAIMED_BY);
        // The claim's holder is `<queue message id>#<receive>`: any receive of this queue message.
        update.condition(
          `attribute_not_exists(${claimedBy}) OR ${claimedBy} = ${update.value(holder)} OR begins_with(${claimedBy}, ${update.value(`${holder}#`)})`,
        );
      },
    });
  }

  /**
   * The SMSC refused the submit for good. `smscIds`: ids of earlier parts it had accepted, kept on
   * the record with their lookups, so those parts' receipts find this message (and change nothing).
   */
  async markFailed(
    id: string,
    error: MessageError,
    smscIds: readonly string[] = [],
  ): Promise<TransitionResult> {
    const owner = this.lookupOwner(id, smscIds, {});
    if (owner.smscIds.length === 0)
      return transition(this.table, id, 'failed', { extra: (update) => update.set('error', error) });
    const { result, toReconcile } = await commitFailedWithIds(this.table, owner, error);
    await this.receipts.reconcile(id, toReconcile);
    return result;
  }

  private lookupOwner(id: string, smscIds: readonly string[], options: LookupOptions): LookupOwner {
    return {
      messageId: id,
      smscIds: this.normaliseIds(smscIds),
      ...(options.kind ? { channel: channelOf(options.kind) } : {}),
      expiresAt: this.expiresAt(),
    };
  }

  /**
   * Normalised, without repeats, and without empty ids: an OK answer with no message_id names no
   * message, and a lookup item `SMSC#` would be shared by every such message.
   */
  normaliseIds(smscIds: readonly string[]): string[] {
    const ids = smscIds.map((id) => normaliseSmscId(id, this.smscIdBase)).filter((id) => id !== '');
    return [...new Set(ids)];
  }
}
