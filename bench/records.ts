// CPU of the pure steps every message takes outside the AWS calls: the record a queue message makes
// (the API makes the same for every accepted message), the content a claim holds its record to, and
// a receipt's parse. A tenth of a millisecond here is 4 % of the bind-service's whole CPU per message
// (docs/benchmarks.md), so these are watched for the V8 pitfalls they fell into once (an object
// literal spreading an object and then adding properties: ~10 µs each). Figures: CPU µs per call.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseQueueMessage } from '#bind-service/dispatch/intake/queue-message.ts';
import { acceptedRecordOf, claimContentOf } from '#bind-service/dispatch/submit/accepted-record.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { parseDeliveryReceipt } from '#core/domain/receipts/receipt.ts';
import { gitCommit } from './provenance.ts';

const here = dirname(fileURLToPath(import.meta.url));
const WARM_UP = 50_000;
const CALLS = 300_000;

/** CPU µs per call (user + system, so garbage collection counts), after a warm-up. */
function cpuMicrosPerCall(step: () => unknown): number {
  for (let i = 0; i < WARM_UP; i++) step();
  const start = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) step();
  const used = process.cpuUsage(start);
  return Math.round(((used.user + used.system) / CALLS) * 100) / 100;
}

const id = newMessageId();
const body = JSON.stringify({
  v: 1,
  id,
  to: '+79991234567',
  text: 'Your code is 123456. Do not tell anyone.',
});
const parsed = parseQueueMessage(body, { isoMode: false, maxParts: 10 });
if (!parsed.ok) throw new Error('the benchmark body is invalid');
const held = { lane: 'bulk' as const, sentTimestampMs: Date.now() };
const receipt = {
  text: 'id:0A1B2C3D sub:001 dlvrd:001 submit date:2601011200 done date:2601011201 stat:DELIVRD err:000 text:Hi',
  messageState: 2,
};

const figures = {
  acceptedRecordMicros: cpuMicrosPerCall(() => acceptedRecordOf(id, parsed, held, new Date())),
  claimContentMicros: cpuMicrosPerCall(() => claimContentOf(id, parsed, held, new Date())),
  receiptParseMicros: cpuMicrosPerCall(() => parseDeliveryReceipt(receipt)),
  queueBodyParseMicros: cpuMicrosPerCall(() => parseQueueMessage(body, { isoMode: false, maxParts: 10 })),
};
console.log('CPU µs per call:');
console.table(figures);

const results = join(here, 'results');
mkdirSync(results, { recursive: true });
writeFileSync(
  join(results, 'records.json'),
  `${JSON.stringify({ commit: gitCommit(here), node: process.version, calls: CALLS, ...figures }, null, 2)}\n`,
);
