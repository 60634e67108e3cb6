// The SMSC's message id is written by SUBMIT_SM_RESP and read back from receipts, and the two need
// not spell it the same way: case, blanks and zero padding differ between SMSCs and between PDUs.
// Both sides are normalised with this one function, in the base the SMSC is configured to write
// (SMPP_MESSAGE_ID_BASE; the provider writes decimal both ways), before they are stored or compared.
// The base is never guessed per id: a guess reads an all-digit hex id as decimal, and that can equal
// the decimal value of another message's lettered hex id. Nothing is converted between bases, so two
// ids match only when they are the same number in that base (or the same text, for ids that are not
// numbers in it). The result is a fixed point: normalising it again changes nothing.
export const SMSC_ID_BASES = ['decimal', 'hex'] as const;
export type SmscIdBase = (typeof SMSC_ID_BASES)[number];

const NUMBER_IN: Readonly<Record<SmscIdBase, RegExp>> = {
  decimal: /^[0-9]+$/,
  hex: /^[0-9a-f]+$/,
};

/** Trimmed and lower case; a number in `base` also loses its leading zeros. '' stays '' (no id). */
export function normaliseSmscId(id: string, base: SmscIdBase = 'decimal'): string {
  const value = id.trim().toLowerCase();
  return NUMBER_IN[base].test(value) ? value.replace(/^0+(?=.)/, '') : value;
}
