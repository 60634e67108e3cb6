import { describe, expect, it } from 'vitest';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { mobile, sendLikeApi, startRig, statusIs, useCleanup, waitForRecord } from '../fixtures.ts';

// The provider's example configuration is Kannel's: source-addr-autodetect = yes,
// source-addr-ton = 5, source-addr-npi = 1. What the simulator received is what went on the wire.

describe('bind-service: sender TON/NPI as the provider example configures them', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when senders are a name, a short code and a "+" number, then they go as 5/0, 5/1 and 1/1 without "+"', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    const senders = ['Shop', '1234', '+79001234567'];
    // Act
    for (const [index, from] of senders.entries()) {
      const id = await sendLikeApi(rig, { to: mobile(10 + index), text: `From ${from}`, from });
      await waitForRecord(rig, id, statusIs('submitted', 'delivered'));
    }
    // Assess
    const wire = rig.simulator.submissions.map((s) => [s.source, s.sourceTon, s.sourceNpi]);
    expect(wire).toEqual([
      ['Shop', 5, 0],
      ['1234', 5, 1],
      ['79001234567', 1, 1],
    ]);
  });

  it('when autodetect is off and TON/NPI are configured, then every sender goes verbatim with them', async () => {
    // Prepare
    const env = {
      SMPP_SOURCE_ADDR_AUTODETECT: 'false',
      SMPP_SOURCE_ADDR_TON: '3',
      SMPP_SOURCE_ADDR_NPI: '0',
    };
    const rig = await startRig(aws, defer, { env });
    // Act
    const id = await sendLikeApi(rig, { to: mobile(20), text: 'Short code', from: '1234' });
    await waitForRecord(rig, id, statusIs('submitted', 'delivered'));
    // Assess
    expect(rig.simulator.submissions[0]).toMatchObject({ source: '1234', sourceTon: 3, sourceNpi: 0 });
  });
});
