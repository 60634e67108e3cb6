import { describe, expect, it } from 'vitest';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { ItemFaultProxy } from '#test/helpers/aws/item-fault-proxy.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { waitUntil } from '#test/helpers/wait.ts';
import {
  invalidMessageHandled,
  publishRaw,
  receiveAll,
  sendLikeApi,
  startRig,
  statusIs,
  useCleanup,
  waitForRecord,
} from '../fixtures.ts';
import { rigSweeper } from '../rig-sweeper.ts';

// An invalid queue message's record must never be left `accepted`: the sweeper sends every
// `accepted` record it finds old enough, rebuilt from what the record holds, and the record of an
// invalid message holds only its usable fields (an over-long sender id is dropped, so the message
// would go out from the default sender). DynamoDB Local behind an item fault proxy, fauxqs, the
// simulator, and the sweeper on the same table.

const MINUTE_MS = 60_000;
const rejecting = (text: string) => text.includes('"rejected"') || text.includes("'rejected'");

describe('bind-service: the record of an invalid queue message (DynamoDB Local behind a proxy, fauxqs)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when no update moving a message to rejected lands (a stop or an outage after its first write), then no accepted record is left for the sweeper to send', async () => {
    // Prepare: every update that would move a message to `rejected` fails, whole or by item.
    const proxy = new ItemFaultProxy(aws.dynamoEndpoint);
    const endpoint = await proxy.listen();
    defer(() => proxy.close());
    proxy.setRule(({ call, item }) => call === 'BatchExecuteStatement' && rejecting(JSON.stringify(item)));
    proxy.setCallRule(
      ({ call, body }) => (call === 'UpdateItem' || call === 'ExecuteStatement') && rejecting(body),
    );
    const rig = await startRig(aws, defer, { env: { AWS_ENDPOINT_URL_DYNAMODB: endpoint } });
    const id = newMessageId();
    const body = { v: 1, id, to: '+79991234567', text: 'Your order shipped', from: 'SENDER-ID-FAR-TOO-LONG' };
    // Act: the bind-service handles the invalid message, then stops; a sweep comes 6 minutes later.
    await publishRaw(aws, rig.queues.bulk, JSON.stringify(body));
    await invalidMessageHandled(rig);
    await rig.service.stop();
    const sweeper = rigSweeper(aws, rig, () => new Date(Date.now() + 6 * MINUTE_MS));
    defer(() => sweeper.destroy());
    const swept = await sweeper.run();
    const record = await rig.messages.get(id);
    const dead = await receiveAll(aws, rig.queues.bulkDlq, 1);
    // Assess: written `rejected` at once, dead-lettered, nothing for the sweeper to send.
    expect({
      status: record?.status,
      history: record?.history.map((change) => change.status),
      error: record?.error?.code,
      sweptEnqueued: swept.enqueued,
      deadLettered: dead.map((message) => message.MessageAttributes?.messageId?.StringValue),
    }).toEqual({
      status: 'rejected',
      history: ['accepted', 'rejected'],
      error: 'invalid_format',
      sweptEnqueued: 0,
      deadLettered: [id],
    });
  }, 40_000);

  it('when an invalid queue message carries the id of a submitted message, then the message stays submitted (not rejected)', async () => {
    // Prepare: a message sent and waiting for its receipt (the simulator reports only after a minute).
    // An invalid copy (a publisher's corrupted resend, or a copy a changed configuration refuses)
    // turned it `rejected`, a final status its receipt could never undo.
    const rig = await startRig(aws, defer, { simulator: { receiptDelayMs: 60_000 } });
    const id = await sendLikeApi(rig, { to: '+79991234567', text: 'Your order shipped' });
    await waitForRecord(rig, id, statusIs('submitted'), 10_000);
    // Act: an invalid body with the same id is published straight to the queue.
    const invalid = {
      v: 1,
      id,
      to: '+79991234567',
      text: 'Your order shipped',
      from: 'SENDER-ID-FAR-TOO-LONG',
    };
    await publishRaw(aws, rig.queues.urgent, JSON.stringify(invalid));
    await waitUntil(
      () => rig.logs.some((line) => /invalid queue message/.test(String(line.msg))),
      10_000,
      'the invalid copy to be handled',
      50,
    );
    await receiveAll(aws, rig.queues.urgentDlq, 1);
    const record = await rig.messages.get(id);
    // Assess: the sent message is still waiting for its receipt.
    expect({ status: record?.status, history: record?.history.map((change) => change.status) }).toEqual({
      status: 'submitted',
      history: ['accepted', 'submitting', 'submitted'],
    });
  }, 30_000);
});
