import { mayUseAccount } from '#core/domain/accounts/permissions.ts';
import { isMessageId } from '#core/domain/messages/message-id.ts';
import type {
  CallbackOutcome,
  MessageError,
  MessageRecord,
  ProviderReport,
  StatusChange,
} from '#core/domain/messages/message-model.ts';
import { optional } from '#core/domain/messages/optional-field.ts';
import type { ApiDeps } from '../deps.ts';
import type { ReadResult } from './read-result.ts';

// GET /v1/messages/{id}. The answer is built field by field from the record rather than spread from
// it, so a storage attribute added later cannot leak into the API by accident.

export type MessageView = Pick<
  MessageRecord,
  'id' | 'to' | 'kind' | 'status' | 'encoding' | 'parts' | 'smscIds' | 'read' | 'clicked' | 'priority'
> &
  Partial<
    Pick<
      MessageRecord,
      | 'from'
      | 'text'
      | 'subject'
      | 'voice'
      | 'bot'
      | 'comment'
      | 'udh'
      | 'validityMinutes'
      | 'clientRef'
      | 'callbackUrl'
      | 'batchId'
      | 'account'
    >
  > & {
    // What the SMSC reports is always present in the answer, null until known, so a client sees one
    // shape whatever the message's progress.
    error: MessageError | null;
    cost: string | null;
    mccmnc: string | null;
    hlr: Record<string, string> | null;
    /** The provider's message type, template and second-balance flags, parts, sub/dlvrd, dates. */
    report: ProviderReport | null;
    /**
     * The last attempt of a status callback (the callback worker's outcome), null until one was made:
     * how a caller learns that its receiver refused or never got one (docs/events.md).
     */
    callback: CallbackOutcome | null;
    history: StatusChange[];
    createdAt: string;
    updatedAt: string;
  };

/**
 * `caller`: the IAM principal that signed the request (callerArnOf). A message of an account the
 * caller may not use reads as no message at all: the same answer as a wrong id, so an id tells
 * nothing about another account's traffic (its recipient, text, references).
 */
export async function readMessage(
  deps: Pick<ApiDeps, 'messages' | 'accounts'>,
  id: string,
  caller: string | undefined,
): Promise<ReadResult<MessageView>> {
  if (!isMessageId(id)) return { outcome: 'invalid-id' };
  const record = await deps.messages.get(id);
  if (!record || !mayRead(deps.accounts, record, caller)) return { outcome: 'not-found' };
  return { outcome: 'found', view: messageView(record) };
}

/**
 * A record without an account is the default's (the first). One of an account no longer listed has
 * no principals left to check: only a caller who may use every listed account reads it, so taking a
 * restricted account out of the file never opens its messages to the callers it kept out.
 */
function mayRead(accounts: ApiDeps['accounts'], record: MessageRecord, caller: string | undefined): boolean {
  if (record.account === undefined) return mayUseAccount(accounts[0], caller);
  const account = accounts.find(({ name }) => name === record.account);
  if (account !== undefined) return mayUseAccount(account, caller);
  return accounts.every((listed) => mayUseAccount(listed, caller));
}

export function messageView(record: MessageRecord): MessageView {
  return {
    id: record.id,
    to: record.to,
    ...optional('from', record.from),
    kind: record.kind,
    ...optional('text', record.text),
    ...optional('subject', record.subject),
    ...optional('voice', record.voice),
    ...optional('bot', record.bot),
    ...optional('comment', record.comment),
    ...optional('udh', record.udh),
    priority: record.priority,
    status: record.status,
    encoding: record.encoding,
    parts: record.parts,
    validityMinutes: record.validityMinutes,
    ...optional('clientRef', record.clientRef),
    ...optional('callbackUrl', record.callbackUrl),
    ...optional('batchId', record.batchId),
    ...optional('account', record.account),
    smscIds: record.smscIds,
    error: record.error ?? null,
    cost: record.cost ?? null,
    mccmnc: record.mccmnc ?? null,
    read: record.read,
    clicked: record.clicked,
    hlr: record.hlr ?? null,
    report: record.report ?? null,
    callback: record.callback ?? null,
    history: record.history,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
