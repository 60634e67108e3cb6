import { describe, expect, it } from 'vitest';
import type { QueueNames } from '#core/aws/resources/resource-definitions.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { accountQueuesJson, useAccountsFile } from '#test/helpers/accounts-file.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import {
  ACCOUNT,
  publishRaw,
  receiveAll,
  startRig,
  statusIs,
  useCleanup,
  waitForEmptyQueue,
  waitForRecord,
} from '../fixtures.ts';

// Queue messages and accounts (issue 12), with the bind-service configured by an SMPP_ACCOUNTS file:
// each account drains its own queue pair under its own login; an unknown account, or a message on
// another account's queue, is a `rejected` record and a DLQ entry; a known one is recorded with the
// message. DynamoDB Local, fauxqs and the SMSC simulator.

const UNSET_LOGIN = { SMPP_HOST: '', SMPP_PORT: '', SMPP_SYSTEM_ID: '', SMPP_PASSWORD: '' };

describe('bind-service queue path with SMPP_ACCOUNTS (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();
  const accountsFile = useAccountsFile();
  const UK = { systemId: 'uk-login', password: 'fake-pw-2' };
  // The second account's queue pair, made fresh for each test before the service starts.
  let ukQueues: QueueNames | undefined;
  const beforeStart = async () => {
    ukQueues = await aws.freshQueues();
  };
  const env = (port: number) => ({
    ...UNSET_LOGIN,
    SMPP_ACCOUNTS: accountsFile([
      { name: 'main', systemId: ACCOUNT.systemId, password: ACCOUNT.password, host: '127.0.0.1', port },
      { name: 'uk', ...UK, host: '127.0.0.1', port, prefixes: ['+44'] },
    ]),
    ACCOUNT_QUEUES: accountQueuesJson({ uk: ukQueues }),
  });
  const rigOptions = {
    env,
    beforeStart,
    simulator: {
      accounts: [
        { ...ACCOUNT, rate: 0 },
        { ...UK, rate: 0 },
      ],
      record: true,
    },
  };

  it('when a queue message names an account that does not exist, then its record is rejected naming it and it is dead-lettered', async () => {
    // Prepare
    const rig = await startRig(aws, defer, rigOptions);
    const id = '01JZ0000000000000000000002';
    const body = JSON.stringify({
      v: 1,
      id,
      to: '+79991234567',
      text: 'Hi',
      account: 'nope',
      clientRef: 'c-1',
    });
    // Act
    await publishRaw(aws, rig.queues.urgent, body);
    const record = await waitForRecord(rig, id, statusIs('rejected'));
    const [dead] = await receiveAll(aws, rig.queues.urgentDlq, 1);
    // Assess
    expect(record).toMatchObject({ status: 'rejected', clientRef: 'c-1' });
    expect(record.account).toBeUndefined();
    expect(record.error).toEqual({
      code: 'unknown_account',
      name: 'Invalid queue message',
      description: 'account: no account is named "nope" (known: "main", "uk")',
    });
    expect(dead?.Body).toBe(body);
    expect(dead?.MessageAttributes).toMatchObject({ errorCode: { StringValue: 'unknown_account' } });
    await waitForEmptyQueue(aws, rig.queues.urgent);
    expect(rig.simulator.stats.submits).toBe(0);
  });

  it('when a queue message names the bound account, then it is sent and its record carries the account', async () => {
    // Prepare
    const rig = await startRig(aws, defer, rigOptions);
    const id = newMessageId(Date.now());
    // Act
    await publishRaw(
      aws,
      rig.queues.urgent,
      JSON.stringify({ v: 1, id, to: '+79991234567', text: 'Hi', account: 'main' }),
    );
    const record = await waitForRecord(rig, id, statusIs('delivered'));
    // Assess
    expect(record).toMatchObject({ status: 'delivered', account: 'main' });
  });

  it('when each account’s queue holds a message, then each goes out under its own login and records its account', async () => {
    // Prepare
    const rig = await startRig(aws, defer, rigOptions);
    const mainId = newMessageId(Date.now());
    const ukId = newMessageId(Date.now() + 1);
    // Act: a message naming no account takes its queue's account, whatever the routing rules say.
    await publishRaw(
      aws,
      rig.queues.urgent,
      JSON.stringify({ v: 1, id: mainId, to: '+447911123456', text: 'Main' }),
    );
    await publishRaw(
      aws,
      ukQueues?.urgent ?? '',
      JSON.stringify({ v: 1, id: ukId, to: '+447911123457', text: 'UK' }),
    );
    const main = await waitForRecord(rig, mainId, statusIs('delivered'));
    const uk = await waitForRecord(rig, ukId, statusIs('delivered'));
    // Assess
    expect(main.account).toBe('main');
    expect(uk.account).toBe('uk');
    const loginOf = (text: string) =>
      rig.simulator.messages.find((message) => message.text === text)?.systemId;
    expect(loginOf('Main')).toBe(ACCOUNT.systemId);
    expect(loginOf('UK')).toBe(UK.systemId);
    const health = rig.service.health();
    expect(health.accounts.map((account) => [account.name, account.status])).toEqual([
      ['main', 'ok'],
      ['uk', 'ok'],
    ]);
    // Each account's pipeline is its own (idle now); the task's adds them up.
    const idle = { claiming: 0, awaitingToken: 0, recording: 0 };
    for (const account of health.accounts) expect(account.pipeline).toMatchObject(idle);
    expect(health.pipeline).toMatchObject(idle);
    expect(health.pipeline?.claimAheadLimit).toBe(
      health.accounts.reduce((sum, account) => sum + (account.pipeline?.claimAheadLimit ?? 0), 0),
    );
  });

  it('when a message naming one account is on another account’s queue, then it is rejected naming both and not sent', async () => {
    // Prepare
    const rig = await startRig(aws, defer, rigOptions);
    const id = newMessageId(Date.now());
    const body = JSON.stringify({ v: 1, id, to: '+447911123456', text: 'Hi', account: 'uk' });
    // Act
    await publishRaw(aws, rig.queues.urgent, body);
    const record = await waitForRecord(rig, id, statusIs('rejected'));
    const [dead] = await receiveAll(aws, rig.queues.urgentDlq, 1);
    // Assess
    expect(record.error).toEqual({
      code: 'wrong_queue',
      name: 'Invalid queue message',
      description:
        'account: "uk" is not the account of this queue ("main"); publish it to the queues of "uk"',
    });
    expect(dead?.Body).toBe(body);
    expect(rig.simulator.stats.submits).toBe(0);
  });
});
