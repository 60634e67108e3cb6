import { describe, expect, it } from 'vitest';
import { CommandStatus } from '#core/domain/provider/command-status.ts';
import { useLocalAws } from '#test/helpers/local-aws.ts';
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
});
