import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { awsWords, callRefusal, type EntryOutcome } from '#core/aws/refusal.ts';
import type { MessageStatusChanged } from '#core/domain/events/message-status-changed.ts';
import { MESSAGE_STATUSES } from '#core/domain/messages/message-state.ts';

// One callback to make: the body of a message on the callback queue. The stream handler writes it,
// the callback worker reads it; the event is posted exactly as it was published to EventBridge.

export interface CallbackJob {
  callbackUrl: string;
  event: MessageStatusChanged;
}

/** One outcome per job, in order: anything but true means the job was not taken and its stream record must be retried. */
export type CallbackEnqueuer = (jobs: readonly CallbackJob[]) => Promise<EntryOutcome[]>;

/**
 * The job as a queue message body. SQS refuses a body holding U+FFFE or U+FFFF, which JSON leaves
 * as they are (it escapes control characters and lone surrogates itself); an event can carry them
 * from a provider's receipt (an HLR network name is URL-decoded). Escaped, they parse back the same.
 */
export function encodeCallbackJob(job: CallbackJob): string {
  return JSON.stringify({ callbackUrl: job.callbackUrl, event: job.event }).replace(
    /[\uFFFE\uFFFF]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16)}`,
  );
}

/** The job in a queue message body, or undefined when the body is not one (it never will be). */
export function parseCallbackJob(body: string): CallbackJob | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { callbackUrl, event } = parsed as { callbackUrl?: unknown; event?: unknown };
  if (typeof callbackUrl !== 'string' || typeof event !== 'object' || event === null) return undefined;
  const { id, status, at } = event as Partial<Record<keyof MessageStatusChanged, unknown>>;
  if (typeof id !== 'string' || typeof at !== 'string') return undefined;
  if (!(MESSAGE_STATUSES as readonly unknown[]).includes(status)) return undefined;
  return { callbackUrl, event: event as MessageStatusChanged };
}

/** SendMessageBatch takes at most 10 entries per call. */
const SEND_BATCH_MAX_ENTRIES = 10;

export function sqsCallbackEnqueuer(client: SQSClient, queueUrl: string): CallbackEnqueuer {
  return async (jobs) => {
    const taken: EntryOutcome[] = [];
    for (let start = 0; start < jobs.length; start += SEND_BATCH_MAX_ENTRIES) {
      const chunk = jobs.slice(start, start + SEND_BATCH_MAX_ENTRIES);
      taken.push(...(await sendChunk(client, queueUrl, chunk)));
    }
    return taken;
  };
}

async function sendChunk(
  client: SQSClient,
  queueUrl: string,
  jobs: readonly CallbackJob[],
): Promise<EntryOutcome[]> {
  try {
    const { Successful = [], Failed = [] } = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: jobs.map((job, index) => ({ Id: String(index), MessageBody: encodeCallbackJob(job) })),
      }),
    );
    const ok = new Set(Successful.map((entry) => entry.Id));
    const failed = new Map(Failed.map((entry) => [entry.Id, entry]));
    return jobs.map((_, index): EntryOutcome => {
      if (ok.has(String(index))) return true;
      const refusal = failed.get(String(index));
      if (refusal === undefined) {
        return { errorCode: 'NoResultEntry', reason: 'SendMessageBatch answered nothing for the entry' };
      }
      return {
        errorCode: refusal.Code ?? 'Unknown',
        reason: awsWords(refusal.Message),
        ...(refusal.SenderFault === undefined ? {} : { senderFault: refusal.SenderFault }),
      };
    });
  } catch (error) {
    // The whole call failed after the SDK's own retries: the stream retries these records.
    const refusal = callRefusal(error);
    return jobs.map(() => refusal);
  }
}
