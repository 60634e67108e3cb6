import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, runDynamo } from '#core/aws/dynamo-errors.ts';
import { RETENTION } from '#core/aws/resources/resource-definitions.ts';
import { normaliseSmscId } from '#core/domain/receipts/smsc-id.ts';

// Incoming (MO) messages. The SMSC redelivers a DELIVER_SM whose resp it did not get, so storing must
// be idempotent: the item key is the SMSC's id for the message when it gave one. Without an SMSC id
// there is no safe way to tell a redelivery from a subscriber sending the same text twice, so the
// caller's id is the key and every call is stored.

export interface InboundMessage {
  id: string;
  from: string;
  to: string;
  text: string;
  /** ISO 8601. */
  receivedAt: string;
  parts: number;
  smscId?: string;
}

export type RecordInboundResult = 'recorded' | 'duplicate';

export interface InboundRepositoryOptions {
  clock?: () => Date;
  retentionDays?: number;
}

export function inboundKey(message: Pick<InboundMessage, 'id' | 'smscId'>): { pk: string } {
  return { pk: message.smscId ? `IN#SMSC#${normaliseSmscId(message.smscId)}` : `IN#ID#${message.id}` };
}

export class InboundRepository {
  private readonly now: () => Date;
  private readonly retentionDays: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: InboundRepositoryOptions = {},
  ) {
    this.now = options.clock ?? (() => new Date());
    this.retentionDays = options.retentionDays ?? RETENTION.inboundDays;
  }

  async recordInbound(message: InboundMessage): Promise<RecordInboundResult> {
    const expiresAt = Math.floor(this.now().getTime() / 1000) + this.retentionDays * 86_400;
    const smscId = message.smscId === undefined ? {} : { smscId: normaliseSmscId(message.smscId) };
    try {
      await runDynamo('record inbound', () =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...message, ...smscId, ...inboundKey(message), expiresAt },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      return 'recorded';
    } catch (error) {
      if (isConditionalCheckFailed(error)) return 'duplicate';
      throw error;
    }
  }

  async find(key: Pick<InboundMessage, 'id' | 'smscId'>): Promise<InboundMessage | undefined> {
    const { Item } = await runDynamo('get inbound', () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: inboundKey(key), ConsistentRead: true }),
      ),
    );
    if (!Item) return undefined;
    const { pk: _pk, expiresAt: _expiresAt, ...message } = Item;
    // Written only by recordInbound, from an InboundMessage.
    return message as InboundMessage;
  }
}
