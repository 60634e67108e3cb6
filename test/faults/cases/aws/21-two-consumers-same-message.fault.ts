import {
  ChangeMessageVisibilityCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createSqsClient } from '#core/aws/clients.ts';
import { runCase, waitForHealthy } from '../../harness/run-case.ts';
import { sendMessages } from '../../harness/traffic.ts';

// Case 21: two bind-service consumers receive the same queue message. SQS delivers at least once, so
// each send is put on the queue twice here (the second copy is the same body under another SQS
// message id, as SQS's own duplicate would be), and two bind-services (MCON2 and 2 binds in the
// deployment: one slot each) drain the queue at once. The claim in the table lets exactly one copy reach the SMSC.

const COUNT = 30;

describe('fault case 21: two consumers receive the same queue message', () => {
  it('when every message is on the queue twice and two services consume, then each is sent once', async () => {
    // Prepare
    let copies = 0;
    let sessions = 0;
    // Act
    const result = await runCase({
      number: 21,
      name: 'two bind-service consumers receive the same message',
      env: { SMPP_THROUGHPUT: '100', SMPP_SYSTEM_TYPE: 'MCON2', SMPP_BINDS: '2' },
      startBindService: false,
      act: async ({ stack, sent, faultEnded }) => {
        sent.push(...(await sendMessages(stack.local.apiUrl, 21, { caseName: 'case21', count: COUNT })));
        const sqs = createSqsClient({ region: stack.local.region, endpoint: stack.local.endpoints.sqs });
        const queueUrl = stack.local.queues.bulk;
        const taken: Message[] = [];
        while (taken.length < COUNT) {
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
          );
          taken.push(...Messages);
        }
        for (const message of taken) {
          await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: message.Body ?? '' }));
          await sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queueUrl,
              ReceiptHandle: message.ReceiptHandle ?? '',
              VisibilityTimeout: 0,
            }),
          );
          copies++;
        }
        sqs.destroy();
        const second = await stack.secondBindService();
        stack.bind.start();
        second.bind.start();
        await waitForHealthy(stack);
        await waitForHealthy({ ...stack, healthUrl: second.healthUrl });
        sessions = stack.sim.boundSessions(stack.local.smpp.systemId).length;
        faultEnded();
      },
    });
    // Assess
    expect(copies).toBe(COUNT);
    expect(sessions).toBe(2);
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.report.states).toEqual({ delivered: COUNT });
    expect(result.holds).toBe(true);
  });
});
