import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { runDynamo } from './dynamo-errors.ts';

/**
 * The pages of a Query, one request at a time, until DynamoDB has no more or the caller stops
 * iterating. `input` is called before each request, so a Limit can shrink as items come in.
 */
export async function* queryPages(
  client: DynamoDBDocumentClient,
  operation: string,
  input: () => Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): AsyncGenerator<Record<string, unknown>[]> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const exclusiveStartKey = startKey;
    const page = await runDynamo(operation, () =>
      client.send(
        new QueryCommand({
          ...input(),
          ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
        }),
      ),
    );
    yield page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
