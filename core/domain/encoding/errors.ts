import { DomainError } from '#core/domain/errors.ts';
import type { Encoding } from './types.ts';

const ALPHABET_NAMES: Record<Encoding, string> = {
  gsm7: 'the GSM 03.38 alphabet',
  latin1: 'ISO-8859-1',
  ucs2: 'UCS-2',
};

function formatCodePoint(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

export class UnencodableTextError extends DomainError {
  readonly code = 'unencodable_text';
  /** The whole offending character: a surrogate pair (emoji) is one character here. */
  readonly character: string;
  /** 0-based UTF-16 index into the text, as String.prototype indexes it. */
  readonly index: number;
  readonly encoding: Encoding;

  constructor(
    text: string,
    index: number,
    encoding: Encoding,
    path: readonly (string | number)[] = ['text'],
  ) {
    const codePoint = text.codePointAt(index) ?? 0;
    const character = String.fromCodePoint(codePoint);
    // JSON.stringify keeps letters as they are but makes control characters visible (e.g. "\t").
    super(
      `Text cannot be encoded as ${encoding}: character ${JSON.stringify(character)} ` +
        `(${formatCodePoint(codePoint)}) at index ${index} is not in ${ALPHABET_NAMES[encoding]}`,
      path,
    );
    this.character = character;
    this.index = index;
    this.encoding = encoding;
  }
}

export class TooManyPartsError extends DomainError {
  readonly code = 'too_many_parts';
  readonly parts: number;
  readonly maxParts: number;

  constructor(parts: number, maxParts: number, path: readonly (string | number)[] = ['text']) {
    super(`Text needs ${parts} parts, more than the maximum of ${maxParts}`, path);
    this.parts = parts;
    this.maxParts = maxParts;
  }
}

export class EmptyTextError extends DomainError {
  readonly code = 'empty_text';

  constructor(path: readonly (string | number)[] = ['text']) {
    super('Text is empty: a message needs at least one character', path);
  }
}

export class EncodingUnavailableError extends DomainError {
  readonly code = 'encoding_unavailable';
  readonly encoding: Encoding;

  constructor(encoding: Encoding, path: readonly (string | number)[] = ['encoding']) {
    super(
      `Encoding ${encoding} is unavailable in ISO mode (system_type ISO): data_coding 0 then means ` +
        'ISO-8859-1, so GSM 7-bit cannot be expressed; use latin1, ucs2 or auto',
      path,
    );
    this.encoding = encoding;
  }
}

/** A short_message whose UDH does not fit in it. */
export class MalformedUdhError extends DomainError {
  readonly code = 'malformed_udh';

  constructor(detail: string) {
    super(`Malformed user data header: ${detail}`, ['short_message']);
  }
}
