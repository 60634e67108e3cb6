import type { z } from 'zod';

// Which characters a free-text field (text, subject, comment, clientRef, ...) may hold. Every field of
// a request travels in an SQS body and most of it in a SUBMIT_SM, so a character is refused when:
// - it is a control character no SMS carries. GSM 03.38 has LF and CR in its basic table and FF
//   (page break) in its extension table; TAB is not GSM but UCS-2 carries it and handsets show it as
//   space, so these four are kept. NUL, BEL, ESC (a raw ESC would corrupt the GSM escape mechanism),
//   the other C0 controls, DEL and the C1 controls (U+0080-U+009F, control codes in ISO-8859-1 too)
//   are refused;
// - it is half of a surrogate pair: UCS-2 would send garbage and UTF-8 cannot store it;
// - it is a Unicode noncharacter (U+FDD0-U+FDEF, U+xxFFFE, U+xxFFFF): never meant for interchange,
//   and AWS SQS refuses U+FFFE and U+FFFF, so such a message could be stored but never queued.
// Everything else, emoji included, is allowed; whether the chosen encoding can carry it is
// prepareMessage's question.

const KEPT_CONTROLS: ReadonlySet<number> = new Set([0x09, 0x0a, 0x0c, 0x0d]);

export interface DisallowedCharacter {
  /** 0-based UTF-16 index, as String.prototype indexes it. */
  index: number;
  codePoint: number;
  kind: 'a control character' | 'a lone surrogate' | 'a Unicode noncharacter';
}

export function firstDisallowedCharacter(value: string): DisallowedCharacter | undefined {
  for (let index = 0; index < value.length; index++) {
    const unit = value.charCodeAt(index);
    // Printable ASCII, the common case, in one comparison.
    if (unit >= 0x20 && unit < 0x7f) continue;
    if (unit < 0x20 || (unit >= 0x7f && unit <= 0x9f)) {
      if (!KEPT_CONTROLS.has(unit)) return { index, codePoint: unit, kind: 'a control character' };
      continue;
    }
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = value.charCodeAt(index + 1);
      if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const codePoint = value.codePointAt(index) ?? unit;
        if (isNoncharacter(codePoint)) return { index, codePoint, kind: 'a Unicode noncharacter' };
        index++;
        continue;
      }
      return { index, codePoint: unit, kind: 'a lone surrogate' };
    }
    if (isNoncharacter(unit)) return { index, codePoint: unit, kind: 'a Unicode noncharacter' };
  }
  return undefined;
}

function isNoncharacter(codePoint: number): boolean {
  return (codePoint >= 0xfdd0 && codePoint <= 0xfdef) || (codePoint & 0xfffe) === 0xfffe;
}

/** A zod refinement for a free-text field: one `invalid_character` issue naming the first offender. */
export function checkCharacters(value: string, ctx: z.RefinementCtx): void {
  const found = firstDisallowedCharacter(value);
  if (!found) return;
  const codePoint = `U+${found.codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  ctx.addIssue({
    code: 'custom',
    message: `character ${codePoint} at index ${found.index} is not allowed (${found.kind})`,
    params: { code: 'invalid_character' },
  });
}
