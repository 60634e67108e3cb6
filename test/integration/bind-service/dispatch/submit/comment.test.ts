import { describe, expect, it } from 'vitest';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { mobile, sendLikeApi, startRig, statusIs, useCleanup, waitForRecord } from '../fixtures.ts';

const ESC = 0x1b;
const TILDE = 0x3d;

describe('bind-service: a comment rides after the text without changing encoding, parts or price', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when 150 Latin characters go with a comment, then GSM octets carry both in two SUBMIT_SMs billed as one part', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    const text = 'a'.repeat(150);
    // Act
    const id = await sendLikeApi(rig, { to: mobile(1), text, comment: 'order 42' });
    const record = await waitForRecord(rig, id, statusIs('delivered'));
    // Assess
    expect(record).toMatchObject({ encoding: 'gsm7', dataCoding: 0, parts: 1, cost: '1.5000' });
    const [first, second] = rig.simulator.submissions;
    expect(rig.simulator.submissions).toHaveLength(2);
    expect(first?.dataCoding).toBe(0);
    const reference = first?.shortMessage[3] ?? -1;
    expect(first?.shortMessage.subarray(0, 6)).toEqual(Buffer.from([5, 0, 3, reference, 2, 1]));
    expect(second?.shortMessage.subarray(0, 6)).toEqual(Buffer.from([5, 0, 3, reference, 2, 2]));
    expect(first?.shortMessage.length).toBe(6 + 153);
    const septets = Buffer.concat([
      first?.shortMessage.subarray(6) ?? Buffer.alloc(0),
      second?.shortMessage.subarray(6) ?? Buffer.alloc(0),
    ]);
    // "\n~~~\n" in GSM 03.38: LF, then ESC 0x3D for each tilde.
    expect(septets).toEqual(
      Buffer.concat([
        Buffer.alloc(150, 0x61),
        Buffer.from([0x0a, ESC, TILDE, ESC, TILDE, ESC, TILDE, 0x0a]),
        Buffer.from('order 42', 'latin1'),
      ]),
    );
    expect(rig.simulator.messages[0]).toMatchObject({ text, comment: 'order 42', parts: 1, wireParts: 2 });
  });
});
