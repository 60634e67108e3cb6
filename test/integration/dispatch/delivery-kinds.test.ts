import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useLocalAws } from '#test/helpers/local-aws.ts';
import { ACCOUNT, startRig, useCleanup } from './fixtures.ts';

describe('bind-service deliveries: receipt or incoming is decided by esm_class', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  async function inboundItems(table: string): Promise<Record<string, unknown>[]> {
    const { Items } = await aws.document.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    return Items ?? [];
  }

  it('when an incoming SMS reads like a receipt, then it is stored as an incoming message', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    const text =
      'id:100000 sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000';
    // Act
    const statuses = await rig.simulator.injectMo({
      systemId: ACCOUNT.systemId,
      from: '+79990001122',
      to: 'Shop',
      text,
    });
    // Assess
    expect(statuses).toEqual([0]);
    const items = await inboundItems(rig.tables.inbound);
    expect(items).toEqual([expect.objectContaining({ from: '+79990001122', to: 'Shop', text, parts: 1 })]);
    expect(items[0]?.kind).not.toBe('unparsed-receipt');
    expect(rig.service.stats.incoming.messages).toBe(1);
    expect(rig.service.stats.receipts).toMatchObject({ applied: 0, orphan: 0 });
  });
});
