import type { AccountPolicy } from '#core/domain/accounts/account.ts';
import {
  type PreparedMessage,
  type PrepareOptions,
  prepareMessage,
} from '#core/domain/messages/prepare-message.ts';
import { batchMessages, sendBatchSchema } from '#core/domain/requests/batch-schema.ts';
import { type SendMessageRequest, sendMessageObject } from '#core/domain/requests/message-schema.ts';
import { type ValidationIssue, validate } from '#core/domain/requests/validation-issues.ts';
import { domainIssue, fieldLabel, type IssuePath, moveIssue } from './issues.ts';

// A batch is split into entries that are checked one by one: a bad recipient or message rejects its
// own entry (reported with its index), not the whole batch. What is shared by every entry — the
// envelope, and in the `{to: [...], text}` form the text and other common fields — fails the whole
// batch instead, since every entry would fail the same way.

export interface BatchEntry {
  /** Position in the caller's list (`to` or `messages`). */
  index: number;
  request: SendMessageRequest;
  prepared: PreparedMessage;
  /** Named by the entry (or the batch) or chosen by the routing rules. */
  account: AccountPolicy;
}

/** The account of one request and how to prepare for it, or the unknown name it gave. */
export type EntryRoute =
  | { ok: true; account: AccountPolicy; prepare: PrepareOptions }
  | { ok: false; unknown: string; known: string };

export interface RejectedEntry {
  index: number;
  /** The entry's first issue, with its path from the body's root (`["to", 3]`, `["messages", 3, "text"]`). */
  error: ValidationIssue;
}

export type SplitBatch =
  | { valid: false; issues: ValidationIssue[] }
  | { valid: true; form: BatchForm; entries: BatchEntry[]; rejected: RejectedEntry[] };

/** Which list the entries came from: `{messages: [...]}` or `{to: [...], text}`. */
export type BatchForm = 'messages' | 'to';

const entrySchema = sendMessageObject('bulk');

export function splitBatch(body: unknown, route: (request: SendMessageRequest) => EntryRoute): SplitBatch {
  const whole = validate(sendBatchSchema, body);
  const form = formOf(body);
  let requests: IndexedRequest[];
  let rejected: RejectedEntry[];
  if (whole.success) {
    requests = batchMessages(whole.data).map((request, index) => ({ index, request }));
    rejected = [];
  } else {
    if (form === undefined || !whole.issues.every((issue) => isEntryIssue(issue, form.name))) {
      return { valid: false, issues: whole.issues };
    }
    const checked = checkEntries(form);
    if (!checked.valid) return checked;
    ({ requests, rejected } = checked);
  }
  return prepareEntries(requests, rejected, form?.name ?? 'to', route);
}

interface IndexedRequest {
  index: number;
  request: SendMessageRequest;
}

interface CheckedEntries {
  valid: true;
  requests: IndexedRequest[];
  rejected: RejectedEntry[];
}

interface FormOf {
  name: BatchForm;
  list: unknown[];
  /** The `{to: [...]}` form's fields shared by every recipient. */
  shared: Record<string, unknown>;
}

function formOf(body: unknown): FormOf | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const { messages, to, ...shared } = body as Record<string, unknown>;
  if (Array.isArray(messages)) return { name: 'messages', list: messages, shared };
  if (Array.isArray(to)) return { name: 'to', list: to, shared };
  return undefined;
}

function isEntryIssue(issue: ValidationIssue, form: BatchForm): boolean {
  return issue.path[0] === form && typeof issue.path[1] === 'number';
}

/**
 * The batch schema stops at the first broken entry's kind of fault (zod skips whole-batch refinements
 * once an element failed), so entries are validated on their own here, each as the single message it
 * becomes.
 */
function checkEntries(form: FormOf): CheckedEntries | { valid: false; issues: ValidationIssue[] } {
  const requests: IndexedRequest[] = [];
  const rejected: RejectedEntry[] = [];
  const firstIndexOf = new Map<string, number>();
  for (const [index, raw] of form.list.entries()) {
    const input = form.name === 'messages' ? raw : { ...form.shared, to: raw };
    const result = validate(entrySchema, input);
    if (!result.success) {
      const [issue] = result.issues;
      if (!issue) continue;
      const path = entryPath(form.name, index, issue.path);
      // A shared field's fault shows only now (zod skipped its refinement before): whole batch.
      if (path === undefined) return { valid: false, issues: result.issues };
      rejected.push({ index, error: moveIssue(issue, path) });
      continue;
    }
    // The `to` form refuses repeated recipients (the provider would refuse the copy within a minute).
    if (form.name === 'to') {
      const first = firstIndexOf.get(result.data.to);
      if (first !== undefined) {
        const path = ['to', index];
        const message = `${fieldLabel(path)}: repeats recipient ${first} (${result.data.to})`;
        rejected.push({ index, error: { code: 'duplicate_recipient', path, message } });
        continue;
      }
      firstIndexOf.set(result.data.to, index);
    }
    requests.push({ index, request: result.data });
  }
  return { valid: true, requests, rejected };
}

/** Where an entry's issue lies in the whole body; undefined for a shared field of the `to` form. */
function entryPath(form: BatchForm, index: number, path: IssuePath): IssuePath | undefined {
  if (form === 'messages') return ['messages', index, ...path];
  return path[0] === 'to' ? ['to', index, ...path.slice(1)] : undefined;
}

function prepareEntries(
  requests: IndexedRequest[],
  rejected: RejectedEntry[],
  form: BatchForm,
  route: (request: SendMessageRequest) => EntryRoute,
): SplitBatch {
  const entries: BatchEntry[] = [];
  for (const { index, request } of requests) {
    const routed = route(request);
    if (!routed.ok) {
      // Only the `messages` form gets here: a batch-wide unknown account is refused before (accept-batch.ts).
      const path = [form, index, 'account'];
      const message = `${fieldLabel(path)}: no account is named "${routed.unknown}" (known: ${routed.known})`;
      rejected.push({ index, error: { code: 'unknown_account', path, message } });
      continue;
    }
    try {
      entries.push({
        index,
        request,
        account: routed.account,
        prepared: prepareMessage(request, routed.prepare),
      });
    } catch (error) {
      const issue = domainIssue(error);
      if (!issue) throw error;
      const path = entryPath(form, index, issue.path);
      // Too many parts or a bad code in the shared text: the same for every recipient.
      if (path === undefined) return { valid: false, issues: [issue] };
      rejected.push({ index, error: moveIssue(issue, path) });
    }
  }
  rejected.sort((a, b) => a.index - b.index);
  return { valid: true, form, entries, rejected };
}
