import { describe, expect, it } from 'vitest';
import type { QueueNames } from '#core/aws/resources/resource-definitions.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { acceptedMessageRecord } from '#core/domain/messages/message-model.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { accountQueuesJson, useAccountsFile } from '#test/helpers/accounts-file.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { ACCOUNT, mobile, type Rig, startRig, statusIs, useCleanup, waitForRecord } from './fixtures.ts';
import { messageAtSmsc } from './lost-answers.ts';

// Each account's reconciler reads the oldest RECONCILE_BATCH of its own `unknown` messages. When all
// accounts shared one list, a reconciler skipped other accounts' messages without moving them on, so
// RECONCILE_BATCH messages of an account nobody reconciles (removed from the file, or its login down)
// stood in front of every other account's for ever. The message reconciled is put at the simulator
// under main's login (the one its QUERY_SM goes under); the test then plays its SUBMIT_SM_RESP lost.

const UNSET_LOGIN = { SMPP_HOST: '', SMPP_PORT: '', SMPP_SYSTEM_ID: '', SMPP_PASSWORD: '' };
const UK = { systemId: 'uk-login', password: 'fake-pw-2' } as const;

/** An `unknown` record of `account` with one SMSC id, listed for its account's reconciler. */
async function unknownWithId(
  rig: Rig,
  to: string,
  smscId: string,
  account: string,
  options: { listed?: 'as earlier versions did' } = {},
): Promise<string> {
  const request = sendMessageSchema.parse({ to, text: `Lost answer to ${to}` });
  const id = newMessageId();
  const prepared = prepareMessage(request, rig.config.prepare);
  await rig.messages.createAccepted(
    acceptedMessageRecord({ id, request, prepared, account, now: new Date() }),
  );
  await rig.messages.claimForSubmit(id);
  const listedFor = options.listed ? {} : { account };
  await rig.messages.markUnknown(id, 'the SUBMIT_SM_RESP was lost', [smscId], { kind: 'sms', ...listedFor });
  return id;
}

describe('reconciler with several accounts (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();
  const accountsFile = useAccountsFile();
  let ukQueues: QueueNames | undefined;

  const start = (simulatorAccounts: { systemId: string; password: string }[]) =>
    startRig(aws, defer, {
      beforeStart: async () => {
        ukQueues = await aws.freshQueues();
      },
      env: (port) => ({
        ...UNSET_LOGIN,
        RECONCILE_SECONDS: '0.3',
        RECONCILE_MIN_AGE_SECONDS: '0.2',
        RECONCILE_BATCH: '2',
        SMPP_ACCOUNTS: accountsFile([
          { name: 'main', systemId: ACCOUNT.systemId, password: ACCOUNT.password, host: '127.0.0.1', port },
          { name: 'uk', ...UK, host: '127.0.0.1', port, prefixes: ['+44'] },
        ]),
        ACCOUNT_QUEUES: accountQueuesJson({ uk: ukQueues }),
      }),
      simulator: { accounts: simulatorAccounts.map((account) => ({ ...account, rate: 0 })) },
      waitForBind: false,
    });

  it('when an account was removed from the file while 2 of its messages were unknown, then the remaining accounts’ unknown messages are still reconciled', async () => {
    // Prepare: two unknown records of "retired", an account of an earlier deployment's file.
    const rig = await start([ACCOUNT, UK]);
    await rig.service.whenBound();
    await unknownWithId(rig, mobile(91), '880000001', 'retired');
    await unknownWithId(rig, mobile(92), '880000002', 'retired');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const smscId = messageAtSmsc(rig, mobile(1), ACCOUNT.systemId);
    // Act: an unknown message of the first account, which QUERY_SM would resolve at once.
    const id = await unknownWithId(rig, mobile(1), smscId, 'main');
    // Assess
    const record = await waitForRecord(rig, id, statusIs('delivered'), 10_000);
    expect(record.status).toBe('delivered');
  }, 30_000);

  it('when one account’s login is refused and 2 of its messages are unknown, then another account’s unknown message is still reconciled', async () => {
    // Prepare: the simulator does not know uk's login: uk never binds (an outage of that login).
    const rig = await start([ACCOUNT]);
    await rig.service.whenBound();
    await unknownWithId(rig, '+447911000001', '870000001', 'uk');
    await unknownWithId(rig, '+447911000002', '870000002', 'uk');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const smscId = messageAtSmsc(rig, mobile(2), ACCOUNT.systemId);
    // Act
    const id = await unknownWithId(rig, mobile(2), smscId, 'main');
    // Assess
    const record = await waitForRecord(rig, id, statusIs('delivered'), 10_000);
    expect(record.status).toBe('delivered');
  }, 30_000);
  it('when earlier versions listed 2 unknown messages of a removed account without an account, then the remaining accounts’ unknown messages are still reconciled', async () => {
    // Prepare: listed where every account's messages were listed before (the partition without one).
    const rig = await start([ACCOUNT, UK]);
    await rig.service.whenBound();
    await unknownWithId(rig, mobile(93), '880000003', 'retired', { listed: 'as earlier versions did' });
    await unknownWithId(rig, mobile(94), '880000004', 'retired', { listed: 'as earlier versions did' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const smscId = messageAtSmsc(rig, mobile(3), ACCOUNT.systemId);
    // Act
    const id = await unknownWithId(rig, mobile(3), smscId, 'main', { listed: 'as earlier versions did' });
    // Assess
    const record = await waitForRecord(rig, id, statusIs('delivered'), 10_000);
    expect(record.status).toBe('delivered');
  }, 30_000);
});
