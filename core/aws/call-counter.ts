import type { HandlerExecutionContext, MetadataBearer, MiddlewareStack } from '@smithy/types';

// Counts the AWS SDK calls a process makes, by service and command ("DynamoDB.PutItem"), and the HTTP
// attempts they took (the SDK's own retries included). Off unless a benchmark turns it on before the
// process builds its clients: production never pays for it and has no setting for it.

export interface AwsCallCounts {
  /** Calls (`client.send`) by "Service.Command". */
  calls: Record<string, number>;
  /** HTTP attempts of those calls: more than the calls when the SDK retried. */
  attempts: number;
}

export class AwsCallCounter {
  private readonly calls: Record<string, number> = {};
  private attempts = 0;

  record(service: string, command: string, attempts: number): void {
    const key = `${service}.${command}`;
    this.calls[key] = (this.calls[key] ?? 0) + 1;
    this.attempts += attempts;
  }

  snapshot(): AwsCallCounts {
    return { calls: { ...this.calls }, attempts: this.attempts };
  }
}

/** What was counted between two snapshots of one counter. */
export function callsSince(after: AwsCallCounts, before: AwsCallCounts): AwsCallCounts {
  const calls: Record<string, number> = {};
  for (const [key, count] of Object.entries(after.calls)) {
    const added = count - (before.calls[key] ?? 0);
    if (added > 0) calls[key] = added;
  }
  return { calls, attempts: after.attempts - before.attempts };
}

export interface CallsPerUnit {
  total: number;
  attempts: number;
  byCommand: Record<string, number>;
}

/** Calls per unit of work (a message), by command and in total, sorted by count (largest first). */
export function callsPer(counts: AwsCallCounts, units: number): CallsPerUnit {
  const per = (count: number) => (units > 0 ? Math.round((count / units) * 1000) / 1000 : Number.NaN);
  const entries = Object.entries(counts.calls).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  return {
    total: per(total),
    attempts: per(counts.attempts),
    byCommand: Object.fromEntries(entries.map(([key, count]) => [key, per(count)])),
  };
}

let active: AwsCallCounter | undefined;

/** Turns counting on for the clients built from now on (createDynamoDbClients, createSqsClient...). */
export function countAwsCalls(): AwsCallCounter {
  active ??= new AwsCallCounter();
  return active;
}

/** "DynamoDBClient" / "PutItemCommand" → "DynamoDB" / "PutItem". */
const trimmed = (name: string | undefined, suffix: string) =>
  (name ?? 'unknown').replace(new RegExp(`${suffix}$`), '');

const attemptsOf = (value: unknown): number => {
  const metadata = (value as Partial<MetadataBearer> | undefined)?.$metadata;
  return metadata?.attempts ?? 1;
};

/** Adds the counting middleware to a client when counting is on; a no-op otherwise. */
export function attachCallCounter<Input extends object, Output extends MetadataBearer>(client: {
  middlewareStack: MiddlewareStack<Input, Output>;
}): void {
  const counter = active;
  if (!counter) return;
  client.middlewareStack.add(
    (next, context: HandlerExecutionContext) => async (args) => {
      const service = trimmed(context.clientName, 'Client');
      const command = trimmed(context.commandName, 'Command');
      try {
        const result = await next(args);
        counter.record(service, command, attemptsOf(result.output));
        return result;
      } catch (error) {
        counter.record(service, command, attemptsOf(error));
        throw error;
      }
    },
    // Initialize runs once per send, outside the retry loop; the attempts come from the metadata.
    { step: 'initialize', name: 'benchAwsCallCounter', override: true },
  );
}
