// The SMSC's message id is written by SUBMIT_SM_RESP and read back from receipts, and the two do not
// always spell it the same way: case, zero padding, and some SMSCs give receipted_message_id in hex
// where SUBMIT_SM_RESP gave decimal. Both sides are normalised with this one function before they
// are stored or compared.
const DECIMAL = /^[0-9]+$/;
const HEX = /^[0-9a-f]+$/;

export function normaliseSmscId(id: string): string {
  const value = id.trim().toLowerCase();
  if (DECIMAL.test(value)) return value.replace(/^0+(?=.)/, '');
  // Ambiguous by nature: an all-digit hex id (e.g. "1234" meaning 4660) cannot be told from decimal
  // and stays as written, so only ids that show a hex letter are converted.
  if (HEX.test(value)) return BigInt(`0x${value}`).toString(10);
  return value;
}
