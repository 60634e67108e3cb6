// What the provider reads from a message's text: the kind marker at its start and the sender's
// comment after `\n~~~\n`, which is kept for the history and never sent to the subscriber.
import type { MessageKind } from '../types.ts';

const COMMENT_SEPARATOR = '\n~~~\n';

const MARKERS: ReadonlyArray<readonly [string, MessageKind]> = [
  ['__MAIL__: ', 'mail'],
  ['__CALL__: ', 'call'],
  ['__VIBER__: ', 'viber'],
  ['__SOC__: ', 'soc'],
  ['__TGM__: ', 'tgm'],
  ['__BOT__: ', 'bot'],
  ['__HLR__', 'hlr'],
  ['__PING__', 'ping'],
];

/** Message type in bits 0-3 of the provider's flags TLV (0x2001). */
const FLAG_TYPE: Record<MessageKind, number> = {
  sms: 0,
  flash: 1,
  hlr: 4,
  ping: 5,
  call: 7,
  mail: 8,
  viber: 10,
  soc: 12,
  tgm: 0,
  bot: 0,
};

export interface ClassifiedText {
  kind: MessageKind;
  text: string;
  comment?: string;
}

export function classifyText(fullText: string, flash: boolean): ClassifiedText {
  const at = fullText.indexOf(COMMENT_SEPARATOR);
  const text = at === -1 ? fullText : fullText.slice(0, at);
  const comment = at === -1 ? undefined : fullText.slice(at + COMMENT_SEPARATOR.length);
  let kind: MessageKind = flash ? 'flash' : 'sms';
  if (text.startsWith('__')) {
    for (const [marker, markerKind] of MARKERS) {
      if (text.startsWith(marker)) {
        kind = markerKind;
        break;
      }
    }
  }
  return comment === undefined ? { kind, text } : { kind, text, comment };
}

/** Doc l. 146: "Only numeric codes with a length from 4 to 8 digits are accepted for sending." */
const TELEGRAM_CODE = /^__TGM__: [0-9]{4,8}$/;

/**
 * False for a Telegram request whose code the provider would not accept; true for anything else.
 * Most texts are not one: they are not classified here (MessageBook classifies every message once).
 */
export function acceptableCode(text: string): boolean {
  if (!text.startsWith('__TGM__')) return true;
  const classified = classifyText(text, false);
  return classified.kind !== 'tgm' || TELEGRAM_CODE.test(classified.text);
}

export function kindFlags(kind: MessageKind): number {
  return FLAG_TYPE[kind];
}

/** Flash = message class 0, in either the general coding group (bit 4 set) or the 0xF0 group. */
export function isFlash(dataCoding: number): boolean {
  return (dataCoding & 0xd3) === 0x10 || (dataCoding & 0xf3) === 0xf0;
}
