// HLR answers carry names url-encoded the PHP way ("+" for space), in UTF-8 or in a Cyrillic code
// page: the provider's own example is windows-1251. Percent-escapes are turned into bytes, read as
// UTF-8 when they are valid UTF-8, else as windows-1251, so "%CC%D2%D1" reads "МТС" instead of
// staying percent-encoded. A "%" not followed by two hex digits is kept as it is.

// windows-1251 0x80-0xBF (0x98 is unassigned; WHATWG maps it to U+0098); 0xC0-0xFF is U+0410-U+044F.
// biome-ignore format: one row of the code page per line
const CP1251_HIGH: readonly number[] = [
  0x0402, 0x0403, 0x201a, 0x0453, 0x201e, 0x2026, 0x2020, 0x2021, 0x20ac, 0x2030, 0x0409, 0x2039, 0x040a, 0x040c, 0x040b, 0x040f,
  0x0452, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x0098, 0x2122, 0x0459, 0x203a, 0x045a, 0x045c, 0x045b, 0x045f,
  0x00a0, 0x040e, 0x045e, 0x0408, 0x00a4, 0x0490, 0x00a6, 0x00a7, 0x0401, 0x00a9, 0x0404, 0x00ab, 0x00ac, 0x00ad, 0x00ae, 0x0407,
  0x00b0, 0x00b1, 0x0406, 0x0456, 0x0491, 0x00b5, 0x00b6, 0x00b7, 0x0451, 0x2116, 0x0454, 0x00bb, 0x0458, 0x0405, 0x0455, 0x0457,
];

/** windows-1251 bytes as text; a table rather than TextDecoder, which small-ICU Node builds lack. */
export function decodeCp1251(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) {
    if (byte < 0x80) text += String.fromCharCode(byte);
    else if (byte < 0xc0) text += String.fromCharCode(CP1251_HIGH[byte - 0x80]!);
    else text += String.fromCharCode(0x0410 + byte - 0xc0);
  }
  return text;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** PHP urldecode: "+" is a space, "%XX" a byte; the bytes are UTF-8 or, failing that, windows-1251. */
export function decodeUrlEncoded(value: string): string {
  const spaced = value.replace(/\+/g, ' ');
  if (!spaced.includes('%')) return spaced;
  const bytes: number[] = [];
  for (let i = 0; i < spaced.length; i++) {
    const hex = spaced.slice(i + 1, i + 3);
    if (spaced[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(spaced[i]!, 'utf8'));
    }
  }
  const buffer = Uint8Array.from(bytes);
  try {
    return utf8.decode(buffer);
  } catch {
    return decodeCp1251(buffer);
  }
}
