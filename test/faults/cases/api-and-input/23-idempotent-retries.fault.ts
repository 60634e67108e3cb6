import { describe, expect, it } from 'vitest';
import { runCase } from '../../harness/run-case.ts';

// Case 23: a caller retries with the same Idempotency-Key, one after another and all at once, and
// once with a different body: one message, sent once; the different body is refused.

async function post(apiUrl: string, key: string, body: unknown): Promise<{ status: number; id?: string }> {
  const response = await fetch(`${apiUrl}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { id?: string };
  return { status: response.status, ...(json.id ? { id: json.id } : {}) };
}

describe('fault case 23: retries with one Idempotency-Key', () => {
  it('when a send is retried sequentially and concurrently, then one message is sent once', async () => {
    const answers: { status: number; id?: string }[] = [];
    const result = await runCase({
      number: 23,
      name: 'Idempotency-Key retries (sequential, concurrent, other body)',
      act: async ({ stack, sent, faultEnded }) => {
        const body = { to: '+79992300001', text: 'case23 #0' };
        for (let i = 0; i < 3; i++) answers.push(await post(stack.local.apiUrl, 'case23-a', body));
        const concurrentBody = { to: '+79992300002', text: 'case23 #1' };
        answers.push(
          ...(await Promise.all(
            Array.from({ length: 8 }, () => post(stack.local.apiUrl, 'case23-b', concurrentBody)),
          )),
        );
        answers.push(await post(stack.local.apiUrl, 'case23-a', { ...body, text: 'case23 other' }));
        const first = answers[0]?.id;
        const second = answers[3]?.id;
        if (first) sent.push({ id: first, ...body });
        if (second) sent.push({ id: second, ...concurrentBody });
        faultEnded();
      },
    });
    const sequentialIds = new Set(answers.slice(0, 3).map((answer) => answer.id));
    const concurrentIds = new Set(
      answers
        .slice(3, 11)
        .filter((a) => a.status === 202)
        .map((a) => a.id),
    );
    expect(sequentialIds.size).toBe(1);
    expect(concurrentIds.size).toBe(1);
    expect(answers.at(-1)?.status).toBe(422);
    expect(result.report.states.delivered).toBe(2);
    expect(result.holds).toBe(true);
  });
});
