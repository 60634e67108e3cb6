// GSM 03.38 (3GPP TS 23.038 §6.2.1) default alphabet and its extension table, as Unicode code points,
// with the lookup structures built once at load. SMPP carries GSM unpacked, so a septet is one octet.

export const ESC = 0x1b;
const NONE = -1;

// Septet 0x00..0x7F → code point. 0x1B is the escape to the extension table, not a character.
// biome-ignore format: one row of the standard's table per line
const BASIC: readonly number[] = [
  // @     £       $       ¥       è       é       ù       ì       ò       Ç       LF      Ø       ø       CR      Å       å
  0x0040, 0x00a3, 0x0024, 0x00a5, 0x00e8, 0x00e9, 0x00f9, 0x00ec, 0x00f2, 0x00c7, 0x000a, 0x00d8, 0x00f8, 0x000d, 0x00c5, 0x00e5,
  // Δ     _       Φ       Γ       Λ       Ω       Π       Ψ       Σ       Θ       Ξ       ESC     Æ       æ       ß       É
  0x0394, 0x005f, 0x03a6, 0x0393, 0x039b, 0x03a9, 0x03a0, 0x03a8, 0x03a3, 0x0398, 0x039e, NONE,   0x00c6, 0x00e6, 0x00df, 0x00c9,
  // SP    !       "       #       ¤       %       &       '       (       )       *       +       ,       -       .       /
  0x0020, 0x0021, 0x0022, 0x0023, 0x00a4, 0x0025, 0x0026, 0x0027, 0x0028, 0x0029, 0x002a, 0x002b, 0x002c, 0x002d, 0x002e, 0x002f,
  // 0     1       2       3       4       5       6       7       8       9       :       ;       <       =       >       ?
  0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037, 0x0038, 0x0039, 0x003a, 0x003b, 0x003c, 0x003d, 0x003e, 0x003f,
  // ¡     A       B       C       D       E       F       G       H       I       J       K       L       M       N       O
  0x00a1, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047, 0x0048, 0x0049, 0x004a, 0x004b, 0x004c, 0x004d, 0x004e, 0x004f,
  // P     Q       R       S       T       U       V       W       X       Y       Z       Ä       Ö       Ñ       Ü       §
  0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057, 0x0058, 0x0059, 0x005a, 0x00c4, 0x00d6, 0x00d1, 0x00dc, 0x00a7,
  // ¿     a       b       c       d       e       f       g       h       i       j       k       l       m       n       o
  0x00bf, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067, 0x0068, 0x0069, 0x006a, 0x006b, 0x006c, 0x006d, 0x006e, 0x006f,
  // p     q       r       s       t       u       v       w       x       y       z       ä       ö       ñ       ü       à
  0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077, 0x0078, 0x0079, 0x007a, 0x00e4, 0x00f6, 0x00f1, 0x00fc, 0x00e0,
];

// ESC + septet → code point (TS 23.038 §6.2.1.1).
// biome-ignore format: septet, code point pairs
const EXTENSION: readonly (readonly [septet: number, codePoint: number])[] = [
  [0x0a, 0x000c], // FF
  [0x14, 0x005e], // ^
  [0x28, 0x007b], // {
  [0x29, 0x007d], // }
  [0x2f, 0x005c], // \
  [0x3c, 0x005b], // [
  [0x3d, 0x007e], // ~
  [0x3e, 0x005d], // ]
  [0x40, 0x007c], // |
  [0x65, 0x20ac], // €
];

/** Set in a GSM7_ENCODE value when the character lives in the extension table (ESC + low 7 bits). */
export const EXTENDED = 0x80;

/**
 * UTF-16 code unit → septet (0..0x7F), EXTENDED | septet for an extension character, or -1 when not in
 * the alphabet. A flat typed array indexed by code unit: one load per character, no hashing.
 */
export const GSM7_ENCODE: Int16Array = new Int16Array(0x10000).fill(NONE);
/** Septet → UTF-16 code unit; the ESC slot holds a space, shown only for a stray escape. */
export const GSM7_DECODE_BASIC: Uint16Array = new Uint16Array(128);
/** Septet after ESC → UTF-16 code unit, 0 when the extension table has no character there. */
export const GSM7_DECODE_EXTENSION: Uint16Array = new Uint16Array(128);

BASIC.forEach((codePoint, septet) => {
  if (codePoint === NONE) {
    GSM7_DECODE_BASIC[septet] = 0x20;
    return;
  }
  GSM7_ENCODE[codePoint] = septet;
  GSM7_DECODE_BASIC[septet] = codePoint;
});
for (const [septet, codePoint] of EXTENSION) {
  GSM7_ENCODE[codePoint] = EXTENDED | septet;
  GSM7_DECODE_EXTENSION[septet] = codePoint;
}
