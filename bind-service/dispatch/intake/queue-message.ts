// Everything about one SQS body that needs no I/O: JSON, the shared queue schema, preparation
// (markers, encoding, parts: the same function the API ran) and the SUBMIT_SM fields. A failure at
// any step makes the message "malformed": it can never be sent as it is, so it is rejected and
// dead-lettered at once instead of being retried until SQS gives up on it.

import type { SourceAddressRules, SubmitFields } from '#bind-service/smpp/index.ts';
import { type AccountList, type AccountPolicy, DEFAULT_ACCOUNT_NAME } from '#core/domain/accounts/account.ts';
import { accountNames, chooseAccount } from '#core/domain/accounts/routing.ts';
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
import { parseQueueJson } from './queue-json.ts';

export type ParsedQueueMessage =
  | {
      ok: true;
      message: QueueMessage;
      prepared: PreparedMessage;
      submits: SubmitFields[];
      /** Named by the message, or chosen by the routing rules (the API names it in what it enqueues). */
      account: AccountPolicy;
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

export interface QueueParseOptions extends PrepareOptions {
  defaultSender?: string;
  sourceAddress?: SourceAddressRules;
  /** The deployment's accounts, the default first; absent: one `default` account of `isoMode`. */
  accounts?: AccountList<AccountPolicy>;
  /**
   * The account whose queue the message came from: a message naming no account is its (the queue
   * decides, not the routing rules), and one naming another account is refused: it was published
   * to the wrong queue, and this queue's login must not send it.
   */
  queueAccount?: string;
}

export function parseQueueMessage(body: string, options: QueueParseOptions): ParsedQueueMessage {
  let raw: unknown;
  try {
    raw = parseQueueJson(body);
  } catch {
    return malformed([{ code: 'invalid_json', path: [], message: 'request: the body is not valid JSON' }]);
  }
  const validated = validate(queueMessageSchema, raw);
  if (!validated.success) return malformed(validated.issues, raw);
  const message = validated.data;
  const accounts = options.accounts ?? [onlyAccount(options.isoMode)];
  const choice = chooseAccount(accounts, {
    ...message,
    ...(message.account === undefined && options.queueAccount ? { account: options.queueAccount } : {}),
  });
  if (!choice.ok) {
    const text = `account: no account is named "${choice.unknown}" (known: ${accountNames(accounts)})`;
    return malformed([{ code: 'unknown_account', path: ['account'], message: text }], raw);
  }
  const account = choice.account;
  if (options.queueAccount !== undefined && account.name !== options.queueAccount) {
    const text = `account: "${account.name}" is not the account of this queue ("${options.queueAccount}"); publish it to the queues of "${account.name}"`;
    return malformed([{ code: 'wrong_queue', path: ['account'], message: text }], raw);
  }
  try {
    // The account's ISO flag decides what data_coding 0 means, as it did for the API's 202.
    const prepared = prepareMessage(message, { ...options, isoMode: account.flags.iso });
    const submits = submitFieldsFor(prepared, options.defaultSender, options.sourceAddress);
    return { ok: true, message, prepared, submits, account, raw };
  } catch (error) {
    // A DomainError is the request's fault (too many parts, an encoding that cannot carry the
    // text, an address the SMSC cannot take); anything else is a bug and propagates.
    if (error instanceof DomainError) return malformed([domainIssue(error)], raw);
    throw error;
  }
}

function onlyAccount(iso: boolean): AccountPolicy {
  return {
    name: DEFAULT_ACCOUNT_NAME,
    systemType: '',
    flags: { iso, single: false },
    senders: [],
    prefixes: [],
  };
}
