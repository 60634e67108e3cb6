import { describe, expect, it } from 'vitest';
import { submitFieldsFor } from '#bind-service/dispatch/submit/submit-fields.ts';
import { decodeText, splitUdh } from '#core/domain/encoding/index.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';

const prepare = (input: Record<string, unknown>, isoMode = false) =>
  prepareMessage(sendMessageSchema.parse(input), { isoMode, maxParts: 10 });

describe('submitFieldsFor', () => {
  it('when a short SMS has an alphanumeric sender, then it goes TON 5 to an international TON 1/NPI 1 number', () => {
    // Act
    const [fields] = submitFieldsFor(prepare({ to: '+79991234567', text: 'Hi', from: 'Shop' }));
    // Assess
    expect(fields).toMatchObject({
      source_addr: 'Shop',
      source_addr_ton: 5,
      destination_addr: '79991234567',
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      esm_class: 0,
      data_coding: 0,
      registered_delivery: 1,
      validity_period: '000001000000000R',
    });
  });

  it('when the request has no sender, then the configured default sender is used', () => {
    // Act
    const [fields] = submitFieldsFor(prepare({ to: '+79991234567', text: 'Hi' }), '+79001234567');
    // Assess
    expect(fields).toMatchObject({ source_addr: '79001234567', source_addr_ton: 1, source_addr_npi: 1 });
  });

  it('when the message is long, then every part carries the UDH flag and one shared reference', () => {
    // Act
    const fields = submitFieldsFor(prepare({ to: '+79991234567', text: 'Ж'.repeat(150) }));
    // Assess
    expect(fields).toHaveLength(3);
    const refs = fields.map((f) => splitUdh(f.short_message, f.esm_class).concat);
    expect(refs.map((r) => r?.index)).toEqual([1, 2, 3]);
    expect(new Set(refs.map((r) => r?.reference)).size).toBe(1);
    expect(fields.every((f) => f.esm_class === 0x40 && f.data_coding === 8)).toBe(true);
    const text = fields.map((f) => decodeText(splitUdh(f.short_message, f.esm_class).payload, 8)).join('');
    expect(text).toBe('Ж'.repeat(150));
  });

  it('when the kind is flash, then the message class 0 is in data_coding', () => {
    // Act
    const [fields] = submitFieldsFor(prepare({ to: '+79991234567', text: 'Now', kind: 'flash' }));
    // Assess
    expect(fields?.data_coding).toBe(0x10);
  });

  it('when the kind is mail, then the e-mail address travels as an alphanumeric destination', () => {
    // Act
    const [fields] = submitFieldsFor(
      prepare({ to: 'user@example.com', text: 'Body', kind: 'mail', subject: 'S' }),
    );
    // Assess
    expect(fields).toMatchObject({ destination_addr: 'user@example.com', dest_addr_ton: 5 });
  });

  it('when the validity is 90 minutes, then the relative time says 1 h 30 min', () => {
    // Act
    const [fields] = submitFieldsFor(prepare({ to: '+79991234567', text: 'Hi', validityMinutes: 90 }));
    // Assess
    expect(fields?.validity_period).toBe('000000013000000R');
  });
});
