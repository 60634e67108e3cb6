import { describe, expect, it } from 'vitest';
import { runCase } from '../../../harness/run-case.ts';
import { sendMessages } from '../../../harness/traffic.ts';

// Case 12: the SMSC sends malformed PDUs mid-traffic. An unknown command id is answered with
// generic_nack and the session goes on; a PDU whose command_length is impossible (shorter than a
// header, or absurdly long) cannot be framed, so the link is dropped and the service binds again.
// Either way traffic before and after is delivered once.

function header(commandLength: number, commandId: number, sequence: number): Buffer {
  const bytes = Buffer.alloc(16);
  bytes.writeUInt32BE(commandLength, 0);
  bytes.writeUInt32BE(commandId, 4);
  bytes.writeUInt32BE(0, 8);
  bytes.writeUInt32BE(sequence, 12);
  return bytes;
}

const VARIANTS = [
  { variant: 'unknown command id', bytes: header(16, 0x0000_0f0f, 0x7f00_0001) },
  { variant: 'length shorter than a header', bytes: header(8, 0x0000_0015, 0x7f00_0002) },
  { variant: 'absurd length', bytes: header(0x7fff_ffff, 0x0000_0005, 0x7f00_0003) },
];

describe('fault case 12: malformed PDUs from the SMSC', () => {
  it.each(VARIANTS)(
    'when the SMSC sends a PDU with $variant, then every message ends once',
    async ({ variant, bytes }) => {
      // Act
      const result = await runCase({
        number: 12,
        variant,
        name: 'malformed PDU from the SMSC',
        env: { SMPP_THROUGHPUT: '100' },
        bindEnv: { SMPP_RESPONSE_TIMEOUT_SECONDS: '2' },
        act: async ({ stack, sent, faultEnded }) => {
          sent.push(
            ...(await sendMessages(stack.local.apiUrl, 12, { caseName: `case12-${variant}`, count: 20 })),
          );
          await stack.sim.waitFor(() => stack.sim.messages.length >= 10, 20_000);
          stack.sim.sendRaw(stack.local.smpp.systemId, bytes);
          sent.push(
            ...(await sendMessages(stack.local.apiUrl, 12, {
              caseName: `case12-${variant}`,
              count: 20,
              from: 20,
            })),
          );
          faultEnded();
        },
      });
      // Assess
      expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
      expect(result.report.states.delivered).toBe(40);
      expect(result.holds).toBe(true);
    },
  );
});
