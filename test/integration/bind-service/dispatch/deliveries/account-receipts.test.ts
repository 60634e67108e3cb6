import { describe, expect, it } from 'vitest';
import type { QueueNames } from '#core/aws/resources/resource-definitions.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { SmscSimulator } from '#local/smsc-simulator/index.ts';
import { accountQueuesJson, useAccountsFile } from '#test/helpers/accounts-file.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { ACCOUNT, publishRaw, startRig, statusIs, useCleanup, waitForRecord } from '../fixtures.ts';

// Message ids are numbered by the SMSC a login binds to (the provider's examples, 854019, look like a
// counter of its own), so two logins can give two messages the same SMSC id: two SMSC hosts in one
// file always will. Receipts were matched through a lookup keyed by the SMSC id alone, shared by
// every account: the newest message owned it, and the other login's receipt was applied to it. Each
// account other than the default now keys its lookups `SMSC#<account>#<id>`.

const UNSET_LOGIN = { SMPP_HOST: '', SMPP_PORT: '', SMPP_SYSTEM_ID: '', SMPP_PASSWORD: '' };
const EU = { systemId: 'eu-login', password: 'fake-eu' } as const;

describe('receipts with several accounts (DynamoDB Local, fauxqs, two simulators)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();
  const accountsFile = useAccountsFile();

  it('when two logins’ SMSCs give the same message id, then each login’s receipt still reaches its own message', async () => {
    // Prepare: account "eu" binds to a second SMSC (same numbering as the first).
    const second = new SmscSimulator({ accounts: [{ ...EU, rate: 0 }], receiptDelayMs: 20 });
    await second.listen(0);
    defer(() => second.close());
    let euQueues: QueueNames | undefined;
    const rig = await startRig(aws, defer, {
      beforeStart: async () => {
        euQueues = await aws.freshQueues();
      },
      env: (port) => ({
        ...UNSET_LOGIN,
        SMPP_ACCOUNTS: accountsFile([
          { name: 'main', systemId: ACCOUNT.systemId, password: ACCOUNT.password, host: '127.0.0.1', port },
          { name: 'eu', ...EU, host: '127.0.0.1', port: second.port },
        ]),
        ACCOUNT_QUEUES: accountQueuesJson({ eu: euQueues }),
      }),
    });
    // Both receipts come after both messages are submitted (each lookup written): with one key for
    // both logins, the second message's lookup then held the first's receipt too.
    rig.simulator.scriptOutcome('79990000011', { stat: 'UNDELIV', err: 1, delayMs: 1_500 });
    second.scriptOutcome('79990000012', { stat: 'DELIVRD', delayMs: 2_000 });
    const mainId = newMessageId(Date.now());
    const euId = newMessageId(Date.now() + 1);
    // Act
    await publishRaw(
      aws,
      rig.queues.urgent,
      JSON.stringify({ v: 1, id: mainId, to: '+79990000011', text: 'A' }),
    );
    const mainSubmitted = await waitForRecord(rig, mainId, statusIs('submitted'));
    await publishRaw(
      aws,
      euQueues?.urgent ?? '',
      JSON.stringify({ v: 1, id: euId, to: '+79990000012', text: 'B' }),
    );
    const euSubmitted = await waitForRecord(rig, euId, statusIs('submitted'));
    const eu = await waitForRecord(rig, euId, statusIs('delivered', 'undelivered'), 10_000);
    const main = await rig.messages.get(mainId);
    // Assess
    expect(euSubmitted.smscIds).toEqual(mainSubmitted.smscIds); // the two SMSCs gave the same id
    expect({ eu: eu.status, main: main?.status }).toEqual({ eu: 'delivered', main: 'undelivered' });
  }, 30_000);
});
