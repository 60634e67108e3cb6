import { describe, expect, it } from 'vitest';
import { runCase } from '../../harness/run-case.ts';
import { messageRecords } from '../../harness/traffic.ts';

// Case 24: hostile and broken requests at the API: each gets a 4xx problem, and nothing is stored or
// enqueued (the simulator sees nothing, the table holds no record).

const BAD_BODIES: readonly { what: string; body: string | Uint8Array }[] = [
  { what: 'malformed JSON', body: '{"to":"+79992400001","text":' },
  { what: '10 MB body', body: JSON.stringify({ to: '+79992400001', text: 'x'.repeat(10 * 1024 * 1024) }) },
  {
    what: 'invalid UTF-8',
    body: new Uint8Array([...Buffer.from('{"to":"+79992400001","text":"'), 0xff, 0xfe, ...Buffer.from('"}')]),
  },
  { what: 'lone surrogate', body: '{"to":"+79992400001","text":"a\\ud800b"}' },
  { what: 'U+FFFF', body: JSON.stringify({ to: '+79992400001', text: 'a\uffffb' }) },
  { what: 'NUL control character', body: JSON.stringify({ to: '+79992400001', text: 'a\u0000b' }) },
  { what: 'number with letters', body: JSON.stringify({ to: '+7999abc0001', text: 'hi' }) },
  { what: 'number without +', body: JSON.stringify({ to: '79992400001', text: 'hi' }) },
  { what: 'number over 15 digits', body: JSON.stringify({ to: '+7999240000100000', text: 'hi' }) },
];

describe('fault case 24: bad input at the API', () => {
  it('when broken requests arrive, then each gets a 4xx and nothing is stored or sent', async () => {
    const statuses: Record<string, number> = {};
    let stored = -1;
    const result = await runCase({
      number: 24,
      name: 'Bad input at the API',
      act: async ({ stack, faultEnded }) => {
        for (const { what, body } of BAD_BODIES) {
          const response = await fetch(`${stack.local.apiUrl}/v1/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          await response.arrayBuffer();
          statuses[what] = response.status;
        }
        stored = (await messageRecords(stack.clients.document, stack.local.tables.messages)).size;
        faultEnded();
      },
    });
    for (const { what } of BAD_BODIES)
      expect({ what, status: statuses[what] }).toMatchObject({
        what,
        status: expect.toSatisfy((s: number) => s >= 400 && s < 500),
      });
    expect(stored).toBe(0);
    expect(result.holds).toBe(true);
  });
});
