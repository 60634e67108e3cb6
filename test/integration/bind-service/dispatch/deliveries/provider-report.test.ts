import { describe, expect, it } from 'vitest';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { mobile, sendLikeApi, startRig, statusIs, useCleanup, waitForRecord } from '../fixtures.ts';

const SECOND_BALANCE = 1 << 5;
const TEMPLATE = 1 << 8;
const AUTHORIZATION = 2 << 9;

describe('bind-service: what the provider reports in a receipt is kept on the message', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when a receipt carries the flags, parts and report fields, then the record keeps them all', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    const to = mobile(1);
    rig.simulator.scriptOutcome(to.slice(1), {
      stat: 'DELIVRD',
      flags: SECOND_BALANCE | TEMPLATE | AUTHORIZATION,
    });
    // Act
    const id = await sendLikeApi(rig, { to, text: 'x'.repeat(200) });
    const record = await waitForRecord(rig, id, statusIs('delivered'));
    // Assess
    expect(record.report).toEqual({
      messageType: 'sms',
      paidFromSecondBalance: true,
      template: true,
      templateType: 'authorization',
      parts: 2,
      submittedParts: 2,
      deliveredParts: 2,
      submitDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/),
      doneDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/),
    });
  });
});
