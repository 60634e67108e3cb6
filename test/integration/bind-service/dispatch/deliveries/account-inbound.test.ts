import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { InboundMessageReceived } from '#core/domain/events/inbound-message-received.ts';
import { handleStreamRecords } from '#lambdas/status-stream/handle-records.ts';
import { statusStreamLogger } from '#lambdas/status-stream/ports.ts';
import { accountQueuesJson, useAccountsFile } from '#test/helpers/accounts-file.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { captureLogs } from '#test/helpers/logs.ts';
import { streamRecord } from '#test/unit/lambdas/status-stream/records.ts';
import { ACCOUNT, startRig, useCleanup } from '../fixtures.ts';

// With several logins, an incoming message's event must say which one it came in on, as a status
// event names the account that sent: replies to one login's traffic (another brand, another sender
// name) belong to that login's owner. The bind-service writes the account on the inbound item; the
// status Lambda copies it into InboundMessageReceived. Here the items the real service stored go
// through the Lambda's own handler, as the inbound table's stream would bring them.

const UNSET_LOGIN = { SMPP_HOST: '', SMPP_PORT: '', SMPP_SYSTEM_ID: '', SMPP_PASSWORD: '' };
const EU = { systemId: 'eu-login', password: 'fake-eu' } as const;

describe('incoming messages with several accounts (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();
  const accountsFile = useAccountsFile();

  it('when incoming messages come in on a second account’s session, then their events name that account, and the default’s its own', async () => {
    // Prepare: one SMSC knowing both logins; "eu" is not the default (the first entry is).
    const euQueues = await aws.freshQueues();
    const rig = await startRig(aws, defer, {
      simulator: {
        accounts: [
          { ...ACCOUNT, rate: 0 },
          { ...EU, rate: 0 },
        ],
      },
      env: (port) => ({
        ...UNSET_LOGIN,
        SMPP_ACCOUNTS: accountsFile([
          { name: 'main', systemId: ACCOUNT.systemId, password: ACCOUNT.password, host: '127.0.0.1', port },
          { name: 'eu', ...EU, host: '127.0.0.1', port },
        ]),
        ACCOUNT_QUEUES: accountQueuesJson({ eu: euQueues }),
      }),
    });
    const longText = `A long reply to the EU login. ${'It goes on. '.repeat(20)}The end.`;
    // Act: a single-part and a long message on the eu session, one on the default's.
    const statuses = [
      ...(await rig.simulator.injectMo({
        systemId: EU.systemId,
        from: '+79990002201',
        to: 'Shop',
        text: 'EU',
      })),
      ...(await rig.simulator.injectMo({
        systemId: EU.systemId,
        from: '+79990002202',
        to: 'Shop',
        text: longText,
      })),
      ...(await rig.simulator.injectMo({
        systemId: ACCOUNT.systemId,
        from: '+79990002203',
        to: 'Shop',
        text: 'MAIN',
      })),
    ];
    const { Items = [] } = await aws.document.send(
      new ScanCommand({ TableName: rig.tables.inbound, ConsistentRead: true }),
    );
    const published: InboundMessageReceived[] = [];
    const answer = await handleStreamRecords(
      Items.map((item) => streamRecord('INSERT', { new: item })),
      {
        publishEvents: async (events) => events.map(() => true),
        publishInbound: async (events) => {
          published.push(...events);
          return events.map(() => true);
        },
        enqueueCallbacks: async (jobs) => jobs.map(() => true),
        log: statusStreamLogger(captureLogs().write),
      },
    );
    // Assess
    expect(statuses.every((status) => status === 0)).toBe(true);
    expect(answer.batchItemFailures).toEqual([]);
    const accountOf = Object.fromEntries(published.map((event) => [event.text, event.account]));
    expect(accountOf).toEqual({ EU: 'eu', [longText]: 'eu', MAIN: 'main' });
  }, 30_000);
});
