import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { waitUntil, within } from '#test/helpers/wait.ts';
import { eventually, useLocalStack } from '#test/integration/local/stack/stack-fixture.ts';
import { useCli } from './cli-process.ts';

// `smsc-sender` commands as separate processes against the whole local stack.

interface DlqRow {
  name: string;
  messages: number;
  sources: { name: string }[];
}

describe('smsc-sender commands on the local stack', () => {
  const fixture = useLocalStack({ env: { SMPP_THROUGHPUT: '500' } });
  const cli = useCli(() => fixture.stack.apiUrl);

  it('when a message is sent with --wait and read with status, then its state history is a table', async () => {
    // Prepare
    const send = cli([
      'send',
      '--to',
      '+79994440001',
      '--text',
      'CLI hello',
      '--client-ref',
      'cli-1',
      '--wait',
    ]);
    // Act
    const sendCode = await within(send.exited, 30_000, 'send --wait to finish');
    const id = /^(\w{26}) accepted/m.exec(send.stdout)?.[1] ?? '';
    const status = cli(['status', id]);
    const statusCode = await within(status.exited, 20_000, 'status to finish');
    // Assess
    expect(sendCode).toBe(0);
    expect(statusCode).toBe(0);
    expect(status.stdout).toMatch(/│ status\s+│ delivered/);
    expect(status.stdout).toMatch(/│ to\s+│ \+7999\*+01/);
    for (const state of ['accepted', 'submitting', 'submitted', 'delivered']) {
      expect(status.stdout).toMatch(new RegExp(`│ ${state}\\s+│ \\d{4}-\\d{2}-\\d{2}T`));
    }
  });

  it('when a message sent with --wait ends undelivered, then its history is printed and the exit code is 1', async () => {
    // Prepare
    fixture.sim.scriptOutcome('79994440005', { stat: 'UNDELIV', err: 1 });
    const send = cli(['send', '--to', '+79994440005', '--text', 'Not for you', '--wait']);
    // Act
    const code = await within(send.exited, 30_000, 'send --wait to finish');
    // Assess
    const id = /^(\w{26}) accepted/m.exec(send.stdout)?.[1] ?? '';
    expect(code).toBe(1);
    expect(send.stdout).toMatch(/│ status\s+│ undelivered/);
    expect(send.stderr).toContain(`error: message ${id} ended undelivered, not delivered`);
  });

  it('when --wait-timeout passes before the message is final, then it says so and the exit code is 124', async () => {
    // Prepare: the receipt comes long after the wait ends.
    fixture.sim.scriptOutcome('79994440006', { stat: 'DELIVRD', delayMs: 20_000 });
    const send = cli([
      'send',
      '--to',
      '+79994440006',
      '--text',
      'Slow receipt',
      '--wait',
      '--wait-timeout',
      '2',
    ]);
    // Act
    const code = await within(send.exited, 30_000, 'send --wait to give up');
    // Assess
    const id = /^(\w{26}) accepted/m.exec(send.stdout)?.[1] ?? '';
    expect(code).toBe(124);
    expect(send.stderr).toMatch(
      new RegExp(`error: message ${id} is still (accepted|submitting|submitted) after 2 s`),
    );
  });

  it('when the API refuses a send, then the problem is printed and the exit code is 1', async () => {
    // Prepare
    const send = cli(['send', '--to', '12', '--text', 'x']);
    // Act
    const code = await within(send.exited, 20_000, 'send to finish');
    // Assess
    expect(code).toBe(1);
    expect(send.stderr).toContain('error: 400 validation_failed: to: "12" is not a valid phone number');
  });

  it('when tail follows and a message is sent, then each status change is printed live', async () => {
    // Prepare
    const tail = cli(['tail', '--count', '2']);
    await waitUntil(() => tail.stderr.includes('following status changes'), 20_000, 'tail to subscribe');
    // Act
    const sent = await fixture.post('/v1/messages', { to: '+79994440002', text: 'Tail me' });
    const { id } = (await sent.json()) as { id: string };
    const code = await within(tail.exited, 20_000, 'tail to print two events');
    // Assess
    expect(code).toBe(0);
    const lines = tail.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`${id}  submitting → submitted  \\+7999\\*+02`));
    expect(lines[1]).toMatch(new RegExp(`${id}  submitted → delivered  \\+7999\\*+02  cost=1\\.5000`));
  });

  it('when a valid message waits on a dead-letter queue, then dlq list shows it and dlq redrive sends it', async () => {
    // Prepare
    await fixture.sqs.send(
      new SendMessageCommand({
        QueueUrl: fixture.stack.queues.urgentDlq,
        MessageBody: JSON.stringify({ v: 1, to: '+79994440003', text: 'Redriven', clientRef: 'cli-dlq' }),
      }),
    );
    // Act
    const list = cli(['--json', 'dlq', 'list']);
    await within(list.exited, 20_000, 'dlq list');
    const redrive = cli(['dlq', 'redrive', `${fixture.prefix}-urgent-dlq`]);
    const redriveCode = await within(redrive.exited, 20_000, 'dlq redrive');
    let delivered = false;
    await eventually(
      async () => {
        const records = await fixture.items(fixture.stack.tables.messages, 'MSG#');
        delivered = records.some((record) => record.clientRef === 'cli-dlq' && record.status === 'delivered');
        return delivered;
      },
      15_000,
      'the redriven message to be delivered',
    );
    // Assess
    const queues = JSON.parse(list.stdout) as DlqRow[];
    expect(queues.map((queue) => queue.name).sort()).toEqual([
      `${fixture.prefix}-bulk-dlq`,
      `${fixture.prefix}-callbacks-dlq`,
      `${fixture.prefix}-urgent-dlq`,
    ]);
    expect(queues.find((queue) => queue.name === `${fixture.prefix}-urgent-dlq`)).toMatchObject({
      messages: 1,
      sources: [{ name: `${fixture.prefix}-urgent` }],
    });
    expect(redriveCode).toBe(0);
    expect(redrive.stdout).toContain(
      `moved 1 message from ${fixture.prefix}-urgent-dlq to ${fixture.prefix}-urgent`,
    );
    expect(await fixture.queueDepth(fixture.stack.queues.urgentDlq)).toBe(0);
    expect(delivered).toBe(true);
  });

  it('when the simulator command starts with options, then it listens with them and stops on SIGINT', async () => {
    // Prepare
    const simulator = cli(['simulator', '--port', '0', '--accounts', 'cli:fake-pass:5', '--no-log-messages']);
    // Act
    await waitUntil(() => simulator.stdout.includes('SMSC simulator on'), 20_000, 'the simulator to listen');
    simulator.child.kill('SIGINT');
    const code = await within(simulator.exited, 10_000, 'the simulator to stop');
    // Assess
    expect(simulator.stdout).toMatch(/SMSC simulator on 127\.0\.0\.1:\d+; accounts: cli \(5 msg\/s\)/);
    expect({ code, stderr: simulator.stderr }).toMatchObject({ code: 0 });
  });
});
