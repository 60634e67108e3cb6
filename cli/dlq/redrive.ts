import { setTimeout as delay } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

// Moving dead letters back to their source queue, each deleted from the DLQ only after SQS took its
// copy. A crash between the two leaves a message on both queues: the consumer claims a message once
// by its id, so the copy is not sent twice; a message without an id would be sent twice, which is
// why a delete SQS refuses is retried and, failing that, reported rather than counted as moved.
// A copy SQS refuses stops the run: the message stays on the DLQ, and what was moved before is
// still reported (a refusal is a failure of the run, not of its command line).

export interface RedriveOutcome {
  /** Copied to the source queue and deleted from the DLQ. */
  moved: number;
  /** Copied to the source queue but still on the DLQ: SQS refused their delete, retries included. */
  stillOnDlq: { messageId: string; reason: string }[];
  /**
   * Not copied: SQS refused their SendMessageBatch entries, and the run stopped there. They are still
   * on the DLQ, visible again once the receive's visibility timeout ends.
   */
  notSent: { messageId: string; reason: string }[];
}

/** Delete attempts for a copied message (the first included), this long apart and doubling. */
const DELETE_ATTEMPTS = 3;
const DELETE_RETRY_MS = 200;

/**
 * Moves up to `max` messages from the DLQ back to `target`, body and attributes as they are. A
 * message the consumer dead-letters again at once comes back while this runs: `max` is what keeps
 * such a message from going round for ever.
 */
export async function redrive(
  sqs: SQSClient,
  dlqUrl: string,
  targetUrl: string,
  max: number,
): Promise<RedriveOutcome> {
  const outcome: RedriveOutcome = { moved: 0, stillOnDlq: [], notSent: [] };
  let handled = 0;
  while (handled < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: Math.min(10, max - handled),
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 60,
      }),
    );
    if (Messages.length === 0) return outcome;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: targetUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body ?? '',
          ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
        })),
      }),
    );
    const ok = new Set((sent.Successful ?? []).map((entry) => entry.Id));
    const refused = new Map(
      (sent.Failed ?? []).map((entry) => [entry.Id, entry.Code ?? entry.Message ?? 'failed']),
    );
    const taken = Messages.filter((_, index) => ok.has(String(index)));
    const undeleted = await deleteAll(sqs, dlqUrl, taken);
    outcome.moved += taken.length - undeleted.length;
    outcome.stillOnDlq.push(...undeleted);
    handled += taken.length;
    if (taken.length < Messages.length) {
      // SQS refusing copies now (throttling, an internal error) likely refuses the next ones too.
      outcome.notSent = Messages.flatMap((message, index) =>
        ok.has(String(index))
          ? []
          : [{ messageId: message.MessageId ?? '?', reason: refused.get(String(index)) ?? 'no answer' }],
      );
      return outcome;
    }
  }
  return outcome;
}

/** Deletes `messages` from the DLQ, retrying the entries SQS fails; answers those it never deleted. */
async function deleteAll(
  sqs: SQSClient,
  dlqUrl: string,
  messages: Message[],
): Promise<RedriveOutcome['stillOnDlq']> {
  let pending = messages;
  let reasons = new Map<Message, string>();
  for (let attempt = 0; attempt < DELETE_ATTEMPTS && pending.length > 0; attempt++) {
    if (attempt > 0) await delay(DELETE_RETRY_MS * 2 ** (attempt - 1));
    const { Failed = [] } = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: pending.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
    const failed = new Map(Failed.map((entry) => [entry.Id, entry.Code ?? entry.Message ?? 'failed']));
    reasons = new Map();
    pending = pending.filter((message, index) => {
      const reason = failed.get(String(index));
      if (reason !== undefined) reasons.set(message, reason);
      return reason !== undefined;
    });
  }
  return pending.map((message) => ({
    messageId: message.MessageId ?? '?',
    reason: reasons.get(message) ?? '',
  }));
}
