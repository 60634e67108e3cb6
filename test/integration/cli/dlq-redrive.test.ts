import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import { type QueueDelivery, queueMessageId } from '#bind-service/dispatch/intake/derived-id.ts';
import { rejectMalformed } from '#bind-service/dispatch/intake/malformed.ts';
import { parseQueueMessage, type QueueParseOptions } from '#bind-service/dispatch/intake/queue-message.ts';
import { type LaneQueue, SqsLane } from '#bind-service/dispatch/intake/sqs-lane.ts';
import { asNewId } from '#cli/dlq/as-new.ts';
import type { RecordLookup } from '#cli/dlq/entry-plan.ts';
import type { RecordReader } from '#cli/dlq/records.ts';
import { redrive } from '#cli/dlq/redrive.ts';
import { createSqsClient } from '#core/aws/clients.ts';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { QueueNames } from '#core/aws/resources/resource-definitions.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { problemResponse } from '#lambdas/api/http/problem.ts';
import type { ApiEnv } from '#lambdas/api/http/request-log.ts';
import { notFoundProblem } from '#lambdas/api/http/respond.ts';
import { createEventFeed, localApiRoutes } from '#local/event-feed.ts';
import { ItemFaultProxy } from '#test/helpers/aws/item-fault-proxy.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { within } from '#test/helpers/wait.ts';
import { useLocalStack } from '#test/integration/local/stack/stack-fixture.ts';
import { useCli } from './cli-process.ts';

// `smsc-sender dlq redrive` against fauxqs. The CLI finds the queues as on the local stack, from
// its /local/stack route (the real route, on a server of its own), which can point it at fauxqs
// through the item fault proxy; the same server answers every record read with the API's own 404,
// as a stack whose bind-service never recorded these messages. A stand-in for the bind-service dead-letters what reaches
// the source queue at once, as it does an invalid message. Dead letters that name a record (as the
// bind-service's do) are redriven on the whole local stack, whose API the CLI reads them through.

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
    app.get('/v1/messages/:id', () => problemResponse(notFoundProblem('No message has this id.')));
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

  /** No message was recorded: the bind-service never took these dead letters. */
  const noRecords: RecordReader = async () => ({ kind: 'missing' });

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
    const outcome = await redrive(sqs, queues.urgentDlq, queues.urgent, {
      max: 5,
      records: noRecords,
      asNew: false,
    });
    // Assess
    expect(outcome).toEqual({ moved: 1, movedAsNew: [], held: [], stillOnDlq: [], notSent: [] });
    expect(proxy.failedCount('DeleteMessageBatch')).toBe(1);
    expect({ onDlq: await depth(queues.urgentDlq), onSource: await depth(queues.urgent) }).toEqual({
      onDlq: 0,
      onSource: 1,
    });
  });

  it('when SQS fails a whole copy call after an earlier one, then redrive reports what it moved, then each message not moved, and exits 1', {
    timeout: 30_000,
  }, async () => {
    // Prepare: 12 dead letters; the first call copies 10, every attempt of the second fails whole.
    const queues = await aws.freshQueues();
    const proxy = new ItemFaultProxy(aws.sqsEndpoint);
    closers.push(() => proxy.close());
    await serveStackInfo(queues, await proxy.listen());
    for (let n = 0; n < 12; n++) await invalidMessage(queues, `redrive-whole-${n}`);
    let calls = 0;
    proxy.setCallRule(({ call }) => call === 'SendMessageBatch' && ++calls > 1);
    // Act
    const run = cli(['dlq', 'redrive', queues.urgentDlq]);
    const code = await within(run.exited, 25_000, 'dlq redrive to end');
    // Assess: before, the thrown error skipped the "moved" line (exit 1, 10 moved unsaid).
    const [dlq, source] = [nameOf(queues.urgentDlq), nameOf(queues.urgent)];
    expect({ code, stdout: run.stdout.trim() }, run.stderr).toEqual({
      code: 1,
      stdout:
        `moved 10 messages from ${dlq} to ${source} (at most the 12 waiting when redrive started; ` +
        'messages dead-lettered since stay for the next redrive or --max)',
    });
    expect(run.stderr).toMatch(
      new RegExp(
        `error: 2 messages not moved: SQS refused their copy to ${source} \\(\\w+\\), so they are still on ${dlq}`,
      ),
    );
    expect({ onDlq: await depth(queues.urgentDlq), onSource: await depth(queues.urgent) }).toEqual({
      onDlq: 2,
      onSource: 10,
    });
  });
  /** Sends `body` to `source` and has SQS itself move it to its DLQ (a receive past its limit of 1). */
  const movedBySqs = async (queues: QueueNames, body: string): Promise<QueueDelivery> => {
    const { Attributes = {} } = await aws.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queues.urgent, AttributeNames: ['RedrivePolicy'] }),
    );
    const policy = JSON.parse(Attributes.RedrivePolicy ?? '{}') as Record<string, unknown>;
    await aws.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queues.urgent,
        Attributes: { RedrivePolicy: JSON.stringify({ ...policy, maxReceiveCount: 1 }) },
      }),
    );
    const deadLetters = await depth(queues.urgentDlq);
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: queues.urgent, MessageBody: body }));
    // The bind-service's receive: what it derives the message's id from.
    const { Messages = [] } = await aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queues.urgent,
        VisibilityTimeout: 0,
        MessageSystemAttributeNames: ['SentTimestamp', 'SenderId'],
      }),
    );
    const [received] = Messages;
    if (!received?.MessageId) throw new Error('the message was not received');
    // Its second receive moves it to the DLQ: it comes back to no one.
    const again = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.urgent, WaitTimeSeconds: 0 }),
    );
    expect(again.Messages ?? []).toEqual([]);
    expect(await depth(queues.urgentDlq)).toBe(deadLetters + 1);
    return {
      sqsMessageId: received.MessageId,
      sentTimestampMs: Number(received.Attributes?.SentTimestamp),
      ...(received.Attributes?.SenderId ? { senderId: received.Attributes.SenderId } : {}),
    };
  };

  /** A reader that knows one record, and the ids it was asked for. */
  const oneRecord = (id: () => string, lookup: RecordLookup) => {
    const asked: string[] = [];
    const reader: RecordReader = async (asks) => {
      asked.push(asks);
      return asks === id() ? lookup : { kind: 'missing' };
    };
    return { reader, asked };
  };

  const delivered: RecordLookup = { kind: 'found', status: 'delivered', wasSent: true };

  /** The bodies now on `url`, received and left there. */
  const bodiesOn = async (url: string) => {
    const { Messages = [] } = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    return Messages.map((message) => JSON.parse(message.Body ?? '') as Record<string, unknown>);
  };

  it('when SQS itself moved a message without id whose record is delivered, then redrive leaves it on the DLQ', async () => {
    // Prepare
    const queues = await aws.freshQueues();
    const body = { v: 1, to: '+79995550120', text: 'Sent once', clientRef: 'moved-by-sqs' };
    let bindServiceId = '';
    const { reader, asked } = oneRecord(() => bindServiceId, delivered);
    const delivery = await movedBySqs(queues, JSON.stringify(body));
    bindServiceId = queueMessageId(delivery, body);
    // Act
    const outcome = await redrive(aws.sqs, queues.urgentDlq, queues.urgent, {
      max: 5,
      records: reader,
      asNew: false,
    });
    // Assess: before, it moved under a new id and the record was never asked for (sent twice).
    expect({ outcome, asked }).toEqual({
      outcome: {
        moved: 0,
        movedAsNew: [],
        held: [{ messageId: delivery.sqsMessageId, id: bindServiceId, why: 'final', status: 'delivered' }],
        stillOnDlq: [],
        notSent: [],
      },
      asked: [bindServiceId],
    });
    expect({ onDlq: await depth(queues.urgentDlq), onSource: await depth(queues.urgent) }).toEqual({
      onDlq: 1,
      onSource: 0,
    });
  });

  it('when SQS itself moved a keyed message whose record is delivered, then redrive leaves it on the DLQ', async () => {
    // Prepare
    const queues = await aws.freshQueues();
    const body = { v: 1, to: '+79995550121', text: 'Keyed', idempotencyKey: 'order-77' };
    let bindServiceId = '';
    const { reader, asked } = oneRecord(() => bindServiceId, delivered);
    const delivery = await movedBySqs(queues, JSON.stringify(body));
    bindServiceId = queueMessageId(delivery, body);
    // Act
    const outcome = await redrive(aws.sqs, queues.urgentDlq, queues.urgent, {
      max: 5,
      records: reader,
      asNew: false,
    });
    // Assess: before, moved as it was: the redriver's own SenderId made it another message.
    expect({ held: outcome.held, moved: outcome.moved, asked }).toEqual({
      held: [{ messageId: delivery.sqsMessageId, id: bindServiceId, why: 'final', status: 'delivered' }],
      moved: 0,
      asked: [bindServiceId],
    });
  });

  it('when SQS itself moved messages the bind-service has no record of, then redrive moves each under the id it knew it by', async () => {
    // Prepare
    const queues = await aws.freshQueues();
    const plain = { v: 1, to: '+79995550122', text: 'Never recorded', clientRef: 'plain' };
    const keyed = { v: 1, to: '+79995550123', text: 'Never recorded', idempotencyKey: 'order-78' };
    const ids = [
      queueMessageId(await movedBySqs(queues, JSON.stringify(plain)), plain),
      queueMessageId(await movedBySqs(queues, JSON.stringify(keyed)), keyed),
    ];
    const { reader, asked } = oneRecord(() => 'none', delivered);
    // Act
    const outcome = await redrive(aws.sqs, queues.urgentDlq, queues.urgent, {
      max: 5,
      records: reader,
      asNew: false,
    });
    // Assess: each copy carries that id, so a copy of it (a retried call, a rerun) is one message,
    // whoever publishes it.
    expect({ moved: outcome.moved, held: outcome.held, asked: asked.sort() }).toEqual({
      moved: 2,
      held: [],
      asked: [...ids].sort(),
    });
    const moved = await bodiesOn(queues.urgent);
    expect(moved.map((copy) => copy.id).sort()).toEqual([...ids].sort());
    expect(moved.find((copy) => copy.clientRef === 'plain')).toEqual({ ...plain, id: ids[0] });
    expect(moved.find((copy) => copy.idempotencyKey === 'order-78')).toEqual({ ...keyed, id: ids[1] });
  });
  it('when the callbacks DLQ holds a job, then redrive moves it as it is, reading no record', async () => {
    // Prepare: a status callback that used all its attempts (the receiver was down).
    const queues = await aws.freshQueues();
    const job = JSON.stringify({
      callbackUrl: 'https://receiver.example/sms-status',
      event: { id: newMessageId(), status: 'delivered', at: '2026-12-07T03:00:00.000Z' },
    });
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: queues.callbacksDlq, MessageBody: job }));
    const asked: string[] = [];
    // Act
    const outcome = await redrive(aws.sqs, queues.callbacksDlq, queues.callbacks, {
      max: 5,
      records: async (id) => {
        asked.push(id);
        return { kind: 'unreadable', reason: 'no API here' };
      },
      asNew: false,
    });
    // Assess: a job is no message to look up; before, it waited on an API read (held when unreadable)
    // and went back with a made-up message id in its body.
    expect({ moved: outcome.moved, held: outcome.held, asked }).toEqual({ moved: 1, held: [], asked: [] });
    const { Messages = [] } = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.callbacks, WaitTimeSeconds: 0 }),
    );
    expect(Messages.map((message) => message.Body)).toEqual([job]);
  });
});

describe('smsc-sender dlq redrive of dead letters with records, on the local stack', () => {
  const fixture = useLocalStack({ env: { SMPP_THROUGHPUT: '200' } });
  const cli = useCli(() => fixture.stack.apiUrl);
  const noLog = { debug() {}, info() {}, warn() {}, error() {}, child: () => noLog } as never;
  const dlqName = () => `${fixture.prefix}-urgent-dlq`;

  /** What the bind-service does with `body` when its settings refuse it: a rejected record, a DLQ entry. */
  const rejectAsBindService = async (
    body: string,
    options: { maxParts: number; sqsMessageId: string; lane?: 'urgent' | 'bulk'; parse?: QueueParseOptions },
  ) => {
    const parsed = parseQueueMessage(body, options.parse ?? { isoMode: false, maxParts: options.maxParts });
    if (parsed.ok) throw new Error('expected the bind-service to refuse it');
    const lane = options.lane ?? 'urgent';
    const { queues } = fixture.stack;
    const sqsLane = new SqsLane(fixture.sqs, lane, {
      url: queues[lane],
      dlqUrl: lane === 'urgent' ? queues.urgentDlq : queues.bulkDlq,
    });
    // Only the dead-letter step is SQS's own; the delete from the source queue has nothing to delete.
    const queue = {
      deadLetter: (b: string, a: Record<string, string>) => sqsLane.deadLetter(b, a),
      delete: async () => {},
    } as unknown as LaneQueue;
    const held = {
      lane,
      sqsMessageId: options.sqsMessageId,
      receiptHandle: `${options.sqsMessageId}-handle`,
      body,
      sentTimestampMs: Date.now(),
      receiveCount: 1,
      visibleUntil: performance.now() + 60_000,
    };
    await rejectMalformed(held, parsed, queue, {
      messages: new MessageRepository(fixture.document, fixture.stack.tables.messages),
      log: noLog,
      stats: emptyStats(),
      clock: () => new Date(),
      giveBackSeconds: 5,
    });
  };

  /** A 2-part message the API published with its id, dead-lettered by a bind-service run with MAX_PARTS=1. */
  const deadLetteredUnderOldSettings = async (to: string) => {
    const id = newMessageId();
    const body = JSON.stringify({ v: 1, id, to, text: 'Long enough for two parts. '.repeat(7) });
    await rejectAsBindService(body, { maxParts: 1, sqsMessageId: `old-${id}` });
    return id;
  };

  /** The SUBMIT_SMs the simulator took for `to` (one per part). */
  const sentTo = (to: string) =>
    fixture.sim.submissions.filter((s) => s.destination.replace(/^\+/, '') === to.slice(1)).length;

  it('when the DLQ holds five bodies the bind-service cut to fit, then redrive moves them all', {
    timeout: 60_000,
  }, async () => {
    // Prepare: invalid direct publishes (a 300 KB text) rejected and cut to fit 256 KiB each, on the
    // bulk lane (the bind-service dead-letters them again, apart from the other tests' urgent DLQ).
    for (let n = 0; n < 5; n++) {
      const body = JSON.stringify({ v: 1, to: '+79995550110', text: `${n}`.padEnd(300_000, 'x') });
      await rejectAsBindService(body, { maxParts: 10, sqsMessageId: `huge-${n}`, lane: 'bulk' });
    }
    // Act
    const run = cli(['dlq', 'redrive', `${fixture.prefix}-bulk-dlq`, '--max', '5']);
    const code = await within(run.exited, 30_000, 'dlq redrive to end');
    // Assess: before, every run failed whole on BatchRequestTooLong (exit 1, nothing moved).
    const errorLines = run.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect({ code, stdout: run.stdout.trim(), errorLines }).toEqual({
      code: 0,
      stdout: `moved 5 messages from ${fixture.prefix}-bulk-dlq to ${fixture.prefix}-bulk`,
      errorLines: [],
    });
  });

  it('when a message with an id was rejected under since-fixed settings, then redrive leaves it on the DLQ, says why and how to send it, and exits 1', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const to = '+79995550101';
    const id = await deadLetteredUnderOldSettings(to);
    // Act: the settings are fixed (this stack runs MAX_PARTS 10); the operator redrives.
    const run = cli(['dlq', 'redrive', dlqName()]);
    const code = await within(run.exited, 20_000, 'dlq redrive');
    // Assess: before, "moved 1 message", exit 0, and the bind-service dropped it as a copy unsent.
    expect({ code, stdout: run.stdout.trim() }, run.stderr).toEqual({
      code: 1,
      stdout:
        `moved 0 messages from ${dlqName()} to ${fixture.prefix}-urgent (at most the 1 waiting when ` +
        'redrive started; messages dead-lettered since stay for the next redrive or --max)',
    });
    expect(run.stderr).toContain(
      `error: 1 message left on ${dlqName()}, not moved, for what their records say:`,
    );
    expect(run.stderr).toMatch(new RegExp(`  ${id} \\(MessageId [^)]+\\): rejected before it was sent`));
    expect(run.stderr).toContain(`\`dlq redrive ${dlqName()} --as-new\` moves it as a new message`);
    // Left on the DLQ and visible at once, for the run that follows.
    expect(await fixture.queueDepth(fixture.stack.queues.urgentDlq)).toBe(1);
    expect(sentTo(to)).toBe(0);
  });

  /** Redrives the urgent DLQ `--as-new` and waits for `id`'s new message to be final. */
  const redriveAsNew = async (id: string) => {
    const run = cli(['dlq', 'redrive', dlqName(), '--as-new', '--max', '20']);
    const code = await within(run.exited, 20_000, 'dlq redrive --as-new');
    const sent = await fixture.settled(asNewId(id), 20_000);
    return { run, code, sent };
  };

  it('when such a message is redriven --as-new, then it is sent once as a new message whose id is printed', {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const to = '+79995550102';
    const id = await deadLetteredUnderOldSettings(to);
    // Act
    const { run, code, sent } = await redriveAsNew(id);
    // Assess
    const newId = asNewId(id);
    expect(
      {
        code,
        asNewLine: run.stdout.includes(`  ${id} -> ${newId} (moved as a new message; ${id} stays rejected)`),
      },
      run.stdout + run.stderr,
    ).toEqual({ code: 0, asNewLine: true });
    expect({ status: sent.status, to: sent.to }).toEqual({ status: 'delivered', to });
    const old = (await (await fixture.get(`/v1/messages/${id}`)).json()) as { status: string };
    expect(old.status).toBe('rejected');
    // Each of its parts once.
    expect(sentTo(to)).toBe(sent.parts);
  });

  it('when an entry moved --as-new is on the DLQ again, then --as-new leaves it there naming its new message, and nothing is sent twice', {
    timeout: 60_000,
  }, async () => {
    // Prepare: moved as new; then the same entry on the DLQ again, as a delete SQS refused leaves it.
    const to = '+79995550103';
    const id = await deadLetteredUnderOldSettings(to);
    const { sent } = await redriveAsNew(id);
    const body = JSON.stringify({ v: 1, id, to, text: 'Long enough for two parts. '.repeat(7) });
    await rejectAsBindService(body, { maxParts: 1, sqsMessageId: `again-${id}` });
    // Act
    const run = cli(['dlq', 'redrive', dlqName(), '--as-new', '--max', '20']);
    const code = await within(run.exited, 20_000, 'dlq redrive --as-new again');
    // Assess
    expect(code, run.stderr).toBe(1);
    expect(run.stderr).toContain(`  ${id} (MessageId `);
    expect(run.stderr).toContain(
      `moved before as message ${asNewId(id)} (now delivered); delete it from ${dlqName()}`,
    );
    expect(await fixture.queueDepth(fixture.stack.queues.urgentDlq)).toBe(1);
    expect(sentTo(to)).toBe(sent.parts);
  });
  it("when a message was rejected for naming another account than its queue's, then redrive leaves it on the DLQ, --as-new too, saying where it belongs", {
    timeout: 60_000,
  }, async () => {
    // Prepare: a publisher put account "default"'s message on account "second"'s queue.
    const to = '+79995550104';
    const id = newMessageId();
    const body = JSON.stringify({ v: 1, id, to, text: 'Wrong queue', account: 'default' });
    const deadLetters = await fixture.queueDepth(fixture.stack.queues.urgentDlq);
    const policy = { systemType: '', flags: { iso: false, single: false }, senders: [], prefixes: [] };
    await rejectAsBindService(body, {
      maxParts: 10,
      sqsMessageId: `wrong-${id}`,
      parse: {
        isoMode: false,
        maxParts: 10,
        accounts: [
          { name: 'default', ...policy },
          { name: 'second', ...policy },
        ],
        queueAccount: 'second',
      },
    });
    // Act
    const run = cli(['dlq', 'redrive', dlqName(), '--as-new', '--max', '20']);
    const code = await within(run.exited, 20_000, 'dlq redrive --as-new');
    // Assess: before, --as-new moved it back to the same queue, to be rejected again under a new id.
    expect(code, run.stderr).toBe(1);
    const line = run.stderr.split('\n').find((text) => text.startsWith(`  ${id} (MessageId `));
    expect(line?.replace(/\(MessageId [^)]+\)/, '(MessageId …)')).toBe(
      `  ${id} (MessageId …): rejected on arrival: account: "default" is not the account of this queue ` +
        '("second"); publish it to the queues of "default". A redrive, --as-new too, brings it back to ' +
        "this queue only, to be rejected again: send it again through the API or to its account's queue, " +
        `then delete it from ${dlqName()}`,
    );
    expect(await fixture.queueDepth(fixture.stack.queues.urgentDlq)).toBe(deadLetters + 1);
    expect(sentTo(to)).toBe(0);
  });
});
