import { describe, expect, it } from 'vitest';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecords, publishRaw, startRig, useCleanup, waitForEmptyQueue } from '../fixtures.ts';

// The anti-loop rules for messages published straight to SQS: refused ones end `rejected` with the
// rule's code, before the SMSC sees them.

describe('bind-service: anti-loop rules on the queue path', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  async function settled(rig: Awaited<ReturnType<typeof startRig>>, count: number) {
    await waitForEmptyQueue(aws, rig.queues.urgent, 15_000);
    const records = await messageRecords(aws, rig.tables.messages);
    expect(records).toHaveLength(count);
    return records;
  }

  it('when the same message is published twice within the minute, then the second is rejected duplicate_request', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    const body = JSON.stringify({ v: 1, to: '+79990000001', text: 'Your code is 1234' });
    // Act
    await publishRaw(aws, rig.queues.urgent, body);
    await publishRaw(aws, rig.queues.urgent, body);
    const records = await settled(rig, 2);
    // Assess
    const rejected = records.filter((record) => record.status === 'rejected');
    expect(rejected).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: 'duplicate_request' }) }),
    ]);
    expect(rejected[0]?.history.map((change) => change.status)).toEqual(['accepted', 'rejected']);
    expect(rig.simulator.stats.submits).toBe(1);
  });

  it('when the same text goes to one number once without from and once with from = the default sender, then the second is rejected duplicate_request before the SMSC sees it', async () => {
    // Prepare: without `from` a message goes out as SMPP_DEFAULT_SENDER, so the two are one request
    // to the SMSC, which would refuse the second (ESME_RSUBMITFAIL)
    const rig = await startRig(aws, defer, {
      env: { SMPP_DEFAULT_SENDER: 'Brand' },
      simulator: { duplicateWindowMs: 60_000 },
    });
    const to = '+79990000077';
    const text = 'Your code is 4321';
    // Act
    await publishRaw(aws, rig.queues.urgent, JSON.stringify({ v: 1, to, text }));
    await waitForEmptyQueue(aws, rig.queues.urgent, 15_000);
    await publishRaw(aws, rig.queues.urgent, JSON.stringify({ v: 1, to, text, from: 'Brand' }));
    const records = await settled(rig, 2);
    // Assess
    const second = records.find((record) => record.from === 'Brand');
    expect(second).toMatchObject({ status: 'rejected', error: { code: 'duplicate_request' } });
    expect(rig.simulator.stats.submits).toBe(1);
  });

  it('when a configured limit of 3 per number is passed, then the 4th is rejected flood_limit and never submitted', async () => {
    // Prepare
    const rig = await startRig(aws, defer, { env: { ANTI_LOOP_FLOOD_LIMIT: '3' } });
    // Act
    for (let index = 1; index <= 4; index++) {
      await publishRaw(
        aws,
        rig.queues.urgent,
        JSON.stringify({ v: 1, to: '+79990000002', text: `Text ${index}` }),
      );
      // One after the other, so the 4th is the one past the limit.
      await waitForEmptyQueue(aws, rig.queues.urgent, 15_000);
    }
    const records = await settled(rig, 4);
    // Assess
    const byText = Object.fromEntries(records.map((record) => [record.text, record]));
    expect(byText['Text 4']).toMatchObject({ status: 'rejected', error: { code: 'flood_limit' } });
    expect(records.filter((record) => record.status === 'rejected')).toHaveLength(1);
    expect(rig.simulator.submissions.map((submit) => submit.text)).toEqual(['Text 1', 'Text 2', 'Text 3']);
  });
});
