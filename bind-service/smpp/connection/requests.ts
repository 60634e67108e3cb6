// The session's requests other than SUBMIT_SM, each on one connection: QUERY_SM, and the two steps
// of a stop (wait for the window to drain, then unbind) that must never throw.
import { SmscRejectedError } from '../errors.ts';
import { fromQueryResp, type QueryResult } from '../pdu/pdu-mapping.ts';
import { Status } from '../pdu/status.ts';
import type { SmppConnection } from './connection.ts';

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

/** UNBIND if the connection is still open; an unanswered or refused unbind is not an error here. */
export async function unbindQuietly(connection: SmppConnection, timeoutMs: number): Promise<void> {
  if (!connection.isOpen) return;
  await connection.request('unbind', {}, timeoutMs).catch(() => undefined);
}

/** Resolves when the window is empty, the connection closes, or `timeoutMs` passes. */
export async function drainWithin(
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
