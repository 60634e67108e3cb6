import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, runDynamo } from '#core/aws/dynamo-errors.ts';
import {
  type InboundClock,
  type InboundRepositoryOptions,
  inboundClock,
} from '#core/aws/inbound/inbound-repository.ts';
import type { PartPayload } from '#core/domain/encoding/index.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';

// Added for the bind-service's DELIVER_SM handling (kept apart from InboundRepository on purpose).
// Two things must be stored before a DELIVER_SM may be acknowledged, and neither is an
// InboundMessage:
// - one part of a long incoming (MO) message: the SMSC sends the parts as separate DELIVER_SMs and
//   each must be durable before its answer. All parts of one message share one item
//   (`IN#PARTS#<from>#<to>#<total>#<ref>`), one attribute per part, written by a single UpdateItem
//   that returns the whole item: whichever write adds the last missing part sees every part at
//   once. A part is kept as its octets and data_coding, not as text: a character may straddle two
//   parts, and half a surrogate pair is not a string DynamoDB can hold. A recorded assembly is kept
//   for the window, marked `finished`, so parts the SMSC sends again are known as recorded.
// - a receipt we cannot parse: acknowledging it loses it, refusing it makes the SMSC send it for ever;
//   it is kept raw (`IN#RAW#<id>`) for a person to look at.
// Items carry `kind` ('mo-parts' | 'unparsed-receipt') so a stream consumer can tell them from
// incoming messages (which have no `kind`).

export interface InboundPartInput {
  from: string;
  to: string;
  /** The concatenation reference (8 or 16 bit) the handset chose. */
  reference: number;
  total: number;
  /** 1-based. */
  index: number;
  /** As received: a character may straddle two parts, so the text is decoded from them all. */
  payload: PartPayload;
  /** ISO 8601. */
  receivedAt: string;
}

export type StorePartResult =
  | {
      complete: false;
      /** The part of a message recorded moments ago, sent again (its answer was lost): nothing new. */
      duplicate?: true;
      /** An assembly too old to finish was started over: how many of its parts are dropped. */
      dropped?: { parts: number; total: number };
    }
  | {
      complete: true;
      /** The assembly item's key, for finishAssembly. */
      key: string;
      /** The same for every caller that sees this assembly complete: the incoming message's id. */
      id: string;
      /** The parts in order; a string is a part an earlier version stored decoded. */
      parts: (PartPayload | string)[];
      /** When the first part was stored. */
      startedAt: string;
    };

export interface UnparsedReceiptInput {
  from: string;
  to: string;
  text: string;
  esmClass: number;
  dataCoding: number;
  receivedAt: string;
}

export interface InboundDeliveryStoreOptions extends InboundRepositoryOptions {
  /**
   * Parts of one message arrive within seconds; an older assembly with the same key is a different
   * message that reused the 8-bit reference, so it is started over. Default 10 minutes.
   */
  assemblyWindowMs?: number;
}

const DAY_SECONDS = 86_400;

export class InboundDeliveryStore {
  private readonly clock: InboundClock;
  private readonly windowMs: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: InboundDeliveryStoreOptions = {},
  ) {
    this.clock = inboundClock(options);
    this.windowMs = options.assemblyWindowMs ?? 10 * 60_000;
  }

  /** Stores one part durably; says whether the message is now complete. */
  async storePart(part: InboundPartInput): Promise<StorePartResult> {
    if (!(Number.isInteger(part.index) && part.index >= 1 && part.index <= part.total)) {
      throw new RangeError(`part ${part.index} of ${part.total} is out of range`);
    }
    const key = [
      'IN#PARTS',
      encodeURIComponent(part.from),
      encodeURIComponent(part.to),
      part.total,
      part.reference,
    ].join('#');
    let dropped: { parts: number; total: number } | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const item = await this.writePart(key, part);
      if (item) {
        const result = this.completion(key, item, part.total);
        return dropped && !result.complete ? { ...result, dropped } : result;
      }
      const old = await this.readAssembly(key);
      if (!old) continue;
      // A recorded message's part sent again within the window (the SMSC did not get our answer,
      // e.g. the link dropped): recorded already. Started over, it would be recorded a second time.
      const recorded = old.finished !== undefined && String(old.startedAt) > this.cutoff();
      if (recorded && samePayload(old[`p${part.index}`], part.payload))
        return { complete: false, duplicate: true };
      // Too old, or recorded and this part is not of it (a new message reusing the reference):
      // started over, if it is still that assembly. An unfinished one's parts are lost: said so.
      if (old.finished === undefined) dropped = { parts: partsIn(old), total: part.total };
      await this.onAssembly(key, old.assemblyId, 'delete inbound assembly');
    }
    throw new Error(`assembly ${key} could not be started over`);
  }

  /**
   * Marks a completed assembly recorded (after its message was), keeping its parts for the window:
   * a part the SMSC sends again is then known as one. A new message reusing the reference starts
   * over.
   */
  async finishAssembly(key: string, id: string): Promise<void> {
    await this.onAssembly(key, id, 'finish inbound assembly', {
      expression: 'SET #finished = :at',
      names: { '#finished': 'finished' },
      values: { ':at': this.clock.now().toISOString() },
    });
  }

  private async readAssembly(key: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await runDynamo('read inbound assembly', () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: key }, ConsistentRead: true })),
    );
    return Item;
  }

  /** Keeps an unparseable receipt as it came; returns the id it is stored under. */
  async recordUnparsedReceipt(input: UnparsedReceiptInput): Promise<string> {
    const id = newMessageId(this.clock.now().getTime());
    await runDynamo('record unparsed receipt', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `IN#RAW#${id}`,
            id,
            kind: 'unparsed-receipt',
            ...input,
            expiresAt: this.clock.expiresAt(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    return id;
  }

  /** The item after the write, or undefined when an expired assembly is in the way. */
  private async writePart(key: string, part: InboundPartInput): Promise<Record<string, unknown> | undefined> {
    const now = this.clock.now();
    try {
      const { Attributes } = await runDynamo('store inbound part', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: key },
            UpdateExpression:
              'SET #part = :payload, #startedAt = if_not_exists(#startedAt, :now), ' +
              '#assemblyId = if_not_exists(#assemblyId, :id), #kind = :kind, #total = :total, ' +
              '#expiresAt = if_not_exists(#expiresAt, :expiresAt)',
            ConditionExpression:
              'attribute_not_exists(pk) OR (#startedAt > :cutoff AND attribute_not_exists(#finished))',
            ExpressionAttributeNames: {
              '#finished': 'finished',
              '#part': `p${part.index}`,
              '#startedAt': 'startedAt',
              '#assemblyId': 'assemblyId',
              '#kind': 'kind',
              '#total': 'total',
              '#expiresAt': 'expiresAt',
            },
            ExpressionAttributeValues: {
              ':payload': { octets: part.payload.octets, dataCoding: part.payload.dataCoding },
              ':now': part.receivedAt,
              ':id': newMessageId(now.getTime()),
              ':kind': 'mo-parts',
              ':total': part.total,
              // Leftovers of a message whose other parts never came are removed by TTL.
              ':expiresAt': Math.floor(now.getTime() / 1000) + DAY_SECONDS,
              ':cutoff': this.cutoff(),
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return Attributes ?? {};
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  private completion(key: string, item: Record<string, unknown>, total: number): StorePartResult {
    const parts: (PartPayload | string)[] = [];
    for (let index = 1; index <= total; index++) {
      const stored = storedPart(item[`p${index}`]);
      if (stored === undefined) return { complete: false };
      parts.push(stored);
    }
    return { complete: true, key, id: String(item.assemblyId), parts, startedAt: String(item.startedAt) };
  }

  /**
   * Updates (or, without `update`, deletes) the assembly only while it is still assembly `id`: one
   * started over by a newer message meanwhile is left alone, nothing is left to do on it.
   */
  private async onAssembly(
    key: string,
    id: unknown,
    operation: string,
    update?: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
  ): Promise<void> {
    const conditional = {
      TableName: this.tableName,
      Key: { pk: key },
      ConditionExpression: '#assemblyId = :id',
      ExpressionAttributeNames: { '#assemblyId': 'assemblyId', ...update?.names },
      ExpressionAttributeValues: { ':id': id, ...update?.values },
    };
    try {
      await runDynamo(operation, () =>
        this.client.send(
          update
            ? new UpdateCommand({ ...conditional, UpdateExpression: update.expression })
            : new DeleteCommand(conditional),
        ),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  private cutoff(): string {
    return new Date(this.clock.now().getTime() - this.windowMs).toISOString();
  }
}

/** The parts an assembly item holds (attributes p1, p2, …). */
function partsIn(item: Record<string, unknown>): number {
  return Object.keys(item).filter((name) => /^p\d+$/.test(name)).length;
}

/** A part attribute as written: its payload, or the text an earlier version stored. */
function storedPart(value: unknown): PartPayload | string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const { octets, dataCoding } = value as Record<string, unknown>;
  return octets instanceof Uint8Array && typeof dataCoding === 'number' ? { octets, dataCoding } : undefined;
}

function samePayload(stored: unknown, payload: PartPayload): boolean {
  const old = storedPart(stored);
  return (
    typeof old === 'object' &&
    old.dataCoding === payload.dataCoding &&
    Buffer.from(old.octets).equals(payload.octets)
  );
}
