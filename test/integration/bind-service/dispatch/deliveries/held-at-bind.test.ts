import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { SmscSimulator } from '#local/smsc-simulator/index.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { ACCOUNT, receivingClient, useCleanup } from '../fixtures.ts';

// An SMSC sends the deliveries it held while no bind was up as soon as it answers the bind, often
// in the same TCP segment as bind_transceiver_resp (the simulator does: its answers are corked until
// the end of the tick). The package emits every PDU of a chunk at once, while the bind answer only
// resolves a promise: such a DELIVER_SM reached the session before it was bound and was dropped
// without an answer, to wait for the SMSC's timeout and resend.

describe('deliveries right behind the bind answer (DynamoDB Local, simulator)', () => {
  const aws = useLocalAws({ dynamo: true });
  const defer = useCleanup();

  it('when the SMSC sends an incoming message in the same write as the bind answer, then it is answered and stored', async () => {
    // Prepare: injected in the bind's own tick, so one write carries the bind answer and the message.
    const tables = await aws.freshTables();
    const simulator = new SmscSimulator({
      accounts: [{ ...ACCOUNT, rate: 0 }],
      receiptResponseTimeoutMs: 3_000,
    });
    await simulator.listen(0);
    defer(() => simulator.close());
    const answers: Promise<number[]>[] = [];
    simulator.on('bind', () => {
      answers.push(
        simulator
          .injectMo({ systemId: ACCOUNT.systemId, from: '+79990001122', to: 'Shop', text: 'Held for you' })
          .catch(() => [-1]),
      );
    });
    const { client } = receivingClient(aws, simulator, tables);
    // Act
    await client.start();
    defer(() => client.stop({ drainTimeoutMs: 200 }));
    const statuses = await Promise.all(answers.splice(0, 1));
    // Assess: before, no answer came (-1: the simulator's request timed out) and nothing was stored.
    expect(statuses).toEqual([[0]]);
    const { Items = [] } = await aws.document.send(
      new ScanCommand({ TableName: tables.inbound, ConsistentRead: true }),
    );
    expect(Items.map((item) => item.text)).toEqual(['Held for you']);
  });
});
