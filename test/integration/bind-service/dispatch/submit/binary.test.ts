import { describe, expect, it } from 'vitest';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { mobile, sendLikeApi, startRig, statusIs, useCleanup, waitForRecord } from '../fixtures.ts';

const PORTS_UDH = '0605040B8423F0';

describe('bind-service: binary messages go as 8-bit data with their UDH', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when a binary payload has no UDH and fits, then one SUBMIT_SM carries its octets with data_coding 4', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    // Act
    const id = await sendLikeApi(rig, { to: mobile(1), encoding: 'binary', text: '00ff10e2' });
    const record = await waitForRecord(rig, id, statusIs('delivered'));
    // Assess
    expect(record).toMatchObject({ encoding: 'binary', dataCoding: 4, parts: 1, text: '00ff10e2' });
    const [submit] = rig.simulator.submissions;
    expect(submit).toMatchObject({ dataCoding: 4, esmClass: 0 });
    expect(submit?.shortMessage).toEqual(Buffer.from([0x00, 0xff, 0x10, 0xe2]));
  });

  it('when a long WAP push payload has a port UDH, then each part carries ports and concatenation within 140 octets', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    const payload = Buffer.alloc(300, 0x5a);
    // Act
    const id = await sendLikeApi(rig, {
      to: mobile(2),
      encoding: 'binary',
      text: payload.toString('hex'),
      udh: PORTS_UDH,
    });
    const record = await waitForRecord(rig, id, statusIs('delivered'));
    // Assess
    expect(record).toMatchObject({ encoding: 'binary', parts: 3, udh: PORTS_UDH });
    const submits = rig.simulator.submissions;
    expect(submits.map((s) => [s.dataCoding, s.esmClass, s.shortMessage.length])).toEqual([
      [4, 0x40, 140],
      [4, 0x40, 140],
      [4, 0x40, 12 + 44],
    ]);
    const reference = submits[0]?.shortMessage[9];
    for (const [index, submit] of submits.entries()) {
      expect(submit.shortMessage.subarray(0, 12)).toEqual(
        Buffer.from([0x0b, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0, 0x00, 0x03, reference ?? -1, 3, index + 1]),
      );
    }
    expect(Buffer.concat(submits.map((s) => s.shortMessage.subarray(12)))).toEqual(payload);
  });
});
