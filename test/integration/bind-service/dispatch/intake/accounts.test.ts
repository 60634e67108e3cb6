import { describe, expect, it } from 'vitest';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { useAccountsFile } from '#test/helpers/accounts-file.ts';
import { useLocalAws } from '#test/helpers/local-aws.ts';
import { waitUntil } from '#test/helpers/wait.ts';
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
// an unknown account is a `rejected` record and a DLQ entry, a known one is recorded with the message.
// DynamoDB Local, fauxqs and the SMSC simulator.

const UNSET_LOGIN = { SMPP_HOST: '', SMPP_PORT: '', SMPP_SYSTEM_ID: '', SMPP_PASSWORD: '' };

describe('bind-service queue path with SMPP_ACCOUNTS (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();
  const accountsFile = useAccountsFile();
  const env = (port: number) => ({
    ...UNSET_LOGIN,
    SMPP_ACCOUNTS: accountsFile([
      { name: 'main', systemId: ACCOUNT.systemId, password: ACCOUNT.password, host: '127.0.0.1', port },
      { name: 'uk', systemId: 'uk-login', password: 'fake-pw-2', host: '127.0.0.1', port, prefixes: ['+44'] },
    ]),
  });

  it('when a queue message names an account that does not exist, then its record is rejected naming it and it is dead-lettered', async () => {
    // Prepare
    const rig = await startRig(aws, defer, { env });
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
    const rig = await startRig(aws, defer, { env });
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

  it('when a queue message is routed to an account this service does not bind, then it is not sent but given back', async () => {
    // Prepare
    const rig = await startRig(aws, defer, { env });
    const id = newMessageId(Date.now());
    // Act
    await publishRaw(aws, rig.queues.urgent, JSON.stringify({ v: 1, id, to: '+447911123456', text: 'Hi' }));
    await waitUntil(
      () =>
        rig.logs.some(
          (line) => line.msg === 'message of an account this service does not bind; given back unsent',
        ),
      8_000,
      "the give-back of the other account's message",
    );
    // Assess
    expect(rig.logs).toContainEqual(expect.objectContaining({ account: 'uk' }));
    expect(await rig.messages.get(id)).toBeUndefined();
    expect(rig.simulator.stats.submits).toBe(0);
  });
});
