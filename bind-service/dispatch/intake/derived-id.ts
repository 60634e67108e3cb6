// A message published straight to SQS by another AWS service carries no id, yet SQS may deliver it
// more than once. Its id is therefore derived from what every delivery of that SQS message shares:
// its MessageId (hashed into the 80 random bits of a ULID) and its SentTimestamp (the ULID's time),
// so a redelivery computes the same id, hits the conditional create, and cannot make a second record.
import { createHash } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MAX_TIME = 2 ** 48 - 1;

function base32(value: bigint, chars: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < chars; i++) {
    out = ALPHABET[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out;
}

/** A ULID-shaped message id, the same for every delivery of one SQS message. */
export function deriveMessageId(sqsMessageId: string, sentTimestampMs: number): string {
  const time =
    Number.isInteger(sentTimestampMs) && sentTimestampMs >= 0 ? Math.min(sentTimestampMs, MAX_TIME) : 0;
  const digest = createHash('sha256').update(`sqs:${sqsMessageId}`).digest();
  const random = BigInt(`0x${digest.subarray(0, 10).toString('hex')}`);
  return base32(BigInt(time), 10) + base32(random, 16);
}
