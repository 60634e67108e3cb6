import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { ACCOUNT, mobile, sendLikeApi, startRig, statusIs, useCleanup, waitForRecord } from '../fixtures.ts';

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

  it('when an HLR answer names T2_Mobile and a windows-1251 country, then both are stored as written', async () => {
    // Prepare
    const hlr = () => ({
      imsi: '250200000000001',
      msc: '79000000000',
      mcc: '250',
      mnc: '20',
      country: 'Россия',
      network: 'T2_Mobile',
    });
    const rig = await startRig(aws, defer, { simulator: { hlr } });
    // Act
    const id = await sendLikeApi(rig, { to: mobile(3), kind: 'hlr' });
    const record = await waitForRecord(rig, id, statusIs('delivered'));
    // Assess
    expect(record.hlr).toMatchObject({ networkName: 'T2_Mobile', countryName: 'Россия', mnc: '20' });
  });
});
