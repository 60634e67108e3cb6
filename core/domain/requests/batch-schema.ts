import { z } from 'zod';
import {
  checkRecipientForKind,
  checkRequiredForKind,
  checkSenderForKind,
  contentFields,
  recipientField,
  type SendMessageRequest,
  sendMessageObject,
} from '#core/domain/requests/message-schema.ts';

// A mass mailing comes in one of two forms, never both:
// - one text for many recipients: { to: [...], text, ...the fields of a single send }
// - one message each: { messages: [{ to, text, ... }, ...] }
// Batches go to the bulk lane unless a message says otherwise.

export const MAX_BATCH_SIZE = 1000;

/** `{to: [...], text, ...}`: one text for many recipients. */
export const recipientsBatchSchema = z
  .strictObject({
    to: z.array(recipientField).min(1).max(MAX_BATCH_SIZE),
    ...contentFields('bulk'),
  })
  .superRefine((batch, ctx) => {
    checkRequiredForKind(batch, ctx);
    checkSenderForKind(batch, ctx);
    const seen = new Map<string, number>();
    batch.to.forEach((to, index) => {
      checkRecipientForKind(to, batch.kind, ctx, ['to', index]);
      // The provider refuses an identical request within a minute: the copy could only fail there.
      const first = seen.get(to);
      if (first === undefined) seen.set(to, index);
      else {
        ctx.addIssue({
          code: 'custom',
          path: ['to', index],
          message: `repeats recipient ${first} (${to})`,
          params: { code: 'duplicate_recipient' },
        });
      }
    });
  });

/** `{messages: [...]}`: one message each. */
export const messagesBatchSchema = z.strictObject({
  messages: z.array(sendMessageObject('bulk')).min(1).max(MAX_BATCH_SIZE),
});

export type RecipientsBatch = z.output<typeof recipientsBatchSchema>;
export type MessagesBatch = z.output<typeof messagesBatchSchema>;
export type SendBatchRequest = RecipientsBatch | MessagesBatch;
/** What a caller may POST to /v1/batches (defaults not yet applied). */
export type SendBatchInput = z.input<typeof recipientsBatchSchema> | z.input<typeof messagesBatchSchema>;

// Dispatching on the keys present, rather than a z.union, gives the caller the errors of the form they
// meant instead of a union error listing what both forms would have wanted.
export const sendBatchSchema = z.unknown().transform((input, ctx): SendBatchRequest => {
  const isObject = typeof input === 'object' && input !== null && !Array.isArray(input);
  const keys = isObject ? Object.keys(input) : [];
  const hasMessages = keys.includes('messages');
  const hasRecipients = keys.includes('to') || keys.includes('text');
  if (hasMessages && hasRecipients) {
    ctx.addIssue({
      code: 'custom',
      path: ['messages'],
      message: 'give either "messages" or "to" with "text", not both',
      params: { code: 'conflicting_fields' },
    });
    return z.NEVER;
  }
  if (isObject && !hasMessages && !hasRecipients) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: 'a batch needs either "to" (a list of recipients) with "text", or "messages"',
      params: { code: 'required' },
    });
    return z.NEVER;
  }
  const result = (hasMessages ? messagesBatchSchema : recipientsBatchSchema).safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ ...issue });
  return z.NEVER;
});

/** One send request per recipient or per message, in order: what the API records and enqueues. */
export function batchMessages(batch: SendBatchRequest): SendMessageRequest[] {
  if ('messages' in batch) return batch.messages;
  const { to, ...shared } = batch;
  return to.map((recipient) => ({ ...shared, to: recipient }));
}
