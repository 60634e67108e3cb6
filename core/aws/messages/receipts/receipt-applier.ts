import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, runDynamo } from '#core/aws/dynamo-errors.ts';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { tableGroups } from '#core/aws/grouped/table-groups.ts';
import { orphanAttention } from '#core/aws/messages/attention/attention-marks.ts';
import { noteOrphanParked } from '#core/aws/messages/attention/orphan-mark.ts';
import { itemKey, type SmscLookupItem } from '#core/aws/messages/message-item.ts';
import {
  getMessageItem,
  type MessageTable,
  type TransitionResult,
} from '#core/aws/messages/message-writes.ts';
import { type KnownOwner, KnownOwners } from '#core/aws/messages/receipts/known-owners.ts';
import { applyReceiptToMessage } from '#core/aws/messages/receipts/message-receipts.ts';
import { applySingleIdReceipt } from '#core/aws/messages/receipts/single-id-receipt.ts';
import { SubmitsInFlight } from '#core/aws/messages/receipts/submits-in-flight.ts';
import { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import { receiptOutcomeToStatus } from '#core/domain/messages/message-state.ts';
import type { DeliveryReceipt } from '#core/domain/receipts/receipt.ts';
import { normaliseSmscId, type SmscIdBase } from '#core/domain/receipts/smsc-id.ts';

// Receipts are matched to messages through the `SMSC#<id>` lookup item that markSubmitted writes in
// the same transaction as `submitted`. A receipt may beat its SUBMIT_SM_RESP: then it is parked on the
// lookup item (`pendingReceipts`, only while the item has no `messageId`) and applied by whoever next
// sees both — markSubmitted right after its transaction, or the next receipt for that id. Parking is
// conditional on `attribute_not_exists(messageId)`, so a receipt can never be parked after the
// reconciliation has read the item: it is either seen by the reconciliation or applied directly.
// A lookup that also says the message has one SMSC id (and its channel) lets the receipt be written
// without reading the message (single-id-receipt.ts); older lookups, SINGLE-mode messages with several
// ids and anything that write cannot decide take the read path (message-receipts.ts). What this
// process wrote on a lookup itself it remembers, and a receipt then skips the lookup's read
// (known-owners.ts says why that is safe). A receipt for an id whose `submitted` write this process
// has under way waits for that write first (submits-in-flight.ts says why).

export type ReceiptResult = 'applied' | 'stale' | 'orphan-stored';

const LOOKUP_ATTEMPTS = 3;

export class ReceiptApplier {
  constructor(
    private readonly table: MessageTable,
    /** Seconds since the epoch at which a parked receipt may be dropped if never claimed. */
    private readonly expiresAt: () => number,
    /** The SMSC's id base; a receipt parsed with the same base is already normalised. */
    private readonly smscIdBase: SmscIdBase = 'decimal',
    private readonly known: KnownOwners = new KnownOwners(),
    private readonly inFlight: SubmitsInFlight = new SubmitsInFlight(),
  ) {}

  /** Receipts for `smscIds` that come before `write` settles wait for it; returns `write`. */
  whileSubmitting<T>(smscIds: readonly string[], write: Promise<T>): Promise<T> {
    return this.inFlight.track(smscIds, write);
  }

  /** Called once a message's lookups are written and nothing is left parked on them. */
  remember(smscIds: readonly string[], owner: KnownOwner): void {
    this.known.remember(smscIds, owner);
  }

  /** `recipient`: the number the receipt reports on (its source_addr), which lists an orphan for matching. */
  async apply(receipt: DeliveryReceipt, recipient?: string): Promise<ReceiptResult> {
    const smscId = normaliseSmscId(receipt.smscId, this.smscIdBase);
    const normalised = { ...receipt, smscId };
    const known = this.known.get(smscId) ?? (await this.ownerAfterOwnSubmit(smscId));
    if (known) {
      const result = await this.applyMatched(known, known.messageId, smscId, normalised);
      if (receiptOutcomeToStatus(receipt.outcome)) this.known.forget(smscId);
      return result;
    }
    for (let attempt = 0; attempt < LOOKUP_ATTEMPTS; attempt++) {
      const lookup = await this.lookup(smscId);
      if (lookup?.messageId) {
        // Earlier receipts first, so they are applied in the order they came.
        if (lookup.pendingReceipts?.length) await this.drain(lookup.messageId, smscId);
        return this.applyMatched(lookup, lookup.messageId, smscId, normalised);
      }
      const earlier = await this.ownerByEarlierVersions(smscId);
      if (earlier) return applyReceiptToMessage(this.table, earlier, smscId, normalised);
      if (await this.park(smscId, normalised, recipient)) return 'orphan-stored';
      // The SUBMIT_SM_RESP was recorded between our read and our write: look again.
    }
    throw new RepositoryUnavailableError(`receipt for SMSC id ${smscId} could not be matched or parked`);
  }

  private async ownerAfterOwnSubmit(smscId: string): Promise<KnownOwner | undefined> {
    const write = this.inFlight.settled(smscId);
    if (!write) return undefined;
    await write;
    return this.known.get(smscId);
  }

  private async applyMatched(
    lookup: Pick<SmscLookupItem, 'smscIdCount' | 'channel'>,
    messageId: string,
    smscId: string,
    receipt: DeliveryReceipt,
  ): Promise<TransitionResult> {
    if (lookup.smscIdCount === 1 && lookup.channel) {
      const decided = await applySingleIdReceipt(this.table, messageId, receipt, lookup.channel);
      if (decided) return decided;
    }
    return applyReceiptToMessage(this.table, messageId, smscId, receipt);
  }

  /** Applies and removes the receipts parked under the message's SMSC ids; returns how many. */
  async reconcile(messageId: string, smscIds: readonly string[]): Promise<number> {
    let count = 0;
    for (const smscId of smscIds) count += await this.drain(messageId, smscId);
    return count;
  }

  private async drain(messageId: string, smscId: string): Promise<number> {
    const lookup = await this.lookup(smscId);
    const pending = lookup?.pendingReceipts ?? [];
    if (lookup?.messageId !== messageId || pending.length === 0) return 0;
    // Applying is idempotent (a repeated receipt is stale), so a concurrent drain doing the same is fine.
    for (const receipt of pending) await applyReceiptToMessage(this.table, messageId, smscId, receipt);
    const update = new UpdateExpressionBuilder().remove('pendingReceipts');
    update.condition(`${update.name('messageId')} = ${update.value(messageId)}`);
    update.condition(`size(${update.name('pendingReceipts')}) = ${update.value(pending.length)}`);
    try {
      await runDynamo('clear parked receipts', () =>
        this.table.client.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: itemKey.smsc(smscId, this.table.smscScope),
            ...update.build(),
          }),
        ),
      );
    } catch (error) {
      // Another drain removed them first.
      if (!isConditionalCheckFailed(error)) throw error;
    }
    return pending.length;
  }

  /**
   * An account's message submitted by a version that wrote every lookup under the plain `SMSC#<id>`
   * key: its receipt may come after the upgrade. Found there only when the message is this
   * account's, since the default account's lookups still use that key and its ids may be the same.
   */
  private async ownerByEarlierVersions(smscId: string): Promise<string | undefined> {
    const scope = this.table.smscScope;
    if (scope === undefined) return undefined;
    const groups = tableGroups(this.table.client, this.table.tableName);
    const lookup = (await groups.get(itemKey.smsc(smscId))) as SmscLookupItem | undefined;
    if (!lookup?.messageId) return undefined;
    const message = await getMessageItem(this.table, lookup.messageId);
    return message?.account === scope && message.smscIds.includes(smscId) ? message.id : undefined;
  }

  /** Strongly consistent, grouped with other reads into one BatchGetItem. */
  private async lookup(smscId: string): Promise<SmscLookupItem | undefined> {
    const item = await tableGroups(this.table.client, this.table.tableName).get(
      itemKey.smsc(smscId, this.table.smscScope),
    );
    return item as SmscLookupItem | undefined;
  }

  /** False when the SMSC id got its message meanwhile (the condition failed). */
  private async park(smscId: string, receipt: DeliveryReceipt, recipient?: string): Promise<boolean> {
    const update = new UpdateExpressionBuilder()
      .append('pendingReceipts', [receipt])
      .set('expiresAt', this.expiresAt());
    const orphan = recipient === undefined ? undefined : orphanAttention(recipient);
    if (orphan) update.set('attention', orphan).set('attentionAt', this.table.now().toISOString());
    update.condition(`attribute_not_exists(${update.name('messageId')})`);
    try {
      await runDynamo('park receipt', () =>
        this.table.client.send(
          new UpdateCommand({
            TableName: this.table.tableName,
            Key: itemKey.smsc(smscId, this.table.smscScope),
            ...update.build(),
          }),
        ),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
    // Listed for matching: every task's reconciler learns of it (orphan-mark.ts). Failing, the
    // receipt is not acknowledged and comes again; parked twice, it is applied once.
    if (orphan) await noteOrphanParked(this.table);
    return true;
  }
}
