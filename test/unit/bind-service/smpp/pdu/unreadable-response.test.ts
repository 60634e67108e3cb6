import { describe, expect, it } from 'vitest';
import { responseFromHeader, responseName } from '#bind-service/smpp/pdu/unreadable-response.ts';

/** A PDU as read off the socket: its header, then `body` (what the package could not read). */
function pdu(commandId: number, status: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(16 + body.length, 0);
  head.writeUInt32BE(commandId, 4);
  head.writeUInt32BE(status, 8);
  head.writeUInt32BE(77, 12);
  return Buffer.concat([head, body]);
}

/** message_state (int8) of length 0 at the end: what made the package read past the PDU. */
const EMPTY_TLV = Buffer.from([0x04, 0x27, 0x00, 0x00]);

describe('responseFromHeader', () => {
  it('when a bind_transceiver_resp says ESME_ROK, then it stands for a bind accepted, its sequence number kept', () => {
    // Act
    const answer = responseFromHeader(pdu(0x80000009, 0, Buffer.from([0x52, 0, 0x02, 0x10, 0, 0])));
    // Assess
    expect(answer).toMatchObject({
      command: 'bind_transceiver_resp',
      command_status: 0,
      sequence_number: 77,
    });
  });

  it('when a submit_sm_resp says ESME_ROK, then its message_id is read from the start of the body', () => {
    // Act
    const answer = responseFromHeader(
      pdu(0x80000004, 0, Buffer.concat([Buffer.from('1000001\0'), EMPTY_TLV])),
    );
    // Assess
    expect(answer).toMatchObject({ command: 'submit_sm_resp', command_status: 0, message_id: '1000001' });
  });

  for (const [name, body] of [
    ['has no NUL within its 65 octets', Buffer.from(`${'7'.repeat(70)}\0`)],
    ['has no NUL before the end', Buffer.from('1000')],
    ['holds a control octet', Buffer.concat([Buffer.from('10\u0001\0'), EMPTY_TLV])],
  ] as const) {
    it(`when a submit_sm_resp says ESME_ROK but its message_id ${name}, then it stands for a generic_nack with status 0`, () => {
      // Act
      const answer = responseFromHeader(pdu(0x80000004, 0, body));
      // Assess
      expect(answer).toMatchObject({ command: 'generic_nack', command_status: 0, sequence_number: 77 });
    });
  }

  it('when a response carries a refusal, then it stands for that refusal whatever its body', () => {
    // Act
    const answers = [0x80000004, 0x80000009, 0x80000003].map((id) =>
      responseFromHeader(pdu(id, 0x45, EMPTY_TLV)),
    );
    // Assess
    expect(answers.map((answer) => [answer?.command, answer?.command_status])).toEqual([
      ['submit_sm_resp', 0x45],
      ['bind_transceiver_resp', 0x45],
      ['query_sm_resp', 0x45],
    ]);
  });

  it('when a query_sm_resp says ESME_ROK, a request or an unknown command is given, then nothing stands for it', () => {
    // Act
    const answers = [pdu(0x80000003, 0, EMPTY_TLV), pdu(0x00000004, 0, EMPTY_TLV), pdu(0x80000777, 0)].map(
      responseFromHeader,
    );
    // Assess
    expect(answers).toEqual([undefined, undefined, undefined]);
    expect([responseName(0x80000003), responseName(0x80000777)]).toEqual(['query_sm_resp', '0x80000777']);
  });
});
