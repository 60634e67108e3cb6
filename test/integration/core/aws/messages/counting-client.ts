import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createDynamoDbClients } from '#core/aws/clients.ts';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { LocalAws } from '#test/helpers/aws/local-aws.ts';
import { steppingClock } from '../factories.ts';

// A measurement helper, not a stub: real clients talking to DynamoDB Local, with one middleware that
// notes the name of each call as it is made (SDK retries below it are not counted, our own are).

export interface CountingClient {
  document: DynamoDBDocumentClient;
  /** Command names in the order they were sent, e.g. 'GetItemCommand'. */
  readonly calls: string[];
  /** Items each call carried (statements, keys, transaction items; 1 for a single-item call), by index. */
  readonly items: number[];
  /** The calls made while `action` ran. */
  during(action: () => Promise<unknown>): Promise<string[]>;
  destroy(): void;
}

export function countingClient(endpoint: string, region: string): CountingClient {
  const { document, dynamo } = createDynamoDbClients({ region, endpoint });
  const calls: string[] = [];
  const items: number[] = [];
  document.middlewareStack.add(
    (next, context) => (args) => {
      calls.push(String(context.commandName));
      items.push(itemsOf(args.input as CallInput));
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  return {
    document,
    calls,
    items,
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

interface CallInput {
  Statements?: unknown[];
  TransactItems?: unknown[];
  RequestItems?: Record<string, { Keys?: unknown[] } | unknown[]>;
}

function itemsOf(input: CallInput): number {
  if (input.Statements) return input.Statements.length;
  if (input.TransactItems) return input.TransactItems.length;
  if (input.RequestItems) {
    return Object.values(input.RequestItems).reduce<number>(
      (sum, request) => sum + (Array.isArray(request) ? request.length : (request.Keys?.length ?? 0)),
      0,
    );
  }
  return 1;
}

export interface CountingRig {
  readonly counting: CountingClient;
  /** The fresh table of the current test. */
  readonly table: string;
  /** A repository on that table, through the counting client, with a stepping clock. */
  readonly repository: MessageRepository;
}

/**
 * Per file a counting client; per test a fresh table and a repository on it (registers the hooks).
 * `endpoint`: where the client sends instead of DynamoDB Local (a proxy in front of it), read when
 * the client is made.
 */
export function useCountingRepository(aws: LocalAws, options: { endpoint?: () => string } = {}): CountingRig {
  let counting: CountingClient | undefined;
  let table: string | undefined;
  let repository: MessageRepository | undefined;
  beforeAll(() => {
    counting = countingClient(options.endpoint?.() ?? aws.dynamoEndpoint, aws.region);
  });
  afterAll(() => counting?.destroy());
  beforeEach(async () => {
    table = (await aws.freshTables()).messages;
    repository = new MessageRepository(ready(counting).document, table, { clock: steppingClock().now });
  });
  return {
    get counting() {
      return ready(counting);
    },
    get table() {
      return ready(table);
    },
    get repository() {
      return ready(repository);
    },
  };
}

function ready<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('useCountingRepository: use it inside a test');
  return value;
}
