import { setTimeout as delay } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { parseCallbackJob } from '#core/aws/queues/callback-job.ts';
import type { MessageStatus } from '#core/domain/messages/message-state.ts';
import { MAX_BATCH_ENTRIES, sendBatches } from './batches.ts';
import {
  confirmAsNew,
  type DeadLetter,
  type EntryPlan,
  type HoldReason,
  planEntry,
  recordOf,
} from './entry-plan.ts';
import type { RecordReader } from './records.ts';

// Moving dead letters back to their source queue, each deleted from the DLQ only after SQS took its
// copy. A crash between the two leaves a message on both queues: every copy carries an id (its own,
// or one pinned by entry-plan.ts) and the consumer claims a message once by its id, so the copy is
// not sent twice. A delete SQS refuses is retried and, failing that, reported as on both queues.
// Before moving, each entry's record is read (entry-plan.ts): one the consumer would drop unsent, or
// could send twice, stays on the DLQ and is reported. A copy SQS refuses, or a call that fails
// whole, stops the run: the message stays on the DLQ, and what was moved before is still reported
// (a refusal is a failure of the run, not of its command line).

export interface RedriveOptions {
  /** At most this many entries are handled (moved, held or refused). */
  max: number;
  records: RecordReader;
  /** Move entries rejected before they were sent as new messages (as-new.ts). */
  asNew: boolean;
}

export interface HeldEntry {
  /** The DLQ entry's SQS MessageId. */
  messageId: string;
  /** The message record it names. */
  id: string;
  why: HoldReason;
  status?: MessageStatus;
  detail?: string;
  newId?: string;
}

export interface RedriveOutcome {
  /** Copied to the source queue and deleted from the DLQ. */
  moved: number;
  /** Of those, the ones moved as new messages: the rejected record's id and the new message's. */
  movedAsNew: { from: string; id: string }[];
  /** Left on the DLQ, not copied: their record says a redrive would not send them, or not once. */
  held: HeldEntry[];
  /** Copied to the source queue but still on the DLQ: SQS refused their delete, retries included. */
  stillOnDlq: { messageId: string; reason: string }[];
  /**
   * Not copied: SQS refused their SendMessageBatch entries (or the whole call), and the run stopped
   * there. They are still on the DLQ, visible again once the receive's visibility timeout ends.
   */
  notSent: { messageId: string; reason: string }[];
  /** Set when the run stopped because SQS did not answer a ReceiveMessage. */
  stopped?: string;
}

/** Delete attempts for a copied message (the first included), this long apart and doubling. */
const DELETE_ATTEMPTS = 3;
const DELETE_RETRY_MS = 200;
/** How long a received entry stays hidden: held ones are shown again when the run ends. */
const RECEIVE_VISIBILITY_SECONDS = 60;

const reasonOf = (error: unknown) => (error instanceof Error ? error.name || error.message : String(error));

interface Copy {
  message: Message;
  entry: SendMessageBatchRequestEntry;
  asNew?: { from: string; id: string };
}

/**
 * Moves up to `options.max` messages from the DLQ back to `target`, with the body entry-plan.ts gives
 * each copy and its attributes but `messageId`. A message the consumer dead-letters again at once
 * comes back while this runs: `max` is what keeps such a message from going round for ever.
 */
export async function redrive(
  sqs: SQSClient,
  dlqUrl: string,
  targetUrl: string,
  options: RedriveOptions,
): Promise<RedriveOutcome> {
  const outcome: RedriveOutcome = { moved: 0, movedAsNew: [], held: [], stillOnDlq: [], notSent: [] };
  // Held entries by MessageId, with their latest receipt handle: one received again (a run longer
  // than the visibility timeout) is reported once.
  const held = new Map<string, Message>();
  let handled = 0;
  while (handled < options.max) {
    let messages: Message[];
    try {
      const answer = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: dlqUrl,
          MaxNumberOfMessages: Math.min(MAX_BATCH_ENTRIES, options.max - handled),
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
          // What the bind-service derived the id of a message without one from (entry-plan.ts).
          MessageSystemAttributeNames: ['SentTimestamp', 'SenderId'],
          VisibilityTimeout: RECEIVE_VISIBILITY_SECONDS,
        }),
      );
      messages = answer.Messages ?? [];
    } catch (error) {
      outcome.stopped = reasonOf(error);
      break;
    }
    if (messages.length === 0) break;
    handled += messages.length;
    const copies: Copy[] = [];
    const plans = await Promise.all(messages.map((message) => planFor(message, options)));
    messages.forEach((message, index) => {
      const plan = plans[index] as EntryPlan;
      const messageId = message.MessageId ?? '?';
      if (plan.action === 'move') {
        copies.push({
          message,
          entry: copyEntry(copies.length, message, plan),
          ...(plan.asNew ? { asNew: plan.asNew } : {}),
        });
        return;
      }
      if (!held.has(messageId)) {
        const { action: _action, ...facts } = plan;
        outcome.held.push({ messageId, ...facts });
      }
      held.set(messageId, message);
    });
    const { taken, refused } = await copyAll(sqs, targetUrl, copies);
    const undeleted = await deleteAll(
      sqs,
      dlqUrl,
      taken.map((copy) => copy.message),
    );
    const stuck = new Set(undeleted.map((entry) => entry.message));
    outcome.moved += taken.length - undeleted.length;
    outcome.movedAsNew.push(
      ...taken.flatMap((copy) => (copy.asNew && !stuck.has(copy.message) ? [copy.asNew] : [])),
    );
    outcome.stillOnDlq.push(
      ...undeleted.map(({ message, reason }) => ({ messageId: message.MessageId ?? '?', reason })),
    );
    if (refused.length > 0) {
      // SQS refusing copies now (throttling, an internal error) likely refuses the next ones too.
      outcome.notSent = refused.map(({ copy, reason }) => ({
        messageId: copy.message.MessageId ?? '?',
        reason,
      }));
      break;
    }
  }
  await release(sqs, dlqUrl, [...held.values()]);
  return outcome;
}

async function planFor(message: Message, options: RedriveOptions): Promise<EntryPlan> {
  // A status callback job (the callbacks DLQ) names no message of its own to look up: it goes back
  // as it is, and its receiver may get that event twice, as callbacks promise (docs/events.md).
  if (parseCallbackJob(message.Body ?? '') !== undefined) return { action: 'move', body: message.Body ?? '' };
  const sentTimestampMs = Number(message.Attributes?.SentTimestamp);
  const senderId = message.Attributes?.SenderId;
  const entry: DeadLetter = {
    body: message.Body ?? '',
    ...attributeText(message, 'messageId', 'messageId'),
    ...(message.MessageId ? { sqsMessageId: message.MessageId } : {}),
    ...(Number.isFinite(sentTimestampMs) ? { sentTimestampMs } : {}),
    ...(senderId ? { senderId } : {}),
    ...attributeText(message, 'errorCode', 'errorCode'),
    ...attributeText(message, 'errorDescription', 'errorDescription'),
    // The queue message the bind-service dead-lettered (the entry's own MessageId is the DLQ's).
    ...attributeText(message, 'sqsMessageId', 'sourceSqsMessageId'),
  };
  const named = recordOf(entry);
  const plan = planEntry(
    entry,
    named === undefined ? undefined : await options.records(named.id),
    options.asNew,
  );
  return plan.action === 'move' && plan.asNew
    ? confirmAsNew(plan, await options.records(plan.asNew.id))
    : plan;
}

/** A string attribute the bind-service set on the dead letter, as the entry's `field`; none when absent. */
function attributeText(
  message: Message,
  attribute: string,
  field: 'messageId' | 'errorCode' | 'errorDescription' | 'sourceSqsMessageId',
): Partial<DeadLetter> {
  const value = message.MessageAttributes?.[attribute]?.StringValue;
  return value ? { [field]: value } : {};
}

function copyEntry(index: number, message: Message, plan: Extract<EntryPlan, { action: 'move' }>) {
  const attributes: Record<string, MessageAttributeValue> = { ...message.MessageAttributes };
  // It names the record the entry was dead-lettered for; the copy goes by its body's id, and should
  // SQS move the copy here again, the next redrive must look that one up, not the old record.
  delete attributes.messageId;
  // Likewise the refusal they describe: the copy is judged by its own, should it come back.
  delete attributes.errorCode;
  delete attributes.errorDescription;
  return {
    Id: String(index),
    MessageBody: plan.body,
    ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
  };
}

/** Sends every copy, in batches SQS takes; a batch that fails whole has each of its entries refused. */
async function copyAll(
  sqs: SQSClient,
  targetUrl: string,
  copies: Copy[],
): Promise<{ taken: Copy[]; refused: { copy: Copy; reason: string }[] }> {
  const byId = new Map(copies.map((copy) => [copy.entry.Id, copy]));
  const taken: Copy[] = [];
  const refused: { copy: Copy; reason: string }[] = [];
  for (const batch of sendBatches(copies.map((copy) => copy.entry))) {
    const batchCopies = batch.map((entry) => byId.get(entry.Id) as Copy);
    try {
      const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: targetUrl, Entries: batch }));
      const ok = new Set((sent.Successful ?? []).map((entry) => entry.Id));
      const failed = new Map(
        (sent.Failed ?? []).map((entry) => [entry.Id, entry.Code ?? entry.Message ?? 'failed']),
      );
      for (const copy of batchCopies) {
        if (ok.has(copy.entry.Id)) taken.push(copy);
        else refused.push({ copy, reason: failed.get(copy.entry.Id) ?? 'no answer' });
      }
    } catch (error) {
      // Whether SQS kept any of them is unknown only after a lost answer; it answers an error for a
      // batch it refused whole, which is the likely case. Left on the DLQ either way: a copy it kept
      // of a message with an id is claimed once.
      const reason = reasonOf(error);
      for (const copy of batchCopies) refused.push({ copy, reason });
    }
  }
  return { taken, refused };
}

/** Deletes `messages` from the DLQ, retrying the entries SQS fails; answers those it never deleted. */
async function deleteAll(
  sqs: SQSClient,
  dlqUrl: string,
  messages: Message[],
): Promise<{ message: Message; reason: string }[]> {
  let pending = messages;
  let reasons = new Map<Message, string>();
  for (let attempt = 0; attempt < DELETE_ATTEMPTS && pending.length > 0; attempt++) {
    if (attempt > 0) await delay(DELETE_RETRY_MS * 2 ** (attempt - 1));
    let failed: Map<string | undefined, string>;
    try {
      const { Failed = [] } = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: dlqUrl,
          Entries: pending.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      );
      failed = new Map(Failed.map((entry) => [entry.Id, entry.Code ?? entry.Message ?? 'failed']));
    } catch (error) {
      // The whole call failed: every entry is tried again, as a failed one.
      const reason = reasonOf(error);
      failed = new Map(pending.map((_, index) => [String(index), reason]));
    }
    reasons = new Map();
    pending = pending.filter((message, index) => {
      const reason = failed.get(String(index));
      if (reason !== undefined) reasons.set(message, reason);
      return reason !== undefined;
    });
  }
  return pending.map((message) => ({ message, reason: reasons.get(message) ?? '' }));
}

/**
 * Shows held entries on the DLQ again at once, so the run that follows the report (`--as-new`, a
 * fix) finds them. Best effort: any not released shows again when its visibility timeout ends.
 */
async function release(sqs: SQSClient, dlqUrl: string, messages: Message[]): Promise<void> {
  for (let start = 0; start < messages.length; start += MAX_BATCH_ENTRIES) {
    const batch = messages.slice(start, start + MAX_BATCH_ENTRIES);
    await sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: dlqUrl,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      )
      .catch(() => undefined);
  }
}
