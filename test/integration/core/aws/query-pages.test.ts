import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { queryPages } from '#core/aws/query-pages.ts';
import { MESSAGES_TABLE } from '#core/aws/resources/resource-definitions.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';

const BY_BATCH = MESSAGES_TABLE.globalSecondaryIndexes[0].indexName;

describe('queryPages (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let table: string;

  beforeEach(async () => {
    table = (await aws.freshTables()).messages;
    for (let n = 0; n < 7; n += 1) {
      await aws.document.send(
        new PutCommand({
          TableName: table,
          Item: { pk: `MSG#${n}`, id: String(n), batchId: 'B1', status: 'accepted' },
        }),
      );
    }
  });

  /** The byBatch query of batch B1, `limit` items a page at most. */
  const query = (limit: () => number) => () => ({
    TableName: table,
    IndexName: BY_BATCH,
    KeyConditionExpression: 'batchId = :batch',
    ExpressionAttributeValues: { ':batch': 'B1' },
    Limit: limit(),
  });

  it('when a query has more items than a page holds, then every page comes, in turn, until none is left', async () => {
    // Act
    const sizes: number[] = [];
    for await (const items of queryPages(
      aws.document,
      'test query',
      query(() => 3),
    ))
      sizes.push(items.length);
    // Assess: DynamoDB may end with an empty page after a full one.
    expect(sizes.slice(0, 3)).toEqual([3, 3, 1]);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(7);
  });

  it('when the limit shrinks as items come in and the caller stops at it, then no more is read', async () => {
    // Prepare: five wanted, at most three a page.
    const found: unknown[] = [];
    let requests = 0;
    const input = query(() => {
      requests += 1;
      return Math.min(3, 5 - found.length);
    });
    // Act
    for await (const items of queryPages(aws.document, 'test query', input)) {
      found.push(...items);
      if (found.length >= 5) break;
    }
    // Assess
    expect(found).toHaveLength(5);
    expect(requests).toBe(2);
  });
});
