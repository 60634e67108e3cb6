import { describe, expect, it } from 'vitest';
import { runCase } from '../../harness/run-case.ts';

// Case 25: a 1600-character Cyrillic text is either accepted with its part count and sent whole, or
// refused by the part cap with a clear error; never truncated silently.

describe('fault case 25: a 1600-character Cyrillic text', () => {
  it('when a text needs more parts than allowed, then it is refused clearly; within the cap it is sent whole', async () => {
    const answers: { status: number; body: Record<string, unknown> }[] = [];
    const longText = 'Ж'.repeat(1600);
    const withinCap = 'Ж'.repeat(600);
    const result = await runCase({
      number: 25,
      name: '1600-character Cyrillic text',
      act: async ({ stack, sent, faultEnded }) => {
        for (const [to, text] of [
          ['+79992500001', longText],
          ['+79992500002', withinCap],
        ] as const) {
          const response = await fetch(`${stack.local.apiUrl}/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ to, text }),
          });
          const body = (await response.json()) as Record<string, unknown>;
          answers.push({ status: response.status, body });
          if (response.status === 202 && typeof body.id === 'string') sent.push({ id: body.id, to, text });
        }
        faultEnded();
      },
    });
    expect(answers[0]).toMatchObject({
      status: 400,
      body: { code: 'validation_failed', errors: [expect.objectContaining({ code: 'too_many_parts' })] },
    });
    expect(answers[1]).toMatchObject({ status: 202, body: { encoding: 'ucs2', parts: 9 } });
    const delivered = result.report.states.delivered;
    expect(delivered).toBe(1);
    expect(result.holds).toBe(true);
  });
});
