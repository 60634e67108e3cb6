// The session's requests other than SUBMIT_SM, each on one connection: QUERY_SM, and the steps of
// a stop (wait for the window to drain and the deliveries being stored to be answered, unbind,
// close) that must never throw.
import { SmscRejectedError } from '../errors.ts';
import { fromQueryResp, type QueryResult } from '../pdu/pdu-mapping.ts';
import { Status } from '../pdu/status.ts';
import { CONNECTION_LOST, type InFlightSubmit } from '../session-options.ts';
import { type SmppConnection, UNBIND_ANSWER_WAIT_MS } from './connection.ts';
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
 * Ends a stop on one connection: waits for `drain.idle` and for the answers then owed to deliveries
 * being stored (bounded by the drain; only for those answers, at most UNBIND_ANSWER_WAIT_MS, when
 * unbinding first), unbinds, waits for the answers owed to deliveries the SMSC sent before its
 * unbind_resp (at most UNBIND_ANSWER_WAIT_MS), reports what is still in flight 'unknown', closes.
 * Submits are given up on only after the unbind's answer: an SMSC answers in order, so the answers
 * to submits still in flight come before its unbind_resp, and each one kept is a message not left
 * unknown. A delivery stored but not answered before the close is sent again on the next bind, and
 * an incoming SMS (no SMSC id to know it by) was then stored twice.
 */
export async function endConnection(
  connection: SmppConnection,
  window: SubmitWindow<InFlightSubmit>,
  timing: {
    drainTimeoutMs: number;
    drainCut: AbortSignal | undefined;
    unbindFirst: boolean;
    unbindTimeoutMs: number;
  },
  drain: Drain,
): Promise<void> {
  if (timing.unbindFirst) await settledWithin(connection.owedAnswers(), connection, UNBIND_ANSWER_WAIT_MS);
  else {
    // The answers owed once the window is empty: deliveries that came during the drain count too.
    const drained = drain.idle().then(() => connection.owedAnswers());
    await settledWithin(drained, connection, timing.drainTimeoutMs, timing.drainCut);
  }
  drain.over();
  await unbindQuietly(connection, timing.unbindTimeoutMs);
  await settledWithin(connection.owedAnswers(), connection, UNBIND_ANSWER_WAIT_MS);
  for (const submit of window.abandon()) submit.resolve(CONNECTION_LOST);
  connection.close('stopping');
  await connection.whenClosed();
}

/** UNBIND if the connection is still open; an unanswered or refused unbind is not an error here. */
async function unbindQuietly(connection: SmppConnection, timeoutMs: number): Promise<void> {
  if (!connection.isOpen) return;
  await connection.request('unbind', {}, timeoutMs).catch(() => undefined);
}

/** Resolves when `work` settles, the connection closes, `timeoutMs` passes or `cut` is aborted. */
async function settledWithin(
  work: Promise<void>,
  connection: SmppConnection,
  timeoutMs: number,
  cut?: AbortSignal,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onCut: (() => void) | undefined;
  await Promise.race([
    work,
    connection.whenClosed(),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      if (!cut) return;
      if (cut.aborted) resolve();
      onCut = resolve;
      cut.addEventListener('abort', onCut, { once: true });
    }),
  ]);
  clearTimeout(timer);
  if (onCut) cut?.removeEventListener('abort', onCut);
}
