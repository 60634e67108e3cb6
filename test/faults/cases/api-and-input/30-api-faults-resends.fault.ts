import { describe, expect, it } from 'vitest';
import { loadConfig } from '#lambdas/api/config.ts';
import { createDeps } from '#lambdas/api/deps.ts';
import { apiLogger } from '#lambdas/api/http/request-log.ts';
import { startApiServer } from '#lambdas/api/server.ts';
import { LOCAL_API_LIMITS } from '#local/stack-config.ts';
import { type CallFaultRule, ItemFaultProxy } from '#test/helpers/aws/item-fault-proxy.ts';
import type { FaultStack } from '../../harness/fault-stack.ts';
import { runCase } from '../../harness/run-case.ts';
import { seededRandom } from '../../harness/seeded.ts';
import { messageRecords, recipient, type SentMessage } from '../../harness/traffic.ts';

// Case 30: SQS, and DynamoDB for keyed requests' stores (after the anti-loop rules counted them),
// fail the API's calls in bursts, before the server applies them or after (the answer lost), while callers do what each answer says: a 503 is sent
// again (a keyed request with its key), a batch entry rejected `enqueue_failed` is sent again, and
// nothing else is expected. Every message must reach the SMSC exactly once, and no resend may be
// refused as a duplicate of its own earlier attempt (anti-loop rules on, as by default).

const BURST_MS = 1_500;
const SINGLES = 20;
const BATCH = 20;
/** One publish of a lane: 4 tries of the publisher, 2 of the SDK each. */
const BULK_PUBLISH_FAILURES = 8;

type Answer = { status: number; body: Record<string, unknown> };

async function post(url: string, body: unknown, key?: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The API of the stack's tables and queues, its DynamoDB and SQS calls through the given proxies. */
async function startApiBehind(stack: FaultStack, endpoints: { dynamodb: string; sqs: string }) {
  const config = loadConfig({
    AWS_REGION: stack.local.region,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    MESSAGES_TABLE: stack.local.tables.messages,
    URGENT_QUEUE_URL: stack.local.queues.urgent,
    BULK_QUEUE_URL: stack.local.queues.bulk,
    ...LOCAL_API_LIMITS,
  });
  const built = createDeps(config, { log: apiLogger(() => undefined) });
  const server = await startApiServer({ port: 0, deps: built.deps });
  return {
    url: server.url,
    stop: async () => {
      await server.close();
      built.destroy();
    },
  };
}

/** In a burst (every other BURST_MS), the calls `picks` chooses fail: half unseen, half applied. */
function bursts(picks: (call: string, body: string) => boolean, seed: number): CallFaultRule {
  const started = Date.now();
  const next = seededRandom(seed);
  return ({ call, body }) => {
    const inBurst = Math.floor((Date.now() - started) / BURST_MS) % 2 === 0;
    if (!inBurst || !picks(call, body)) return false;
    return next() < 0.5 ? true : 'after-server';
  };
}

describe('fault case 30: the API meets SQS and DynamoDB faults, callers resend as told', () => {
  it('when calls fail in bursts and callers follow the answers, then every message is sent once and no resend is refused', {
    timeout: 240_000,
  }, async () => {
    // Prepare
    const answers: number[] = [];
    const failed: Record<string, number> = {};
    let rejectedEntries = 0;
    const texts = (kind: string, count: number, from: number) =>
      Array.from({ length: count }, (_, i) => ({
        to: recipient(30, from + i),
        text: `case30 ${kind} #${from + i}`,
      }));
    const keyless = texts('keyless', SINGLES, 0);
    const keyed = texts('keyed', SINGLES, SINGLES);
    const batched = texts('batched', BATCH, 2 * SINGLES).map((message, i) => ({
      ...message,
      priority: i % 2 === 0 ? 'urgent' : 'bulk',
    }));
    const keyedMarks = keyed.map(({ text }) => text);
    /** Sends until accepted, again after every 503 (with its key, if any); any other answer is a failure. */
    const sendOne = async (url: string, message: { to: string; text: string }, key?: string) => {
      for (let attempt = 0; attempt < 60; attempt++) {
        const answer = await post(`${url}/v1/messages`, message, key);
        answers.push(answer.status);
        if (answer.status === 202) return String(answer.body.id);
        if (answer.status !== 503)
          throw new Error(`${message.text}: ${answer.status} ${JSON.stringify(answer.body)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(`${message.text}: still 503 after 60 attempts`);
    };
    /** Sends the batch, then again what a 503 or an `enqueue_failed` entry says was not queued. */
    const sendBatch = async (url: string, messages: { to: string; text: string; priority: string }[]) => {
      let pending = messages;
      for (let attempt = 0; attempt < 60 && pending.length > 0; attempt++) {
        const answer = await post(`${url}/v1/batches`, { messages: pending });
        answers.push(answer.status);
        if (answer.status === 202) {
          const rejected = answer.body.rejected as { index: number; error: { code: string } }[];
          if (rejected.some(({ error }) => error.code !== 'enqueue_failed'))
            throw new Error(`batch entries refused: ${JSON.stringify(rejected)}`);
          rejectedEntries += rejected.length;
          pending = rejected.map(({ index }) => pending[index] as (typeof messages)[number]);
        } else if (answer.status !== 503) {
          throw new Error(`batch: ${answer.status} ${JSON.stringify(answer.body)}`);
        }
        if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      if (pending.length > 0) throw new Error(`${pending.length} batch entries never queued`);
    };
    // Act
    const result = await runCase({
      number: 30,
      name: 'API calls to SQS and DynamoDB fail in bursts; callers resend as the answers say',
      env: { SMPP_THROUGHPUT: '100' },
      act: async ({ stack, sent, faultEnded }) => {
        const dynamodb = new ItemFaultProxy(stack.local.endpoints.dynamodb);
        const sqs = new ItemFaultProxy(stack.local.endpoints.sqs);
        const api = await startApiBehind(stack, {
          dynamodb: await dynamodb.listen(),
          sqs: await sqs.listen(),
        });
        try {
          // Single sends meet the bursts; the batch's bulk lane fails its first publish whole (the
          // publisher's and the SDK's tries), so its half of the batch comes back `enqueue_failed`.
          const singleSends = bursts((call) => call === 'SendMessage', 30);
          let bulkFailures = BULK_PUBLISH_FAILURES;
          sqs.setCallRule((query) => {
            if (query.call !== 'SendMessageBatch') return singleSends(query);
            // Unseen by SQS: applied, the bind-service could claim them before they are marked
            // failed, and the batch would answer them accepted (right, but then nothing is resent).
            return query.body.includes(stack.local.queues.bulk) && bulkFailures-- > 0;
          });
          dynamodb.setCallRule(
            bursts(
              (call, body) => call === 'TransactWriteItems' && keyedMarks.some((mark) => body.includes(mark)),
              3030,
            ),
          );
          const singles = await Promise.all([
            ...keyless.map(async (message) => ({ ...message, id: await sendOne(api.url, message) })),
            ...keyed.map(async (message, i) => ({
              ...message,
              id: await sendOne(api.url, message, `case30-${i}`),
            })),
            sendBatch(api.url, batched).then(() => undefined),
          ]);
          sent.push(...singles.filter((message): message is SentMessage => message !== undefined));
        } finally {
          sqs.setCallRule();
          dynamodb.setCallRule();
          for (const proxy of [dynamodb, sqs]) for (const [call, count] of proxy.failed) failed[call] = count;
          await api.stop();
          await Promise.all([dynamodb.close(), sqs.close()]);
        }
        faultEnded();
        // A batch answers no ids: each batched text's one record not failed by a failed enqueue.
        const records = await messageRecords(stack.clients.document, stack.local.tables.messages);
        for (const { to, text } of batched) {
          const live = [...records.values()].filter(
            (record) => record.text === text && record.error?.code !== 'enqueue_failed',
          );
          if (live.length !== 1) throw new Error(`${text}: ${live.length} records that may be sent`);
          sent.push({ id: (live[0] as { id: string }).id, to, text });
        }
      },
      settleMs: 90_000,
    });
    // Assess: the bursts met the single sends, the batch and the keyed stores
    for (const call of ['SendMessage (whole)', 'SendMessageBatch (whole)', 'TransactWriteItems (whole)']) {
      expect(failed[call] ?? 0, call).toBeGreaterThan(0);
    }
    expect(answers.filter((status) => status === 503).length).toBeGreaterThan(0);
    expect(rejectedEntries).toBe(BATCH / 2);
    expect(answers.every((status) => status === 202 || status === 503)).toBe(true);
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.report.states).toEqual({ delivered: 2 * SINGLES + BATCH });
    expect(result.holds).toBe(true);
    process.stdout.write(
      `case 30: ${answers.length} answers, ${answers.filter((status) => status === 503).length} of them 503; ${rejectedEntries} batch entries sent again; failed calls ${JSON.stringify(failed)}\n`,
    );
  });
});
