import { describe, expect, it } from 'vitest';
import { submitFieldsFor } from '#bind-service/dispatch/submit/submit-fields.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { messageFingerprint } from '#core/domain/provider/anti-loop.ts';
import { recipientsBatchSchema } from '#core/domain/requests/batch-schema.ts';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { codesOf } from '../support.ts';

// An e-mail message goes from an e-mail address the provider has registered (its e-mail error 254,
// "an unregistered e-mail address of the sender"): `from` takes one for kind "mail", at most the
// 20 characters an SMPP source_addr holds.

const MAIL = { to: 'ann@example.ru', kind: 'mail', subject: 'Order', text: 'Shipped' };

describe('the sender of an e-mail message', () => {
  it('when a mail names its sender e-mail address, then it is accepted and sent from it', () => {
    // Act
    const request = sendMessageSchema.parse({ ...MAIL, from: 'news@shop.ru' });
    const [fields] = submitFieldsFor(prepareMessage(request, { isoMode: false, maxParts: 10 }), 'Shop');
    // Assess: before, 400 ("must be 1-11 letters, digits…"), so mail could only go from an SMS name.
    expect(request.from).toBe('news@shop.ru');
    expect(fields).toMatchObject({ source_addr: 'news@shop.ru', source_addr_ton: 5, source_addr_npi: 0 });
  });

  it('when a mailing to many names its sender e-mail address, then it is accepted', () => {
    // Act
    const batch = recipientsBatchSchema.parse({
      ...MAIL,
      to: ['ann@example.ru', 'bob@example.ru'],
      from: 'news@shop.ru',
    });
    // Assess
    expect(batch.from).toBe('news@shop.ru');
  });

  it.each([
    ['an sms', { to: '+79991234567', text: 'Hi', from: 'news@shop.ru' }],
    ['a mail from an address too long for source_addr', { ...MAIL, from: 'newsletter@shop-example.ru' }],
    ['a mail from no valid address', { ...MAIL, from: 'news@shop' }],
    // An SMS sender name is no e-mail sender: the provider would fail the mail with err 254 after a 202
    ['a mail from an SMS sender name', { ...MAIL, from: 'Shop' }],
  ])('when %s names such a sender, then `from` is refused', (_, body) => {
    // Act
    const codes = codesOf(sendMessageSchema, body);
    // Assess
    expect(codes).toEqual([{ code: 'invalid_format', path: ['from'] }]);
  });

  it('when a mail names no sender, then the SMS default sender is not its source_addr, and the duplicate rule compares it so', () => {
    // Prepare: SMPP_DEFAULT_SENDER is an SMS sender name (the variable takes no e-mail address)
    const prepared = prepareMessage(sendMessageSchema.parse(MAIL), { isoMode: false, maxParts: 10 });
    // Act
    const [fields] = submitFieldsFor(prepared, 'Shop');
    // Assess: before, source_addr 'Shop'; empty, the SMSC sends from the account's own sender
    expect(fields).toMatchObject({ source_addr: '' });
    expect(messageFingerprint(prepared, 'Shop')).toBe(messageFingerprint(prepared, ''));
  });
});
