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
  /**
   * The account whose session it came in on (the InboundMessageReceived event's `account`). Absent
   * on items stored before incoming messages named their account.
   */
  account?: string;
}

export type RecordInboundResult = 'recorded' | 'duplicate';

export interface InboundRepositoryOptions {
  clock?: () => Date;
  /** TTL of inbound items; default RETENTION.inboundDays. */
  retentionDays?: number;
  /**
   * The account whose login the SMSC ids are from, for every account but the default: each login's
   * SMSC numbers its own messages, and a message whose key another login's already holds would be
   * taken for its redelivery and dropped.
   */
  smscScope?: string;
}

const DAY_SECONDS = 86_400;

/** The clock and the TTL (epoch seconds) of items written to the inbound table now. */
export interface InboundClock {
  now: () => Date;
  expiresAt: () => number;
}

/** One reading of the options both inbound stores take, so their items expire alike. */
export function inboundClock(options: InboundRepositoryOptions): InboundClock {
  const now = options.clock ?? (() => new Date());
  const retentionSeconds = (options.retentionDays ?? RETENTION.inboundDays) * DAY_SECONDS;
  return { now, expiresAt: () => Math.floor(now().getTime() / 1000) + retentionSeconds };
}

export function inboundKey(message: Pick<InboundMessage, 'id' | 'smscId'>, scope?: string): { pk: string } {
  if (!message.smscId) return { pk: `IN#ID#${message.id}` };
  const smscId = normaliseSmscId(message.smscId);
  return { pk: scope === undefined ? `IN#SMSC#${smscId}` : `IN#SMSC#${scope}#${smscId}` };
}

export class InboundRepository {
  private readonly clock: InboundClock;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: InboundRepositoryOptions = {},
  ) {
    this.clock = inboundClock(options);
  }

  async recordInbound(message: InboundMessage): Promise<RecordInboundResult> {
    const expiresAt = this.clock.expiresAt();
    const smscId = message.smscId === undefined ? {} : { smscId: normaliseSmscId(message.smscId) };
    try {
      await runDynamo('record inbound', () =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...message, ...smscId, ...inboundKey(message, this.options.smscScope), expiresAt },
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
        new GetCommand({
          TableName: this.tableName,
          Key: inboundKey(key, this.options.smscScope),
          ConsistentRead: true,
        }),
      ),
    );
    if (!Item) return undefined;
    const { pk: _pk, expiresAt: _expiresAt, ...message } = Item;
    // Written only by recordInbound, from an InboundMessage.
    return message as InboundMessage;
  }
}
