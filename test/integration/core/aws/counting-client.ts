import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClients } from '#core/aws/clients.ts';

// A measurement helper, not a stub: real clients talking to DynamoDB Local, with one middleware that
// notes the name of each call as it is made (SDK retries below it are not counted, our own are).

export interface CountingClient {
  document: DynamoDBDocumentClient;
  /** Command names in the order they were sent, e.g. 'GetItemCommand'. */
  readonly calls: string[];
  /** The calls made while `action` ran. */
  during(action: () => Promise<unknown>): Promise<string[]>;
  destroy(): void;
}

export function countingClient(endpoint: string, region: string): CountingClient {
  const { document, dynamo } = createDynamoDbClients({ region, endpoint });
  const calls: string[] = [];
  document.middlewareStack.add(
    (next, context) => (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  return {
    document,
    calls,
    during: async (action) => {
      const from = calls.length;
      await action();
      return calls.slice(from);
    },
    destroy: () => {
      document.destroy();
      dynamo.destroy();
    },
  };
}
