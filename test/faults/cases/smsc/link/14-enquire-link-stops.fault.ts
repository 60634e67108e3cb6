import { describe, expect, it } from 'vitest';
import { runCase } from '../../../harness/run-case.ts';
import { sendMessages } from '../../../harness/traffic.ts';

// Case 14: the SMSC stops answering enquire_link (a half-dead link): the engine drops the session
// and rebinds; traffic before and after is delivered once.

describe('fault case 14: enquire_link answers stop', () => {
  it('when enquire_link goes unanswered, then the engine rebinds and every message ends once', {
    timeout: 240_000,
  }, async () => {
    const result = await runCase({
      number: 14,
      name: 'enquire_link answers stop',
      env: { SMPP_THROUGHPUT: '100', SMPP_ENQUIRE_LINK_SECONDS: '1' },
      bindEnv: { SMPP_RESPONSE_TIMEOUT_SECONDS: '2' },
      act: async ({ stack, sent, faultEnded }) => {
        sent.push(...(await sendMessages(stack.local.apiUrl, 14, { caseName: 'case14', count: 20 })));
        const binds = stack.sim.stats.binds;
        stack.sim.stopAnsweringEnquireLink(stack.local.smpp.systemId);
        await stack.sim.waitFor(() => stack.sim.stats.binds > binds, 15_000);
        stack.sim.stopAnsweringEnquireLink(stack.local.smpp.systemId, false);
        sent.push(
          ...(await sendMessages(stack.local.apiUrl, 14, { caseName: 'case14', count: 20, from: 20 })),
        );
        faultEnded();
      },
    });
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.holds).toBe(true);
  });
});
