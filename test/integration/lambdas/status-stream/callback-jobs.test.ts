import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCallbackJob, sqsCallbackEnqueuer } from '#core/aws/queues/callback-job.ts';
import type { QueueNames } from '#core/aws/resources/resource-definitions.ts';
import { parseDeliveryReceipt } from '#core/domain/receipts/receipt.ts';
import { receiptFields } from '#core/domain/receipts/receipt-fields.ts';
import { memoryEventSink } from '#lambdas/status-stream/event-publishers.ts';
import { handleStreamRecords } from '#lambdas/status-stream/handle-records.ts';
import { statusStreamLogger } from '#lambdas/status-stream/ports.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { captureLogs } from '#test/helpers/logs.ts';
import { statusRecord } from '#test/unit/lambdas/status-stream/records.ts';

// A callback job the queue could never take. SQS (and fauxqs) refuse a body holding U+FFFE or
// U+FFFF (InvalidMessageContents), and JSON.stringify leaves those characters as they are. An HLR
// answer's names are URL-decoded as UTF-8 (`net:%EF%BF%BF` is U+FFFF), stored on the message and
// copied into the event. The status Lambda failed the record on every attempt: a poison record the
// stream retried (publishing its event again each time, the shard held behind it) until Lambda gave
// up and the callback was lost.

const aws = useLocalAws({ dynamo: false, sqs: true });
const HOOK = 'https://hooks.example.com/sms';

describe('status stream: callback jobs on the queue (fauxqs)', () => {
  let queues: QueueNames;

  beforeAll(async () => {
    queues = await aws.freshQueues();
  });

  it('when an HLR answer carries a network name that decodes to U+FFFF, then its callback job is still queued and the record is not retried for ever', async () => {
    // Prepare: the receipt as the bind-service parses it, its fields as they are written on the message.
    const receipt = parseDeliveryReceipt({
      text: 'id:100000 sub:001 dlvrd:001 submit date:2501010000 done date:2501010000 stat:DELIVRD err:000 imsi:250010000000001 mcc:250 mnc:01 cn:Russia net:Net%EF%BF%BF',
    });
    const { hlr } = receiptFields(receipt);
    expect(hlr?.networkName).toBe('Net\uffff');
    const record = statusRecord(
      { kind: 'hlr', callbackUrl: HOOK, status: 'submitted' },
      { status: 'delivered', hlr, updatedAt: '2025-01-01T00:00:01.000Z' },
    );
    const sink = memoryEventSink();
    const { write } = captureLogs();
    const ports = {
      publishEvents: sink.publish,
      enqueueCallbacks: sqsCallbackEnqueuer(aws.sqs, queues.callbacks),
      log: statusStreamLogger(write),
    };

    // Act
    const response = await handleStreamRecords([record], ports);
    // Assess
    const { Messages = [] } = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.callbacks, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(sink.events).toHaveLength(1);
    const jobs = Messages.map((message) => parseCallbackJob(message.Body ?? ''));
    expect(jobs).toEqual([expect.objectContaining({ callbackUrl: HOOK })]);
    expect(jobs[0]?.event.hlr?.networkName).toBe('Net\uffff');
  }, 20_000);
});
