import type { BatchStatementError } from '@aws-sdk/client-dynamodb';
import { BatchExecuteStatementCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { runDynamo } from '#core/aws/dynamo-errors.ts';
import { type RetryItem, untilLanded } from '#core/aws/grouped/item-retry.ts';
import type { PartiqlStatement } from '#core/aws/partiql-update.ts';
import { GroupCommitter, type Settled, type SubmitOptions } from '#core/support/group-commit.ts';

// Conditional updates grouped into BatchExecuteStatement: up to 25 PartiQL UPDATEs per call, each
// succeeding or failing on its own. A statement that failed its condition answers with the item as
// it was (ReturnValuesOnConditionCheckFailure ALL_OLD; DynamoDB Local returns it too), or with no
// item when there is none: the same two answers UpdateItem gives. A statement throttled, refused for
// a server error or a conflict goes again with back-off, in a later batch (item-retry.ts); it is
// never dropped.

/** DynamoDB's limit on statements per BatchExecuteStatement. */
export const MAX_STATEMENTS = 25;

export type UpdateOutcome =
  | { applied: true }
  /** The condition failed; `item` is the item as it was, undefined when there is none. */
  | { applied: false; item: Record<string, unknown> | undefined };

type Answer = UpdateOutcome | RetryItem;

export interface KeyedStatement {
  /** The item's key, for keeping two statements on one item out of one call. */
  itemKey: string;
  statement: PartiqlStatement;
}

/** Per-statement codes worth another try; any other code is an error for that caller. */
const RETRYABLE = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
  'InternalServerError',
  'TransactionConflict',
  'DuplicateItem',
]);

/** A statement refused for a reason another try would not change (e.g. a validation error). */
export class StatementFailedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = code;
  }
}

export class GroupedUpdates {
  private readonly committer: GroupCommitter<KeyedStatement, Answer>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    maxInFlight: number,
  ) {
    this.committer = new GroupCommitter({
      flush: (requests) => this.flush(requests),
      maxBatch: MAX_STATEMENTS,
      maxInFlight,
      keysOf: (request) => [request.itemKey],
      // An urgent message's claim neither waits behind nor rides in a bulk drain's full batches.
      firstCalls: true,
    });
  }

  /** `first`: ahead of the waiting updates not marked so; `last`: behind them (group-commit.ts). */
  async update(
    request: KeyedStatement,
    operation: string,
    options: SubmitOptions = {},
  ): Promise<UpdateOutcome> {
    return untilLanded(() => this.committer.submit(request, options), operation);
  }

  private async flush(requests: readonly KeyedStatement[]): Promise<Settled<Answer>[]> {
    const { Responses = [] } = await runDynamo('batch update', () =>
      this.client.send(
        new BatchExecuteStatementCommand({
          Statements: requests.map(({ statement }) => ({
            ...statement,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          })),
        }),
      ),
    );
    return requests.map((_, index) => {
      const response = Responses[index];
      if (!response) return { ok: true, value: { retry: 'no answer for the statement' } };
      return answerOf(
        response.Error as (BatchStatementError & { Item?: Record<string, unknown> }) | undefined,
      );
    });
  }
}

function answerOf(
  error: (BatchStatementError & { Item?: Record<string, unknown> }) | undefined,
): Settled<Answer> {
  if (!error) return { ok: true, value: { applied: true } };
  const code = error.Code ?? 'unknown';
  if (code === 'ConditionalCheckFailed') return { ok: true, value: { applied: false, item: error.Item } };
  if (RETRYABLE.has(code)) return { ok: true, value: { retry: code } };
  return { ok: false, error: new StatementFailedError(code, error.Message ?? 'statement failed') };
}
