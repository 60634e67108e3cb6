import { type CancellationReason, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationOf, runDynamo } from '#core/aws/dynamo-errors.ts';
import { keyString } from '#core/aws/grouped/grouped-gets.ts';
import { type RetryItem, untilLanded } from '#core/aws/grouped/item-retry.ts';
import { GroupCommitter, type Settled } from '#core/support/group-commit.ts';

// Several callers' transactions sent as one TransactWriteItems (up to 100 items, each item in one
// operation only). The combined transaction commits all of them or none. When DynamoDB cancels it,
// CancellationReasons says which items failed: each caller whose own items carry a reason gets its
// own cancellation (with only its reasons, in its items' order, as if it had gone alone), or, when
// DynamoDB only refused them for now (throttled, a conflict), goes again on its own after a back-off
// (item-retry.ts); the callers whose items were all fine are sent again together at once. Every
// round settles at least one caller.

/** DynamoDB's limit on items per transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

export type TransactItem = NonNullable<
  ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']
>[number];

interface Transaction {
  items: readonly TransactItem[];
  operation: string;
}

/** Reasons that say DynamoDB refused an item for now, not for good: another try may commit it. */
const RETRYABLE_REASONS = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'TransactionConflict',
]);

type Answer = 'committed' | RetryItem;

export class GroupedTransactions {
  private readonly committer: GroupCommitter<Transaction, Answer>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    maxInFlight: number,
  ) {
    this.committer = new GroupCommitter({
      flush: (transactions) => this.flush(transactions),
      maxBatch: MAX_TRANSACTION_ITEMS,
      maxInFlight,
      weigh: (transaction) => transaction.items.length,
      maxWeight: MAX_TRANSACTION_ITEMS,
      keysOf: (transaction) => transaction.items.map(itemKeyOf),
    });
  }

  /** Resolves when committed; TransactionCanceledException with this transaction's own reasons. */
  async transact(items: readonly TransactItem[], operation: string): Promise<void> {
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw new RangeError(`${operation}: ${items.length} items, more than a transaction takes`);
    }
    await untilLanded(() => this.committer.submit({ items, operation }), operation);
  }

  private async flush(transactions: readonly Transaction[]): Promise<Settled<Answer>[]> {
    const settled = new Map<Transaction, Settled<Answer>>();
    let pending = [...transactions];
    while (pending.length > 0) {
      const operation = pending.length === 1 ? (pending[0] as Transaction).operation : 'grouped transaction';
      try {
        await runDynamo(operation, () =>
          this.client.send(new TransactWriteCommand({ TransactItems: pending.flatMap((t) => t.items) })),
        );
        for (const transaction of pending) settled.set(transaction, { ok: true, value: 'committed' });
        pending = [];
      } catch (error) {
        const cancelled = cancellationOf(error);
        if (!cancelled) throw error;
        const again = this.settleCancelled(pending, cancelled, settled);
        // Nothing named (should not happen): the error is everyone's, rather than a loop.
        if (again.length === pending.length) throw error;
        pending = again;
      }
    }
    return transactions.map((transaction) => settled.get(transaction) as Settled<Answer>);
  }

  /** Settles the transactions the cancellation names; answers those to send again. */
  private settleCancelled(
    pending: readonly Transaction[],
    error: TransactionCanceledException,
    settled: Map<Transaction, Settled<Answer>>,
  ): Transaction[] {
    const reasons = error.CancellationReasons ?? [];
    const again: Transaction[] = [];
    let offset = 0;
    for (const transaction of pending) {
      const own = reasons.slice(offset, offset + transaction.items.length);
      offset += transaction.items.length;
      const codes = own.filter(failed).map((reason) => reason.Code ?? '');
      if (codes.length === 0) again.push(transaction);
      else if (codes.every((code) => RETRYABLE_REASONS.has(code))) {
        settled.set(transaction, { ok: true, value: { retry: codes.join(', ') } });
      } else settled.set(transaction, { ok: false, error: cancellation(error, own) });
    }
    return again;
  }
}

function failed(reason: CancellationReason): boolean {
  return reason.Code !== undefined && reason.Code !== 'None';
}

function cancellation(
  error: TransactionCanceledException,
  own: CancellationReason[],
): TransactionCanceledException {
  return new TransactionCanceledException({
    message: error.message,
    $metadata: error.$metadata,
    CancellationReasons: own,
  });
}

function itemKeyOf(item: TransactItem): string {
  const operation = item.Update ?? item.Put ?? item.Delete ?? item.ConditionCheck;
  const key = item.Put ? undefined : (operation as { Key?: Record<string, unknown> } | undefined)?.Key;
  // A Put carries its key inside the item; `pk` is the key of every table we write.
  const resolved = key ?? { pk: (item.Put?.Item as Record<string, unknown> | undefined)?.pk };
  return `${operation?.TableName ?? ''}|${keyString(resolved)}`;
}
