// Diagnostics of the pipeline benchmark: where an urgent message's time goes, how fast DynamoDB
// Local itself answers meanwhile (the local stack's usual bottleneck), and the message records by
// status after a drain.
import { paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClients } from '#core/aws/clients.ts';
import { percentile, round } from './support.ts';

/**
 * From each urgent message's history: 202 → its claim (`submitting`: SQS receive and the rate
 * token), and claim → SUBMIT_SM on the wire (the conditional claim write, then the PDU).
 */
export interface UrgentBreakdown {
  toClaim: { p50: number; p99: number };
  claimToWire: { p50: number; p99: number };
  /** The five slowest, [202 → claim, claim → wire] in ms. */
  slowest: [number, number][];
}

/** How many message items the table holds in each status: the store's own word on a drain. */
export async function statusCensus(endpoint: string, region: string, table: string) {
  // Pages of 1,000 items with a long timeout: a full scan is the heaviest call DynamoDB Local gets.
  const { document, dynamo } = createDynamoDbClients({ region, endpoint, requestTimeoutMs: 60_000 });
  const census: Record<string, number> = {};
  try {
    const pages = paginateScan(
      { client: document },
      {
        TableName: table,
        Limit: 1_000,
        FilterExpression: 'begins_with(pk, :message)',
        ProjectionExpression: '#status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':message': 'MSG#' },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const status = String(item.status);
        census[status] = (census[status] ?? 0) + 1;
      }
    }
    return census;
  } finally {
    document.destroy();
    dynamo.destroy();
  }
}

/** Times a small UpdateItem every 100 ms (an item no consumer reads) until stopped. */
export function probeStorage(endpoint: string, region: string, table: string) {
  const { document, dynamo } = createDynamoDbClients({ region, endpoint });
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const started = performance.now();
      // A probe that times out is a latency like any other (its full wait), not the run's end.
      await document
        .send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: 'PROBE#bench' },
            UpdateExpression: 'SET n = :n',
            ExpressionAttributeValues: { ':n': n },
          }),
        )
        .catch(() => undefined);
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      document.destroy();
      dynamo.destroy();
      return latencies;
    },
  };
}

/** Reads each urgent message's history (in parallel, bounded) and splits its latency in two. */
export async function urgentBreakdown(
  apiUrl: string,
  urgent: Map<string, { id: string; acceptedWall: number }>,
  submitWall: Map<string, number>,
): Promise<UrgentBreakdown> {
  const toClaim: number[] = [];
  const claimToWire: number[] = [];
  const pairs: [number, number][] = [];
  const entries = [...urgent];
  const worker = async () => {
    for (let entry = entries.pop(); entry !== undefined; entry = entries.pop()) {
      const [destination, { id, acceptedWall }] = entry;
      const response = await fetch(`${apiUrl}/v1/messages/${id}`);
      const { history } = (await response.json()) as { history: { status: string; at: string }[] };
      const claimed = history.find((change) => change.status === 'submitting');
      const wire = submitWall.get(destination);
      if (!claimed || wire === undefined) continue;
      const claimedAt = Date.parse(claimed.at);
      const pair: [number, number] = [Math.max(0, claimedAt - acceptedWall), Math.max(0, wire - claimedAt)];
      toClaim.push(pair[0]);
      claimToWire.push(pair[1]);
      pairs.push(pair);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const summary = (values: number[]) => ({
    p50: round(percentile(values, 50)),
    p99: round(percentile(values, 99)),
  });
  const slowest = pairs.sort((a, b) => b[0] + b[1] - (a[0] + a[1])).slice(0, 5);
  return { toClaim: summary(toClaim), claimToWire: summary(claimToWire), slowest };
}
