// The session's requests other than SUBMIT_SM, each on one connection: QUERY_SM, and the steps of
// a stop (wait for the window to drain, unbind, close) that must never throw.
import { SmscRejectedError } from '../errors.ts';
import { fromQueryResp, type QueryResult } from '../pdu/pdu-mapping.ts';
import { Status } from '../pdu/status.ts';
import { CONNECTION_LOST, type InFlightSubmit } from '../session-options.ts';
import type { SmppConnection } from './connection.ts';
import type { SubmitWindow } from './window.ts';

export interface QuerySource {
  addr: string;
  ton: number;
  npi: number;
}

/** QUERY_SM for one message id; throws SmscRejectedError on a non-OK answer. */
export async function querySm(
  connection: SmppConnection,
  messageId: string,
  source: QuerySource | undefined,
  timeoutMs: number,
): Promise<QueryResult> {
  const answer = await connection.request(
    'query_sm',
    {
      message_id: messageId,
      source_addr: source?.addr ?? '',
      source_addr_ton: source?.ton ?? 0,
      source_addr_npi: source?.npi ?? 0,
    },
    timeoutMs,
  );
  if (answer.command_status !== Status.ESME_ROK)
    throw new SmscRejectedError('query_sm', answer.command_status);
  return fromQueryResp(answer);
}

/** What a stop's drain waits for (nothing in flight, say), and what is done when it ends. */
export interface Drain {
  idle(): Promise<void>;
  over(): void;
}

/**
 * Ends a stop on one connection: waits for `drain.idle` (bounded; not when unbinding first),
 * unbinds, reports what is still in flight 'unknown', closes. Submits are given up on only after
 * the unbind's answer: an SMSC answers in order, so the answers to submits still in flight come
 * before its unbind_resp, and each one kept is a message not left unknown.
 */
export async function endConnection(
  connection: SmppConnection,
  window: SubmitWindow<InFlightSubmit>,
  timing: { drainTimeoutMs: number; unbindFirst: boolean; unbindTimeoutMs: number },
  drain: Drain,
): Promise<void> {
  if (!timing.unbindFirst) await drainWithin(drain.idle(), connection, timing.drainTimeoutMs);
  drain.over();
  await unbindQuietly(connection, timing.unbindTimeoutMs);
  for (const submit of window.abandon()) submit.resolve(CONNECTION_LOST);
  connection.close('stopping');
  await connection.whenClosed();
}

/** UNBIND if the connection is still open; an unanswered or refused unbind is not an error here. */
async function unbindQuietly(connection: SmppConnection, timeoutMs: number): Promise<void> {
  if (!connection.isOpen) return;
  await connection.request('unbind', {}, timeoutMs).catch(() => undefined);
}

/** Resolves when the window is empty, the connection closes, or `timeoutMs` passes. */
async function drainWithin(
  windowEmpty: Promise<void>,
  connection: SmppConnection,
  timeoutMs: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    windowEmpty,
    connection.whenClosed(),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
}
