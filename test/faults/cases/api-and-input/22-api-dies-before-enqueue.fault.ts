import { describe, expect, it } from 'vitest';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { acceptedMessageRecord } from '#core/domain/messages/message-model.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { runCase } from '../../harness/run-case.ts';
import { recipient, sendMessages } from '../../harness/traffic.ts';

// Case 22: the API process dies between storing a message and enqueueing it. The API runs inside the
// test process here, so its death is reproduced by its effect: the records are written exactly as the
// API's store step writes them (the same repository call, `accepted`, in the sweeper's index) and
// nothing is enqueued or answered after. The sweeper (every 3 s here; its minimum age is 30 s) must
// enqueue each one, and the bind-service send it once, while the sweeper keeps running.

const ORPHANS = 10;

describe('fault case 22: the API dies between storing and enqueueing', () => {
  it('when records are stored but never enqueued, then the sweeper gets each sent exactly once', async () => {
    // Act
    const result = await runCase({
      number: 22,
      name: 'API dies between store and enqueue; the sweeper sends once',
      env: { SMPP_THROUGHPUT: '100', SWEEP_INTERVAL_SECONDS: '3', SWEEP_AGE_SECONDS: '30' },
      settleMs: 90_000,
      act: async ({ stack, sent, faultEnded }) => {
        sent.push(...(await sendMessages(stack.local.apiUrl, 22, { caseName: 'case22', count: 20 })));
        const messages = new MessageRepository(stack.clients.document, stack.local.tables.messages);
        for (let index = 20; index < 20 + ORPHANS; index++) {
          const text = `case22 #${index}`;
          const to = recipient(22, index);
          const request = sendMessageSchema.parse({ to, text, priority: 'bulk' });
          const prepared = prepareMessage(request, { isoMode: false, maxParts: 10 });
          const id = newMessageId();
          await messages.createAccepted(acceptedMessageRecord({ id, request, prepared, now: new Date() }));
          sent.push({ id, text, to });
        }
        faultEnded();
      },
    });
    // Assess
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.report.states).toEqual({ delivered: 20 + ORPHANS });
    expect(result.holds).toBe(true);
  });
});
