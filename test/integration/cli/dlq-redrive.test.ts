import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { redrive } from '#cli/dlq/redrive.ts';
import { createSqsClient } from '#core/aws/clients.ts';
import type { QueueNames } from '#core/aws/resources/resource-definitions.ts';
import type { ApiEnv } from '#lambdas/api/http/request-log.ts';
import { createEventFeed, localApiRoutes } from '#local/event-feed.ts';
import { ItemFaultProxy } from '#test/helpers/aws/item-fault-proxy.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { within } from '#test/helpers/wait.ts';
import { useCli } from './cli-process.ts';

// `smsc-sender dlq redrive` against fauxqs. The CLI finds the queues as on the local stack, from
// its /local/stack route (the real route, on a server of its own: no API needed), which can point it
// at fauxqs through the item fault proxy. A stand-in for the bind-service dead-letters what reaches
// the source queue at once, as it does an invalid message.

const nameOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

describe('smsc-sender dlq redrive', () => {
  const aws = useLocalAws({ sqs: true });
  let endpoint = 'http://127.0.0.1:1';
  const cli = useCli(() => endpoint);
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  /** The local stack's /local/stack route, naming `sqsEndpoint` as the stack's SQS. */
  const serveStackInfo = async (queues: QueueNames, sqsEndpoint: string) => {
    const app = new Hono<ApiEnv>();
    localApiRoutes(createEventFeed(), {
      region: aws.region,
      endpoints: { dynamodb: 'http://127.0.0.1:1', sqs: sqsEndpoint },
      queues,
    })(app);
    const port = await new Promise<number>((resolve) => {
      const server: ServerType = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve(info.port),
      );
      closers.push(
        () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // A CLI still running (a failed test) would hold its keep-alive connection open.
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      );
    });
    endpoint = `http://127.0.0.1:${port}`;
  };

  /** Sends back to the DLQ whatever reaches `source`, at once, until the test ends. */
  const deadLetterAtOnce = (source: string, dlq: string) => {
    const controller = new AbortController();
    const loop = (async () => {
      while (!controller.signal.aborted) {
        const { Messages = [] } = await aws.sqs
          .send(new ReceiveMessageCommand({ QueueUrl: source, WaitTimeSeconds: 1 }), {
            abortSignal: controller.signal,
          })
          .catch(() => ({ Messages: [] }));
        for (const message of Messages) {
          await aws.sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: message.Body ?? '' }));
          await aws.sqs.send(
            new DeleteMessageCommand({ QueueUrl: source, ReceiptHandle: message.ReceiptHandle }),
          );
        }
      }
    })();
    closers.push(async () => {
      controller.abort();
      await loop;
    });
  };

  const depth = async (url: string) => {
    const { Attributes = {} } = await aws.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible)
    );
  };

  const invalidMessage = (queues: QueueNames, clientRef: string) =>
    aws.sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.urgentDlq,
        MessageBody: JSON.stringify({ v: 1, to: '12', text: 'Still invalid', clientRef }),
      }),
    );

  it('when the DLQ holds a message the consumer dead-letters again at once, then redrive moves the one it found and ends', {
    timeout: 30_000,
  }, async () => {
    // Prepare
    const queues = await aws.freshQueues();
    await serveStackInfo(queues, aws.sqsEndpoint);
    await invalidMessage(queues, 'redrive-loop');
    deadLetterAtOnce(queues.urgent, queues.urgentDlq);
    // Act
    const run = cli(['dlq', 'redrive', queues.urgentDlq]);
    const code = await within(run.exited, 20_000, 'dlq redrive to end');
    // Assess
    const [dlq, source] = [nameOf(queues.urgentDlq), nameOf(queues.urgent)];
    expect({ code, stdout: run.stdout.trim() }, run.stderr).toEqual({
      code: 0,
      stdout:
        `moved 1 message from ${dlq} to ${source} (at most the 1 waiting when redrive started; ` +
        'messages dead-lettered since stay for the next redrive or --max)',
    });
  });

  it('when SQS keeps failing the delete of a copied message, then redrive says it is on both queues and exits 1', async () => {
    // Prepare
    const queues = await aws.freshQueues();
    const proxy = new ItemFaultProxy(aws.sqsEndpoint);
    closers.push(() => proxy.close());
    await serveStackInfo(queues, await proxy.listen());
    await invalidMessage(queues, 'redrive-stuck');
    proxy.setRule(({ call }) => call === 'DeleteMessageBatch');
    // Act
    const run = cli(['dlq', 'redrive', queues.urgentDlq, '--max', '5']);
    const code = await within(run.exited, 20_000, 'dlq redrive to end');
    // Assess
    const [dlq, source] = [nameOf(queues.urgentDlq), nameOf(queues.urgent)];
    expect({ code, stdout: run.stdout.trim() }).toEqual({
      code: 1,
      stdout: `moved 0 messages from ${dlq} to ${source}`,
    });
    expect(run.stderr).toContain(
      `error: 1 message copied to ${source} but still on ${dlq} (SQS did not delete it: InternalError)`,
    );
    expect({ onDlq: await depth(queues.urgentDlq), onSource: await depth(queues.urgent) }).toEqual({
      onDlq: 1,
      onSource: 1,
    });
  });

  it('when SQS refuses the copy of a message, then redrive reports what it moved, then the one still on the DLQ, and exits 1', async () => {
    // Prepare
    const queues = await aws.freshQueues();
    const proxy = new ItemFaultProxy(aws.sqsEndpoint);
    closers.push(() => proxy.close());
    await serveStackInfo(queues, await proxy.listen());
    await invalidMessage(queues, 'redrive-copied');
    await invalidMessage(queues, 'redrive-refused');
    proxy.setRule(
      ({ call, item }) => call === 'SendMessageBatch' && JSON.stringify(item).includes('redrive-refused'),
    );
    // Act
    const run = cli(['dlq', 'redrive', queues.urgentDlq, '--max', '5']);
    const code = await within(run.exited, 20_000, 'dlq redrive to end');
    // Assess: before, exit 2 (a usage error: "fix the command line") and the message moved unsaid.
    const [dlq, source] = [nameOf(queues.urgentDlq), nameOf(queues.urgent)];
    expect({ code, stdout: run.stdout.trim() }, run.stderr).toEqual({
      code: 1,
      stdout: `moved 1 message from ${dlq} to ${source}`,
    });
    expect(run.stderr).toContain(
      `error: 1 message not moved: SQS refused its copy to ${source} (InternalError), so it is still on ${dlq}`,
    );
    expect({ onDlq: await depth(queues.urgentDlq), onSource: await depth(queues.urgent) }).toEqual({
      onDlq: 1,
      onSource: 1,
    });
  });

  it('when SQS fails a delete once, then redrive deletes it again and the message is moved', async () => {
    // Prepare
    const queues = await aws.freshQueues();
    await invalidMessage(queues, 'redrive-retried');
    const proxy = new ItemFaultProxy(aws.sqsEndpoint);
    closers.push(() => proxy.close());
    const sqs = createSqsClient({ region: aws.region, endpoint: await proxy.listen() });
    closers.push(async () => sqs.destroy());
    let failures = 1;
    proxy.setRule(({ call }) => call === 'DeleteMessageBatch' && failures-- > 0);
    // Act
    const outcome = await redrive(sqs, queues.urgentDlq, queues.urgent, 5);
    // Assess
    expect(outcome).toEqual({ moved: 1, stillOnDlq: [], notSent: [] });
    expect(proxy.failedCount('DeleteMessageBatch')).toBe(1);
    expect({ onDlq: await depth(queues.urgentDlq), onSource: await depth(queues.urgent) }).toEqual({
      onDlq: 0,
      onSource: 1,
    });
  });
});
