import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { fromMessageItem, isMessageItem } from '#core/aws/messages/message-item.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { isFinal } from '#core/domain/messages/message-state.ts';

// Traffic a fault case pushes through the API, and reading back what became of it. Each message has
// its own text (`<case> #<n>`), so the simulator's records name the message they carry.

export interface SentMessage {
  id: string;
  text: string;
  to: string;
}

export interface SendOptions {
  caseName: string;
  count: number;
  /** Index of the first message (a case may send in several rounds). */
  from?: number;
  priority?: 'urgent' | 'bulk';
  /** Requests in flight at once. */
  concurrency?: number;
  /** Each message asks for status callbacks to this URL. */
  callbackUrl?: string;
}

/** Distinct numbers per case and index, so the simulator's flood and duplicate rules stay quiet. */
export function recipient(caseNumber: number, index: number): string {
  return `+7999${String(caseNumber).padStart(2, '0')}${String(index).padStart(5, '0')}`;
}

export async function sendMessages(
  apiUrl: string,
  caseNumber: number,
  options: SendOptions,
): Promise<SentMessage[]> {
  const first = options.from ?? 0;
  const indexes = Array.from({ length: options.count }, (_, i) => first + i);
  const sent: SentMessage[] = [];
  const worker = async () => {
    for (let index = indexes.shift(); index !== undefined; index = indexes.shift()) {
      const text = `${options.caseName} #${index}`;
      const to = recipient(caseNumber, index);
      const response = await fetch(`${apiUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          to,
          text,
          priority: options.priority ?? 'bulk',
          ...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}),
        }),
      });
      const body = (await response.json()) as { id?: string };
      if (response.status !== 202 || !body.id)
        throw new Error(`send ${index} answered ${response.status}: ${JSON.stringify(body)}`);
      sent.push({ id: body.id, text, to });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return sent;
}

/** Every message record in the table, by id. */
export async function messageRecords(
  document: DynamoDBDocumentClient,
  table: string,
): Promise<Map<string, MessageRecord>> {
  const records = new Map<string, MessageRecord>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await document.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      if (!isMessageItem(item)) continue;
      const record = fromMessageItem(item);
      records.set(record.id, record);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return records;
}

/** Final, or `unknown`: nothing in the system will move it on its own any more. */
export function isSettled(record: MessageRecord | undefined): boolean {
  return record !== undefined && (isFinal(record.status) || record.status === 'unknown');
}
