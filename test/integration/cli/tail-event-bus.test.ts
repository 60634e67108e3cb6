import { createServer, type Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { listenOnLoopback } from '#test/helpers/net/listen.ts';
import { waitUntil, within } from '#test/helpers/wait.ts';
import { useAwsStandIn } from './aws-stand-in.ts';
import { useCli } from './cli-process.ts';

// `smsc-sender tail --event-bus` against a deployed stack: a rule on the bus and an SQS queue of the
// tail's own, "removed when the tail ends" (README). Closing the terminal (SIGHUP, an SSH session
// dropped) or SIGQUIT must end it as Ctrl-C does, with the cleanup: else the rule keeps copying every
// status event (the recipient's full number) into a queue nobody reads, for ever. A second Ctrl-C
// while it cleans up must not cut the cleanup short. AWS here is a stand-in on 127.0.0.1 answering
// the EventBridge and SQS calls the tail makes (their JSON protocol), recording each.

const ENDPOINT = 'https://abc123.execute-api.eu-central-1.amazonaws.com/prod';
const ACCOUNT = '123456789012';
const CLEANUP = ['AWSEvents.RemoveTargets', 'AmazonSQS.DeleteQueue', 'AWSEvents.DeleteRule'];

interface AwsCall {
  target: string;
  input: Record<string, unknown>;
}

/** EventBridge and SQS as far as the tail uses them; `delays` holds an answer back (ms, by target). */
async function awsStandIn(
  delays: Record<string, number> = {},
): Promise<{ url: string; calls: AwsCall[]; server: Server }> {
  const calls: AwsCall[] = [];
  let url = '';
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      calls.push({ target, input });
      const answer: Record<string, unknown> = {};
      let delayMs = delays[target] ?? 0;
      switch (target) {
        case 'AWSEvents.DescribeEventBus':
          Object.assign(answer, {
            Name: input.Name,
            Arn: `arn:aws:events:eu-central-1:${ACCOUNT}:event-bus/${input.Name}`,
          });
          break;
        case 'AWSEvents.PutRule':
          Object.assign(answer, {
            RuleArn: `arn:aws:events:eu-central-1:${ACCOUNT}:rule/${input.EventBusName}/${input.Name}`,
          });
          break;
        case 'AWSEvents.PutTargets':
          Object.assign(answer, { FailedEntryCount: 0, FailedEntries: [] });
          break;
        case 'AmazonSQS.CreateQueue':
          Object.assign(answer, { QueueUrl: `${url}/${ACCOUNT}/${input.QueueName}` });
          break;
        case 'AmazonSQS.GetQueueAttributes':
          Object.assign(answer, { Attributes: { QueueArn: `arn:aws:sqs:eu-central-1:${ACCOUNT}:q` } });
          break;
        case 'AmazonSQS.ReceiveMessage':
          // A long poll that brings nothing, shortened.
          Object.assign(answer, { Messages: [] });
          delayMs = Math.max(delayMs, 200);
          break;
        default:
          break;
      }
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(answer));
      }, delayMs);
    });
  });
  url = await listenOnLoopback(server);
  return { url, calls, server };
}

describe('smsc-sender tail --event-bus ended by a signal', () => {
  const cli = useCli(() => ENDPOINT);
  const pointAt = useAwsStandIn();

  /** The stand-in, and the CLI's AWS settings pointing at it. */
  const useStandIn = async (delays?: Record<string, number>) => {
    const standIn = await awsStandIn(delays);
    pointAt(standIn, 'eu-central-1');
    return standIn;
  };

  const following = (tail: ReturnType<typeof cli>) =>
    waitUntil(
      () => tail.stderr.includes('following status changes') || tail.child.exitCode !== null,
      20_000,
      'tail to subscribe',
    ).then(() => {
      if (tail.child.exitCode !== null) throw new Error(`tail ended before subscribing: ${tail.stderr}`);
    });

  const cleanupCalls = (calls: AwsCall[]) =>
    calls.map((call) => call.target).filter((target) => CLEANUP.includes(target));

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const)(
    'when the tail is ended by %s, then its rule target, queue and rule are deleted and it exits 0',
    async (signal) => {
      // Prepare
      const standIn = await useStandIn();
      const tail = cli(['tail', '--event-bus', 'smsc-events']);
      await following(tail);
      // Act
      tail.child.kill(signal);
      const code = await within(tail.exited, 20_000, 'tail to end');
      // Assess: before, SIGHUP and SIGQUIT killed it at once, with everything left behind
      expect({ code, cleanup: cleanupCalls(standIn.calls) }, tail.stderr).toEqual({
        code: 0,
        cleanup: CLEANUP,
      });
    },
  );

  it('when a second Ctrl-C comes while the tail cleans up, then the cleanup completes and it exits 0', async () => {
    // Prepare: removing the rule's target takes a second, time enough for the user's second Ctrl-C.
    const standIn = await useStandIn({ 'AWSEvents.RemoveTargets': 1_000 });
    const tail = cli(['tail', '--event-bus', 'smsc-events']);
    await following(tail);
    tail.child.kill('SIGINT');
    await waitUntil(() => cleanupCalls(standIn.calls).length > 0, 20_000, 'the cleanup to start');
    // Act
    tail.child.kill('SIGINT');
    tail.child.kill('SIGINT');
    const code = await within(tail.exited, 20_000, 'tail to end');
    // Assess: before, the second Ctrl-C killed it (130) with the queue and the rule left
    expect({ code, cleanup: cleanupCalls(standIn.calls) }, tail.stderr).toEqual({
      code: 0,
      cleanup: CLEANUP,
    });
    expect(tail.stderr.split("cleaning up the tail's rule and queue…").length - 1, tail.stderr).toBe(1);
  });

  it('when the tail creates its queue and rule, then the queue keeps events for minutes and both are tagged', async () => {
    // Prepare
    const standIn = await useStandIn();
    const before = Date.now();
    const tail = cli(['tail', '--event-bus', 'smsc-events']);
    // Act
    await following(tail);
    tail.child.kill('SIGINT');
    await within(tail.exited, 20_000, 'tail to end');
    // Assess: a leftover (a tail killed by SIGKILL, a power cut) holds events for 5 minutes, not SQS's
    // default 4 days, and an operator finds it by its tag.
    const input = (target: string) => standIn.calls.find((call) => call.target === target)?.input ?? {};
    const queue = input('AmazonSQS.CreateQueue') as {
      Attributes?: Record<string, string>;
      tags?: Record<string, string>;
    };
    const rule = input('AWSEvents.PutRule') as { Tags?: { Key: string; Value: string }[] };
    expect(queue.Attributes?.MessageRetentionPeriod).toBe('300');
    const queueTag = queue.tags?.['smsc-sender:tail'] ?? '';
    const ruleTag = rule.Tags?.find((tag) => tag.Key === 'smsc-sender:tail')?.Value ?? '';
    expect(ruleTag).toBe(queueTag);
    expect(Date.parse(queueTag)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(queueTag)).toBeLessThanOrEqual(Date.now());
    expect(new Date(Date.parse(queueTag)).toISOString()).toBe(queueTag);
  });
});
