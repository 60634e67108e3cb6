// Everything about one SQS body that needs no I/O: JSON, the shared queue schema, preparation
// (markers, encoding, parts: the same function the API ran) and the SUBMIT_SM fields. A failure at
// any step makes the message "malformed": it can never be sent as it is, so it is rejected and
// dead-lettered at once instead of being retried until SQS gives up on it.
import type { SourceAddressRules, SubmitFields } from '#bind-service/smpp/index.ts';
import { DomainError } from '#core/domain/errors.ts';
import { isMessageId } from '#core/domain/messages/message-id.ts';
import type { MessageError } from '#core/domain/messages/message-model.ts';
import {
  type PreparedMessage,
  type PrepareOptions,
  prepareMessage,
} from '#core/domain/messages/prepare-message.ts';
import { type QueueMessage, queueMessageSchema } from '#core/domain/requests/message-schema.ts';
import { type ValidationIssue, validate } from '#core/domain/requests/validation-issues.ts';
import { submitFieldsFor } from '../submit/submit-fields.ts';

export type ParsedQueueMessage =
  | {
      ok: true;
      message: QueueMessage;
      prepared: PreparedMessage;
      submits: SubmitFields[];
      /** The JSON value as published: copies of one send share it (derived-id.ts). */
      raw: unknown;
    }
  | {
      ok: false;
      /** The message's own id, when it carries a valid one: its record is marked rejected. */
      id?: string;
      /** Machine-readable codes and paths only: what may be logged. */
      issues: Pick<ValidationIssue, 'code' | 'path'>[];
      error: MessageError;
      /** The JSON value when the body parsed, for a best-effort rejected record. */
      raw?: unknown;
    };

const MAX_DESCRIPTION = 1_000;

function malformed(issues: ValidationIssue[], raw?: unknown): ParsedQueueMessage {
  const id = raw !== null && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
  const description = issues.map((issue) => issue.message).join('; ');
  return {
    ok: false,
    ...(isMessageId(id) ? { id } : {}),
    issues: issues.map(({ code, path }) => ({ code, path })),
    error: {
      code: issues[0]?.code ?? 'invalid_value',
      name: 'Invalid queue message',
      description:
        description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION - 1)}…` : description,
    },
    ...(raw === undefined ? {} : { raw }),
  };
}

function domainIssue(error: DomainError): ValidationIssue {
  const label = error.path.length > 0 ? error.path.join('.') : 'request';
  return { code: error.code, path: [...error.path], message: `${label}: ${error.message}` };
}

export function parseQueueMessage(
  body: string,
  options: PrepareOptions & { defaultSender?: string; sourceAddress?: SourceAddressRules },
): ParsedQueueMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return malformed([{ code: 'invalid_json', path: [], message: 'request: the body is not valid JSON' }]);
  }
  const validated = validate(queueMessageSchema, raw);
  if (!validated.success) return malformed(validated.issues, raw);
  const message = validated.data;
  try {
    const prepared = prepareMessage(message, options);
    const submits = submitFieldsFor(prepared, options.defaultSender, options.sourceAddress);
    return { ok: true, message, prepared, submits, raw };
  } catch (error) {
    // A DomainError is the request's fault (too many parts, an encoding that cannot carry the
    // text, an address the SMSC cannot take); anything else is a bug and propagates.
    if (error instanceof DomainError) return malformed([domainIssue(error)], raw);
    throw error;
  }
}
