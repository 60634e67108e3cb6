import { describe, expect, it } from 'vitest';
import { createClient } from '#client/index.ts';
import { useApiHarness } from '#test/helpers/api/api-harness.ts';
import { mobiles } from '../lambdas/api/batch-fixtures.ts';

// The client's one retry of a batch: a 503 enqueue_failed says nothing of it was queued (every record
// marked failed), so sending it again is safe, and the anti-loop rules must not refuse the second
// attempt as a duplicate of the first. The API runs on DynamoDB Local and fauxqs, SQS behind the item
// fault proxy.

describe('the typed client retrying a batch (Node server, DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();

  it('when a batch first meets 503 enqueue_failed, then the client sends it again and every entry is accepted, none refused as its own duplicate', async () => {
    // Prepare: SQS fails every publish of the first attempt (the publisher's and the SDK's retries)
    const api = await harness.startBehindProxies();
    const proxy = api.proxies.sqs;
    proxy.setCallRule(({ call }) => call === 'SendMessageBatch');
    let attempts = 0;
    const client = createClient({
      endpoint: api.url,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        // SQS works again once the first answer is back.
        if (++attempts === 1) proxy.setCallRule();
        return response;
      },
    });
    // Act
    const answer = await client.sendBatch({ to: mobiles(3), text: 'Retried batch' });
    // Assess
    expect(answer).toMatchObject({ accepted: 3, rejected: [] });
    expect(attempts).toBe(2);
    expect(proxy.failedCount('SendMessageBatch (whole)')).toBeGreaterThan(0);
    const statuses = (await harness.items(api.tables.messages, 'MSG#')).map((record) => record.status);
    expect(statuses.sort()).toEqual(['accepted', 'accepted', 'accepted', 'failed', 'failed', 'failed']);
    expect(await harness.drain(api.queues.bulk)).toHaveLength(3);
  });
});
