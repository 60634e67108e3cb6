import { DomainError } from '#core/domain/errors.ts';

// The provider sends every kind of message through SUBMIT_SM; all kinds but sms/flash are told
// apart by a text marker at the start of short_message. The markers below are the provider's,
// verbatim.
export const MESSAGE_KINDS = [
  'sms',
  'flash',
  'mail',
  'call',
  'viber',
  'soc',
  'tgm',
  'bot',
  'hlr',
  'ping',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Kinds whose SUBMIT_SM is a bare marker (__HLR__, __PING__): every other kind needs a text. */
export const KINDS_WITHOUT_TEXT: readonly MessageKind[] = ['hlr', 'ping'];

export const CALL_VOICES = ['m', 'm2', 'm3', 'm4', 'w', 'w2', 'w3', 'w4'] as const;
export const DEFAULT_CALL_VOICE = 'm3';

// Everything after the first "\n~~~\n" is a comment for the sender's history: never sent, never
// billed.
export const COMMENT_SEPARATOR = '\n~~~\n';

export interface MessageContent {
  kind: MessageKind;
  /** The caller's text; absent for hlr and ping, which carry none. */
  text?: string;
  subject?: string;
  voice?: string;
  bot?: string;
  comment?: string;
}

export interface RenderedMessage {
  /** Exactly what goes into SUBMIT_SM's text, markers and comment included. */
  text: string;
  /** Flash is a data_coding message class, so it does not show in the text. */
  flash: boolean;
}

type Field = 'text' | 'subject' | 'voice' | 'bot' | 'comment';

export class InvalidMessageContentError extends DomainError {
  readonly code = 'invalid_message_content';

  constructor(message: string, field: Field | 'kind') {
    super(message, [field]);
  }
}

interface KindRule {
  /** Fields other than `text` this kind accepts; any other one given is a mistake by the caller. */
  readonly fields: readonly Field[];
  readonly text: 'required' | 'code' | 'absent';
  readonly render: (content: MessageContent, text: string) => string;
  /** The line after the text the provider reads a field from ("\nsubj:"): never in the text too. */
  readonly fieldLine?: string;
}

const FREE_TEXT: readonly Field[] = ['comment'];

// Comments are refused on tgm/hlr/ping: the provider checks those bodies exactly (a digits-only
// code, a bare marker), and a trailing "\n~~~\n..." would risk the request being rejected or
// turned into a plain SMS.
const RULES: Readonly<Record<MessageKind, KindRule>> = {
  sms: { fields: FREE_TEXT, text: 'required', render: (_, text) => text },
  flash: { fields: FREE_TEXT, text: 'required', render: (_, text) => text },
  mail: {
    fields: ['subject', 'comment'],
    text: 'required',
    render: (content, text) => `__MAIL__: ${text}\nsubj:${checkSubject(content.subject)}`,
    fieldLine: '\nsubj:',
  },
  // For calls the provider reads call parameters ("param") after "\n~~~\n", so the comment slot is
  // where a caller puts them: `comment` is sent verbatim after the separator.
  call: {
    fields: ['voice', 'comment'],
    text: 'required',
    render: (content, text) => `__CALL__: ${text}\nvoice:${checkVoice(content.voice)}`,
    fieldLine: '\nvoice:',
  },
  viber: { fields: FREE_TEXT, text: 'required', render: (_, text) => `__VIBER__: ${text}` },
  soc: { fields: FREE_TEXT, text: 'required', render: (_, text) => `__SOC__: ${text}` },
  tgm: { fields: [], text: 'code', render: (_, text) => `__TGM__: ${text}` },
  bot: {
    fields: ['bot', 'comment'],
    text: 'required',
    render: (content, text) => `__BOT__: ${text}\nbot:@${checkBotName(content.bot)}`,
    fieldLine: '\nbot:',
  },
  hlr: { fields: [], text: 'absent', render: () => '__HLR__' },
  ping: { fields: [], text: 'absent', render: () => '__PING__' },
};

const OPTIONAL_FIELDS: readonly Field[] = ['subject', 'voice', 'bot', 'comment'];
/**
 * The provider tells a kind by its marker alone, so an sms or flash text starting with one would go
 * as that kind (a call, an HLR request, a 3-digit Telegram code), past its rules, recorded as an
 * sms. Refused whatever the case or leading blanks: whether the provider ignores them is not
 * documented.
 */
const MARKED_KINDS = MESSAGE_KINDS.filter((kind) => kind !== 'sms' && kind !== 'flash');
// Each marked kind's marker is its name in capitals between double underscores (RULES below).
const KIND_MARKER_AT_START = new RegExp(`^\\s*(__(?:${MARKED_KINDS.join('|')})__)`, 'i');
const VOICE_PATTERN = new RegExp(`^(?:${CALL_VOICES.join('|')})(?:,[a-z]{2})?$`);
const TELEGRAM_CODE_PATTERN = /^[0-9]{4,8}$/;
// Telegram usernames: 5-32 characters of [A-Za-z0-9_], starting with a letter; a bot's ends in
// "bot".
const TELEGRAM_BOT_PATTERN = /^[A-Za-z][A-Za-z0-9_]{1,28}bot$/i;

export function renderMessage(content: MessageContent): RenderedMessage {
  const rule = RULES[content.kind];
  if (!rule) throw new InvalidMessageContentError(`Unknown message kind "${String(content.kind)}"`, 'kind');
  for (const field of OPTIONAL_FIELDS) {
    if (content[field] !== undefined && !rule.fields.includes(field)) {
      throw new InvalidMessageContentError(`"${field}" does not apply to a ${content.kind} message`, field);
    }
  }
  const text = checkText(content.kind, rule.text, content.text);
  // Which of two such lines the provider reads is not documented: refused, in any letter case.
  if (rule.fieldLine && text.toLowerCase().includes(rule.fieldLine)) {
    throw new InvalidMessageContentError(
      `A ${content.kind} text must not contain a line starting "${rule.fieldLine.slice(1)}": the provider reads that line after the text`,
      'text',
    );
  }
  const body = rule.render(content, text);
  return { text: appendComment(body, content.comment), flash: content.kind === 'flash' };
}

function checkText(kind: MessageKind, expectation: KindRule['text'], text: string | undefined): string {
  const given = text ?? '';
  if (expectation === 'absent') {
    if (given.trim() !== '')
      throw new InvalidMessageContentError(`A ${kind} message carries no text`, 'text');
    return '';
  }
  if (expectation === 'code') {
    if (!TELEGRAM_CODE_PATTERN.test(given)) {
      throw new InvalidMessageContentError('A Telegram code is 4 to 8 digits (0-9) only', 'text');
    }
    return given;
  }
  if (given.trim() === '') throw new InvalidMessageContentError(`A ${kind} message needs a text`, 'text');
  const marker = kind === 'sms' || kind === 'flash' ? KIND_MARKER_AT_START.exec(given)?.[1] : undefined;
  if (marker !== undefined) {
    throw new InvalidMessageContentError(
      `${kind === 'sms' ? 'An SMS' : 'A flash'} text must not start with "${marker}": the provider reads it as another kind of message; send that kind instead`,
      'text',
    );
  }
  if (given.includes(COMMENT_SEPARATOR)) {
    throw new InvalidMessageContentError(
      'The text must not contain "\\n~~~\\n": it starts a comment',
      'text',
    );
  }
  return given;
}

function checkSubject(subject: string | undefined): string {
  if (subject === undefined || subject.trim() === '') {
    throw new InvalidMessageContentError('An e-mail message needs a subject', 'subject');
  }
  if (/[\r\n]/.test(subject)) throw new InvalidMessageContentError('The subject must be one line', 'subject');
  return subject;
}

function checkVoice(voice: string | undefined): string {
  if (voice === undefined) return DEFAULT_CALL_VOICE;
  if (!VOICE_PATTERN.test(voice)) {
    throw new InvalidMessageContentError(
      `The voice must be one of ${CALL_VOICES.join(', ')}, optionally with a language such as "w,fr"`,
      'voice',
    );
  }
  return voice;
}

function checkBotName(bot: string | undefined): string {
  const name = bot?.startsWith('@') ? bot.slice(1) : bot;
  if (name === undefined || !TELEGRAM_BOT_PATTERN.test(name)) {
    throw new InvalidMessageContentError(
      'The bot must be a Telegram bot username: 5-32 letters, digits or "_", starting with a letter, ending in "bot"',
      'bot',
    );
  }
  return name;
}

function appendComment(body: string, comment: string | undefined): string {
  if (comment === undefined || comment === '') {
    // Checked on the whole body: a text ending in "\n~~~" followed by "\nsubj:..." forms the
    // separator.
    if (body.includes(COMMENT_SEPARATOR)) throw separatorInText();
    return body;
  }
  if (comment.includes(COMMENT_SEPARATOR)) {
    throw new InvalidMessageContentError('The comment must not contain "\\n~~~\\n"', 'comment');
  }
  const rendered = `${body}${COMMENT_SEPARATOR}${comment}`;
  // The provider cuts at the first separator; it must be ours, or part of the text becomes comment.
  if (rendered.indexOf(COMMENT_SEPARATOR) !== body.length) throw separatorInText();
  return rendered;
}

function separatorInText(): InvalidMessageContentError {
  return new InvalidMessageContentError('The text must not form "\\n~~~\\n" with what follows it', 'text');
}
