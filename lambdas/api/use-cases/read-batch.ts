import { isBatchId } from '#core/domain/messages/message-id.ts';
import type { MessageStatus } from '#core/domain/messages/message-state.ts';
import type { ApiDeps } from '../deps.ts';
import type { ReadResult } from './read-result.ts';

// GET /v1/batches/{id}: how many of the batch's messages are in each status. Counted from the byBatch
// index, which is eventually consistent: right after the POST a count may lag by a moment.

export interface BatchView {
  batchId: string;
  total: number;
  counts: Record<MessageStatus, number>;
}

export async function readBatch(
  deps: Pick<ApiDeps, 'messages'>,
  batchId: string,
): Promise<ReadResult<BatchView>> {
  if (!isBatchId(batchId)) return { outcome: 'invalid-id' };
  const { total, ...counts } = await deps.messages.batchCounts(batchId);
  // A batch exists only through its messages: none found means no such batch (or not visible yet).
  if (total === 0) return { outcome: 'not-found' };
  return { outcome: 'found', view: { batchId, total, counts } };
}
