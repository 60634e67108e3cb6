import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { CommandStatus } from '#core/domain/provider/command-status.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import {
  mobile,
  sendLikeApi,
  startRig,
  statusIs,
  useCleanup,
  waitForEmptyQueue,
  waitForRecord,
} from './fixtures.ts';

// SUBMIT_SM answers the SMSC may give and what each must do to the message, on the real service
// (DynamoDB Local, fauxqs, the simulator scripting the answers).

describe('bind-service dispatch: the SMSC’s answers to a submit (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when the SMSC answers ESME_RMSGQFUL again and again, then the part is resent until taken and the message delivered', async () => {
    // Prepare: more queue-full answers in a row than the transient retries ever allowed.
    const rig = await startRig(aws, defer);
    rig.simulator.fault({ type: 'status', commandStatus: CommandStatus.ESME_RMSGQFUL, count: 6 });
    // Act
    const id = await sendLikeApi(rig, { to: mobile(1), text: 'Queue full, then taken' });
    const record = await waitForRecord(rig, id, statusIs('delivered', 'failed', 'unknown'), 20_000);
    // Assess
    expect(record.status).toBe('delivered');
    expect(record.history.map((h) => h.status)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
    expect(rig.simulator.stats.submits).toBe(7);
    expect(rig.simulator.messages).toHaveLength(1);
    expect(rig.service.stats.throttled).toBe(6);
    expect(rig.service.stats.failed).toBe(0);
    await waitForEmptyQueue(aws, rig.queues.urgent);
  });

  it('when the SMSC accepts submits but answers with an empty message id, then each message ends unknown without an id and no lookup is shared', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    rig.simulator.fault({ type: 'empty-id', count: 2 });
    // Act
    const ids = [
      await sendLikeApi(rig, { to: mobile(2), text: 'Accepted, no id (1)' }),
      await sendLikeApi(rig, { to: mobile(3), text: 'Accepted, no id (2)' }),
    ];
    const records = await Promise.all(
      ids.map((id) => waitForRecord(rig, id, statusIs('unknown', 'submitted', 'delivered'))),
    );
    // The receipts come under the SMSC's own ids, which we never learnt: they cannot find the messages.
    await rig.simulator.waitFor(() => rig.simulator.stats.receiptsAcked === 2, 8_000);
    // Assess
    for (const record of records) {
      expect(record.status).toBe('unknown');
      expect(record.smscIds).toEqual([]);
      expect(record.error).toMatchObject({ code: 'submit_unconfirmed' });
      expect(record.error?.description).toMatch(/no message id/);
    }
    const { Item: sharedLookup } = await aws.document.send(
      new GetCommand({ TableName: rig.tables.messages, Key: { pk: 'SMSC#' }, ConsistentRead: true }),
    );
    expect(sharedLookup).toBeUndefined();
    expect(rig.simulator.stats.submits).toBe(2);
    expect(rig.service.stats.unknown).toBe(2);
    await waitForEmptyQueue(aws, rig.queues.urgent);
  });
});
