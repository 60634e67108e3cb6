import { SmscApiError, type SmscClient } from '#client/index.ts';
import type { RecordLookup } from './entry-plan.ts';

// The record a dead letter names, read as `status` reads it: through the API (GET
// /v1/messages/{id}) with the caller's credentials, so a deployed stack needs no table name or
// DynamoDB access beyond what the API grants.

const SENT_STATUSES = new Set(['submitting', 'unknown', 'submitted']);

export type RecordReader = (id: string) => Promise<RecordLookup>;

export function apiRecordReader(client: SmscClient): RecordReader {
  return async (id) => {
    try {
      const message = await client.get(id);
      return {
        kind: 'found',
        status: message.status,
        wasSent: message.history.some((change) => SENT_STATUSES.has(change.status)),
        ...(message.error
          ? { error: { code: String(message.error.code), description: message.error.description } }
          : {}),
      };
    } catch (error) {
      if (error instanceof SmscApiError && error.problem.code === 'not_found') return { kind: 'missing' };
      return { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
    }
  };
}
