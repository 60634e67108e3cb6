import type { Encoding } from '#core/domain/encoding/index.ts';
import { DomainError } from '#core/domain/errors.ts';

// The provider strips the comment (after "\n~~~\n") before sending and does not bill it, so the
// encoding is chosen on the text alone and the comment must travel in that same encoding.

export class UnencodableCommentError extends DomainError {
  readonly code = 'unencodable_comment';
  readonly character: string;
  /** 0-based UTF-16 index into the comment. */
  readonly index: number;
  readonly encoding: Encoding;

  constructor(comment: string, index: number, encoding: Encoding) {
    const character = String.fromCodePoint(comment.codePointAt(index) ?? 0);
    super(
      `The comment travels in the text's encoding (${encoding}), which cannot carry character ` +
        `${JSON.stringify(character)} at index ${index} of the comment; write the comment in characters ` +
        'the text uses, or force "encoding": "ucs2" (billed as UCS-2)',
      ['comment'],
    );
    this.character = character;
    this.index = index;
    this.encoding = encoding;
  }
}

export class CommentTooLongError extends DomainError {
  readonly code = 'comment_too_long';

  constructor(wireParts: number, maxWireParts: number) {
    super(
      `Text and comment together need ${wireParts} SUBMIT_SM parts, more than the ${maxWireParts} ` +
        'a concatenated message can have; shorten the comment',
      ['comment'],
    );
  }
}
