import { describe, expect, it } from 'vitest';
import { checkPduLayout, DELIVER_SM_FIELDS } from '#bind-service/smpp/pdu/pdu-layout.ts';
import { MAX_PDU_LENGTH, PROVIDER_TLV, smpp } from '#bind-service/smpp/pdu/smpp-package.ts';

function cstring(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from([0])]);
}

/** A DELIVER_SM with a hand-written body (header length set to fit). */
function deliverSm(body: Buffer): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(16 + body.length, 0);
  head.writeUInt32BE(0x00000005, 4);
  head.writeUInt32BE(7, 12);
  return Buffer.concat([head, body]);
}

function body(parts: { source?: Buffer; tonNpi?: number[]; text?: Buffer; smLength?: number } = {}) {
  const text = parts.text ?? Buffer.from('hello', 'latin1');
  return Buffer.concat([
    cstring(''),
    Buffer.from([1, 1]),
    parts.source ?? cstring('79990001122'),
    Buffer.from(parts.tonNpi ?? [5, 0]),
    cstring('Shop'),
    Buffer.from([0, 0, 0]),
    cstring(''),
    cstring(''),
    Buffer.from([0, 0, 0, 0, parts.smLength ?? text.length]),
    text,
  ]);
}

describe('checkPduLayout', () => {
  it("when compared with the package's deliver_sm params, then it walks the same fields in the same order", () => {
    // Assess
    expect(DELIVER_SM_FIELDS.map((field) => field.name)).toEqual(
      Object.keys(smpp.commands.deliver_sm?.params ?? {}),
    );
  });

  it('when the package encodes deliver_sms (receipt TLVs, provider TLVs, a 64 K payload, full-length fields), then each passes', () => {
    // Prepare
    const pdus = [
      new smpp.PDU('deliver_sm', { short_message: Buffer.from('hi') }),
      new smpp.PDU('deliver_sm', {
        service_type: 'CMT12',
        source_addr_ton: 1,
        source_addr_npi: 1,
        source_addr: '1'.repeat(20),
        dest_addr_ton: 5,
        destination_addr: 'S'.repeat(20),
        esm_class: 0x04,
        schedule_delivery_time: '000000000100000R',
        validity_period: '260101120000000+',
        short_message: Buffer.from('id:1 stat:DELIVRD'),
        receipted_message_id: '1000001',
        message_state: 2,
        network_error_code: Buffer.from([3, 0, 1]),
        [PROVIDER_TLV.cost]: '1.2500',
        [PROVIDER_TLV.parts]: 2,
      }),
      new smpp.PDU('deliver_sm', { message_payload: Buffer.alloc(65_535, 0x41) }),
    ];
    // Act
    const buffers = pdus.map((pdu) => pdu.toBuffer());
    // Assess
    for (const buffer of buffers) expect(() => checkPduLayout(buffer)).not.toThrow();
    expect(buffers[2]?.length).toBeLessThanOrEqual(MAX_PDU_LENGTH);
  });

  it('when an octet of 0x80 or more is in an address (not ASCII, yet not a control character), then it passes', () => {
    // Act
    const check = () => checkPduLayout(deliverSm(body({ source: cstring('Caf\u00e9') })));
    // Assess
    expect(check).not.toThrow();
  });

  const broken: { name: string; pdu: () => Buffer; message: string }[] = [
    {
      name: 'the body ends after service_type',
      pdu: () => deliverSm(Buffer.from([0])),
      message: 'the PDU ends before source_addr_ton (offset 17)',
    },
    {
      name: 'the body ends before sm_length',
      pdu: () => deliverSm(body().subarray(0, body().length - 6)),
      message: 'the PDU ends before short_message',
    },
    {
      name: 'sm_length runs past the end',
      pdu: () => deliverSm(body({ smLength: 40 })),
      message: 'short_message declares 40 octets (sm_length), 5 left in the PDU',
    },
    {
      name: 'the last C-string has no NUL before the end',
      pdu: () => deliverSm(Buffer.from([0, 1, 1, 0x37, 0x37])),
      message: 'source_addr at offset 19 has no NUL before the end of the PDU',
    },
    {
      name: 'source_addr is longer than 21 octets with its NUL',
      pdu: () => deliverSm(body({ source: cstring('7'.repeat(21)) })),
      message: 'source_addr at offset 19 has no NUL within its 21 octets',
    },
    {
      name: 'service_type is longer than 6 octets with its NUL',
      pdu: () => deliverSm(Buffer.concat([cstring('SERVICE'), body().subarray(1)])),
      message: 'service_type at offset 16 has no NUL within its 6 octets',
    },
    {
      name: 'source_addr lost its NUL and took the TON after it',
      pdu: () => deliverSm(body({ source: Buffer.from('79990001122', 'latin1') })),
      message: 'source_addr at offset 19 holds a control octet at 30',
    },
    {
      name: 'source_addr lost its NUL and a TON of 0 stood in for it',
      pdu: () => deliverSm(body({ source: Buffer.from('79990001122', 'latin1'), tonNpi: [0, 1] })),
      message: 'dest_addr_npi at offset 32 is 0x53, a character, not a code',
    },
    {
      name: 'a TLV value runs past the end',
      pdu: () => deliverSm(Buffer.concat([body(), Buffer.from([0x00, 0x1e, 0x00, 0xc8, 0x31, 0x00])])),
      message: 'TLV 0x001e at offset 53 declares 200 octets, 2 left in the PDU',
    },
    {
      name: 'octets after the last TLV are too few for another',
      pdu: () =>
        deliverSm(Buffer.concat([body(), Buffer.from([0x04, 0x27, 0x00, 0x01, 0x02, 0x00, 0x1e, 0x00])])),
      message: '3 octet(s) after the last field, too few for a TLV',
    },
  ];

  for (const { name, pdu, message } of broken) {
    it(`when a deliver_sm's ${name}, then it throws saying so`, () => {
      // Act
      const check = () => checkPduLayout(pdu());
      // Assess
      expect(check).toThrow(message);
    });
  }

  it('when another command or a response is loose (a submit_sm_resp with no body), then it is not checked', () => {
    // Prepare
    const nack = new smpp.PDU('submit_sm_resp', { command_status: 0x45 }).toBuffer();
    const submit = Buffer.from(deliverSm(Buffer.from([0])));
    submit.writeUInt32BE(0x00000004, 4);
    // Act
    const checks = [() => checkPduLayout(nack), () => checkPduLayout(submit)];
    // Assess
    for (const check of checks) expect(check).not.toThrow();
  });
});

describe('the patched package reader (patches/smpp+0.5.1.patch)', () => {
  for (const length of [0, 1, 4, 15]) {
    it(`when a command_length of ${length} is read, then it throws instead of waiting for a body`, () => {
      // Prepare: what a socket holds, as the package reads it (4 octets at a time).
      const bytes = Buffer.alloc(16);
      bytes.writeUInt32BE(length, 0);
      const stream = { read: (n: number) => bytes.subarray(0, n) };
      // Act
      const read = () =>
        (smpp.PDU as unknown as { commandLength(s: typeof stream): number }).commandLength(stream);
      // Assess
      expect(read).toThrow(`PDU length was too small (${length}, minimum is 16`);
    });
  }

  it('when the session is given checkPdu, then a PDU it refuses is unreadable with its header, and the next one is read', () => {
    // Prepare
    const malformed = deliverSm(body({ smLength: 40 }));
    const valid = deliverSm(body());
    let queued = Buffer.concat([malformed, valid]);
    const stream = {
      read(n: number) {
        const chunk = queued.subarray(0, n);
        queued = queued.subarray(n);
        return chunk;
      },
    };
    const reader = smpp.PDU as unknown as {
      commandLength(s: typeof stream): number;
      fromStream(s: typeof stream, length: number, check?: (pdu: Buffer) => void): unknown;
    };
    // Act
    const first = reader.commandLength(stream);
    const refused = (() => {
      try {
        reader.fromStream(stream, first, checkPduLayout);
        return undefined;
      } catch (error) {
        return error as Error & { unreadablePdu?: unknown };
      }
    })();
    const next = reader.fromStream(stream, reader.commandLength(stream), checkPduLayout);
    // Assess
    expect(refused?.unreadablePdu).toEqual({
      command_length: malformed.length,
      command_id: 5,
      sequence_number: 7,
    });
    expect(next).toMatchObject({ command: 'deliver_sm', source_addr: '79990001122' });
  });
});
