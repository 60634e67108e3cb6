import { describe, expect, it } from 'vitest';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { publishRaw, startRig, statusIs, useCleanup, waitForEmptyQueue, waitForRecord } from '../fixtures.ts';

describe('bind-service: nothing longer than SMPP 3.4 allows goes on the wire', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when a queued mail has an address over 20 characters, then it is rejected with the reason and never sent', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    const id = '01JZ0000000000000000000002';
    const body = { v: 1, id, to: 'anna.smith@mail.example.ru', kind: 'mail', subject: 'S', text: 'Hi' };
    // Act
    await publishRaw(aws, rig.queues.urgent, JSON.stringify(body));
    const record = await waitForRecord(rig, id, statusIs('rejected'));
    // Assess
    expect(record.error?.code).toBe('recipient_too_long_for_smpp');
    await waitForEmptyQueue(aws, rig.queues.urgent);
    expect(rig.simulator.stats.submits).toBe(0);
  });

  it('when system_type is MCON2,ISO,SINGLE, then the service warns once at start-up and binds with it whole', async () => {
    // Prepare / Act
    const rig = await startRig(aws, defer, { env: { SMPP_SYSTEM_TYPE: 'MCON2,ISO,SINGLE' } });
    // Assess
    const warnings = rig.logs.filter(
      (line) => line.level === 'warn' && String(line.msg).includes('system_type'),
    );
    expect(warnings).toHaveLength(1);
    expect(rig.simulator.boundSessions()[0]?.systemType).toBe('MCON2,ISO,SINGLE');
  });
});
