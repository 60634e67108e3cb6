import { describe, expect, it } from 'vitest';
import {
  CALL_VOICES,
  InvalidMessageContentError,
  type MessageContent,
  renderMessage,
} from '#core/domain/messages/message-kinds.ts';
import { errorThrownBy } from '#test/helpers/errors.ts';

function renderError(content: MessageContent): InvalidMessageContentError {
  return errorThrownBy(() => renderMessage(content), InvalidMessageContentError);
}

describe('renderMessage', () => {
  it.each<[string, MessageContent, string, boolean]>([
    ['sms', { kind: 'sms', text: ' Hello\nworld ' }, ' Hello\nworld ', false],
    ['flash', { kind: 'flash', text: 'Alert' }, 'Alert', true],
    ['mail', { kind: 'mail', text: 'Body\nline 2', subject: 'Hi' }, '__MAIL__: Body\nline 2\nsubj:Hi', false],
    [
      'call without voice',
      { kind: 'call', text: 'Your code 1234' },
      '__CALL__: Your code 1234\nvoice:m3',
      false,
    ],
    ['call with voice', { kind: 'call', text: 'Bonjour', voice: 'w2' }, '__CALL__: Bonjour\nvoice:w2', false],
    [
      'call with language',
      { kind: 'call', text: 'Bonjour', voice: 'w,fr' },
      '__CALL__: Bonjour\nvoice:w,fr',
      false,
    ],
    ['viber', { kind: 'viber', text: 'Sale' }, '__VIBER__: Sale', false],
    ['soc', { kind: 'soc', text: 'Sale' }, '__SOC__: Sale', false],
    ['tgm', { kind: 'tgm', text: '12345678' }, '__TGM__: 12345678', false],
    ['bot with @', { kind: 'bot', text: 'Hi', bot: '@Shop_Bot' }, '__BOT__: Hi\nbot:@Shop_Bot', false],
    ['bot without @', { kind: 'bot', text: 'Hi', bot: 'shopbot' }, '__BOT__: Hi\nbot:@shopbot', false],
    ['hlr', { kind: 'hlr' }, '__HLR__', false],
    ['hlr with empty text', { kind: 'hlr', text: '' }, '__HLR__', false],
    ['ping', { kind: 'ping' }, '__PING__', false],
  ])('when the kind is %s, then the text carries its exact marker', (_, content, text, flash) => {
    // Prepare
    // Act
    const rendered = renderMessage(content);
    // Assess
    expect(rendered).toEqual({ text, flash });
  });

  it.each(['Use code __TGM__ in the app', '__ORDER__: 42 shipped'])(
    'when an sms text only mentions a marker, or another word in underscores, as "%s", then it is sent as written',
    (text) => {
      // Act
      const rendered = renderMessage({ kind: 'sms', text });
      // Assess
      expect(rendered.text).toBe(text);
    },
  );

  it.each(CALL_VOICES)('when the call voice is %s, then it is accepted', (voice) => {
    // Prepare
    const content: MessageContent = { kind: 'call', text: 'Hello', voice };
    // Act
    const rendered = renderMessage(content);
    // Assess
    expect(rendered.text).toBe(`__CALL__: Hello\nvoice:${voice}`);
  });

  it.each<[string, MessageContent, string]>([
    ['sms', { kind: 'sms', text: 'Hello', comment: 'order 42' }, 'Hello\n~~~\norder 42'],
    ['mail', { kind: 'mail', text: 'B', subject: 'S', comment: 'c' }, '__MAIL__: B\nsubj:S\n~~~\nc'],
    ['call parameters', { kind: 'call', text: 'T', comment: 'param' }, '__CALL__: T\nvoice:m3\n~~~\nparam'],
    ['bot', { kind: 'bot', text: 'T', bot: 'abcbot', comment: 'c' }, '__BOT__: T\nbot:@abcbot\n~~~\nc'],
    ['empty comment', { kind: 'viber', text: 'T', comment: '' }, '__VIBER__: T'],
  ])('when a %s comes with a comment, then it follows the separator', (_, content, text) => {
    // Prepare
    // Act
    const rendered = renderMessage(content);
    // Assess
    expect(rendered.text).toBe(text);
  });

  it.each<[string, MessageContent, string]>([
    ['sms text is missing', { kind: 'sms' }, 'text'],
    ['flash text is blank', { kind: 'flash', text: '  \n ' }, 'text'],
    ['mail text is empty', { kind: 'mail', text: '', subject: 'S' }, 'text'],
    ['call text is missing', { kind: 'call' }, 'text'],
    ['viber text is blank', { kind: 'viber', text: ' ' }, 'text'],
    ['soc text is missing', { kind: 'soc' }, 'text'],
    ['bot text is missing', { kind: 'bot', bot: 'shopbot' }, 'text'],
    ['text contains the comment separator', { kind: 'sms', text: 'a\n~~~\nb' }, 'text'],
    [
      'mail text ends so that the subject line forms the separator',
      { kind: 'mail', text: 'a\n~~~', subject: 'S' },
      'text',
    ],
    [
      'text ends so that the comment forms a second separator',
      { kind: 'sms', text: 'a\n~~~', comment: 'c' },
      'text',
    ],
    // The provider reads the subject, voice or bot from a line of the body: the text's own would
    // make it ambiguous which one it takes.
    ['mail text carries a subject line', { kind: 'mail', text: 'Hi\nsubj:Win', subject: 'Order' }, 'text'],
    ['call text carries a voice line', { kind: 'call', text: 'Hi\nVoice:w', voice: 'm' }, 'text'],
    ['bot text carries a bot line', { kind: 'bot', text: 'Hi\nbot:@evilbot', bot: 'shopbot' }, 'text'],
    ['mail subject is missing', { kind: 'mail', text: 'B' }, 'subject'],
    ['mail subject is blank', { kind: 'mail', text: 'B', subject: ' ' }, 'subject'],
    ['mail subject has a newline', { kind: 'mail', text: 'B', subject: 'a\nb' }, 'subject'],
    ['call voice is unknown', { kind: 'call', text: 'T', voice: 'm5' }, 'voice'],
    ['call language is not two lowercase letters', { kind: 'call', text: 'T', voice: 'w,FR' }, 'voice'],
    ['call voice has a trailing comma', { kind: 'call', text: 'T', voice: 'w,' }, 'voice'],
    ['tgm code is too short', { kind: 'tgm', text: '123' }, 'text'],
    ['tgm code is too long', { kind: 'tgm', text: '123456789' }, 'text'],
    ['tgm code has a letter', { kind: 'tgm', text: '12a4' }, 'text'],
    ['tgm code has non-ASCII digits', { kind: 'tgm', text: '١٢٣٤' }, 'text'],
    ['tgm code is missing', { kind: 'tgm' }, 'text'],
    ['bot name is missing', { kind: 'bot', text: 'T' }, 'bot'],
    ['bot name does not end in bot', { kind: 'bot', text: 'T', bot: '@shopping' }, 'bot'],
    ['bot name is too short', { kind: 'bot', text: 'T', bot: 'abot' }, 'bot'],
    ['bot name is too long', { kind: 'bot', text: 'T', bot: `a${'b'.repeat(29)}bot` }, 'bot'],
    ['bot name starts with a digit', { kind: 'bot', text: 'T', bot: '1shopbot' }, 'bot'],
    ['bot name has a dash', { kind: 'bot', text: 'T', bot: 'shop-bot' }, 'bot'],
    ['hlr carries text', { kind: 'hlr', text: 'x' }, 'text'],
    ['ping carries text', { kind: 'ping', text: 'x' }, 'text'],
    ['comment contains the separator', { kind: 'sms', text: 'T', comment: 'a\n~~~\nb' }, 'comment'],
    ['subject is on an sms', { kind: 'sms', text: 'T', subject: 'S' }, 'subject'],
    ['voice is on a mail', { kind: 'mail', text: 'T', subject: 'S', voice: 'm' }, 'voice'],
    ['bot is on a viber message', { kind: 'viber', text: 'T', bot: 'shopbot' }, 'bot'],
    ['subject is on a call', { kind: 'call', text: 'T', subject: 'S' }, 'subject'],
    ['comment is on a tgm code', { kind: 'tgm', text: '1234', comment: 'c' }, 'comment'],
    ['comment is on an hlr request', { kind: 'hlr', comment: 'c' }, 'comment'],
    ['voice is on a ping', { kind: 'ping', voice: 'm' }, 'voice'],
    // The provider tells kinds apart by the marker alone: these would go as a tgm code of 3 digits,
    // an HLR request, a paid call, an e-mail, a Viber message, recorded as an sms.
    ['sms text starts with a Telegram marker', { kind: 'sms', text: '__TGM__: 123' }, 'text'],
    ['sms text is the HLR marker', { kind: 'sms', text: '__HLR__' }, 'text'],
    ['sms text starts with the ping marker', { kind: 'sms', text: '__PING__ please' }, 'text'],
    ['sms text starts with a call marker', { kind: 'sms', text: '__CALL__: Hi\nvoice:w' }, 'text'],
    ['sms text starts with a mail marker', { kind: 'sms', text: '__MAIL__: x\nsubj:y' }, 'text'],
    ['flash text starts with a Viber marker', { kind: 'flash', text: '__VIBER__: Hi' }, 'text'],
    ['sms text starts with a social marker', { kind: 'sms', text: '__SOC__: Hi' }, 'text'],
    ['sms text starts with a bot marker in lower case', { kind: 'sms', text: '__bot__: Hi' }, 'text'],
    ['sms text starts with a marker after spaces', { kind: 'sms', text: ' \n__HLR__' }, 'text'],
  ])('when the %s, then it is refused naming that field', (_, content, field) => {
    // Prepare
    // Act
    const error = renderError(content);
    // Assess
    expect(error.code).toBe('invalid_message_content');
    expect(error.path).toEqual([field]);
  });

  it('when the voice is wrong, then the error lists the allowed voices', () => {
    // Prepare
    const content: MessageContent = { kind: 'call', text: 'T', voice: 'robot' };
    // Act
    const error = renderError(content);
    // Assess
    expect(error.message).toContain('m, m2, m3, m4, w, w2, w3, w4');
  });

  it('when the bot name is 5 or 32 characters long, then it is accepted', () => {
    // Prepare
    const shortest: MessageContent = { kind: 'bot', text: 'T', bot: 'a_bot' };
    const longest: MessageContent = { kind: 'bot', text: 'T', bot: `a${'b'.repeat(28)}BOT` };
    // Act
    const rendered = [renderMessage(shortest), renderMessage(longest)];
    // Assess
    expect(rendered.map((message) => message.text)).toEqual([
      '__BOT__: T\nbot:@a_bot',
      `__BOT__: T\nbot:@a${'b'.repeat(28)}BOT`,
    ]);
  });

  it('when the kind is not one of the known kinds, then it is refused naming the kind', () => {
    // Prepare
    const content = { kind: 'fax', text: 'T' } as unknown as MessageContent;
    // Act
    const error = renderError(content);
    // Assess
    expect(error.path).toEqual(['kind']);
  });
});
