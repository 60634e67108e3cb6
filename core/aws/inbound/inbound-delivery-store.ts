import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, runDynamo } from '#core/aws/dynamo-errors.ts';
import {
  type InboundClock,
  type InboundRepositoryOptions,
  inboundClock,
} from '#core/aws/inbound/inbound-repository.ts';
import type { PartPayload } from '#core/domain/encoding/index.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import {
  type AssemblyUpdate,
  finishWrite,
  holdWrite,
  plainWrite,
  replacementItem,
  unchanged,
} from './assembly-writes.ts';
import { assembled, type PartPlan, type PlacingLimits, planPart } from './part-assembly.ts';

// Added for the bind-service's DELIVER_SM handling (kept apart from InboundRepository on purpose).
// Two things must be stored before a DELIVER_SM may be acknowledged, and neither is an
// InboundMessage:
// - one part of a long incoming (MO) message: the SMSC sends the parts as separate DELIVER_SMs and
//   each must be durable before its answer. All parts of one message share one item
//   (`IN#PARTS#<from>#<to>#<total>#<ref>`; another login than the default's puts its account after
//   `IN#PARTS#`), one attribute per part, written by a single UpdateItem that returns the whole
//   item: whichever write adds the last missing part sees every part at once. A part is kept as its
//   octets and data_coding, not as text: a character may straddle two parts, and half a surrogate
//   pair is not a string DynamoDB can hold. A recorded assembly is kept for the window, marked
//   `finished`, so parts the SMSC sends again are known as recorded. When that write is refused
//   (the assembly is recorded, past its TTL or its join horizon, or other octets are in the part's
//   slot), part-assembly.ts plans one write on a fresh read, which lands only if the item's `rev`
//   is unchanged: a part a concurrent bind stored in between is never overwritten or left
//   uncounted, and the item written is known whole, so whoever adds the last part still sees them
//   all.
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
      /**
       * An unfinished assembly was started over by a new message reusing its reference: its parts
       * (acknowledged, never sent again) are dropped.
       */
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
  /** The account whose session it came in on, as on incoming messages: which login's SMSC wrote it. */
  account?: string;
}

export interface InboundDeliveryStoreOptions extends InboundRepositoryOptions {
  /**
   * How long a recorded assembly is kept, from its latest part, to know parts the SMSC sends again
   * (their answers lost) as recorded; a part after that starts a new message. Default 10 minutes.
   */
  assemblyWindowMs?: number;
  /**
   * How long an unfinished assembly waits for its next part, from its latest part (the join
   * horizon); a part after that starts a new message and the parts waiting are dropped (reported).
   * Default an hour: the parts of one message come seconds apart, a gap is our binds being down
   * while the SMSC holds the rest (minutes for a restart or a deploy), and a part hours later is as
   * likely the sender's next message reusing the reference, which joining would glue to the old
   * one's leftover (part-assembly.ts). Whatever this says, the item expires a day after its latest
   * part, and a part after that starts a new message even while DynamoDB has not yet deleted it.
   */
  joinHorizonMs?: number;
  /**
   * The account whose login the parts come in on, for every account but the default (as the
   * inbound store's smscScope): the parts of two logins' messages with the same sender, recipient,
   * count and reference are then two assemblies, not one that glues or drops them. The default's
   * keys stay as they were, so its parts waiting across an upgrade are still found.
   */
  partsScope?: string;
}

const DAY_SECONDS = 86_400;
const HOUR_MS = 3_600_000;
/** Turns of write-or-plan before a part is refused (ESME_RX_T_APPN: the SMSC sends it again). */
const MAX_ATTEMPTS = 5;

export class InboundDeliveryStore {
  private readonly clock: InboundClock;
  private readonly windowMs: number;
  private readonly joinHorizonMs: number;
  private readonly keyPrefix: string;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: InboundDeliveryStoreOptions = {},
  ) {
    this.clock = inboundClock(options);
    this.windowMs = options.assemblyWindowMs ?? 10 * 60_000;
    this.joinHorizonMs = options.joinHorizonMs ?? HOUR_MS;
    this.keyPrefix =
      options.partsScope === undefined ? 'IN#PARTS' : `IN#PARTS#${encodeURIComponent(options.partsScope)}`;
  }

  /** Stores one part durably; says whether the message is now complete. */
  async storePart(part: InboundPartInput): Promise<StorePartResult> {
    if (!(Number.isInteger(part.index) && part.index >= 1 && part.index <= part.total)) {
      throw new RangeError(`part ${part.index} of ${part.total} is out of range`);
    }
    // A scoped key has one field more, so it never meets an unscoped one.
    const key = [
      this.keyPrefix,
      encodeURIComponent(part.from),
      encodeURIComponent(part.to),
      part.total,
      part.reference,
    ].join('#');
    // Each turn: the plain write, or one guarded write planned on a fresh read. Another turn only
    // when a concurrent part changed the item in between.
    // One set of limits per turn, so the write's condition and the plan read the same times.
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const limits = this.limits();
      const item = await this.writePart(key, part, limits);
      if (item) return completion(key, item, part.total);
      const old = await this.readAssembly(key);
      const plan = planPart(old, part, part.total, limits);
      if (!old || plan.action === 'write') continue;
      const result =
        plan.action === 'hold'
          ? await this.hold(key, old, part, plan.clears)
          : await this.replace(key, old, part, plan);
      if (result) return result;
    }
    // Not the key: it holds both numbers, and this message goes to the log.
    throw new Error(
      `part ${part.index} of ${part.total} (reference ${part.reference}) not stored: its assembly kept changing`,
    );
  }

  /**
   * Marks a completed assembly recorded (after its message was), keeping its parts for the window:
   * a part the SMSC sends again is then known as one. Left alone if a newer message started over
   * meanwhile: nothing is left to do on it.
   */
  async finishAssembly(key: string, id: string): Promise<void> {
    await this.guarded('finish inbound assembly', key, finishWrite(id, this.clock.now().toISOString()));
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

  /** The plain write (assembly-writes.ts); the item after it, or undefined when refused. */
  private writePart(
    key: string,
    part: InboundPartInput,
    limits: PlacingLimits,
  ): Promise<Record<string, unknown> | undefined> {
    const id = newMessageId(this.clock.now().getTime());
    return this.guarded('store inbound part', key, plainWrite(part, id, this.expiresAt(), limits));
  }

  /** A recorded message's part again, held (or, holding every index now, all cleared). */
  private async hold(
    key: string,
    old: Record<string, unknown>,
    part: InboundPartInput,
    clears: boolean,
  ): Promise<StorePartResult | undefined> {
    const written = await this.guarded(
      'hold inbound part',
      key,
      holdWrite(old, part, clears, this.expiresAt()),
    );
    return written && { complete: false, duplicate: true };
  }

  /** A new assembly in the item's place, if the item is still as it was read. */
  private async replace(
    key: string,
    old: Record<string, unknown>,
    part: InboundPartInput,
    plan: Extract<PartPlan, { action: 'replace' }>,
  ): Promise<StorePartResult | undefined> {
    const id = newMessageId(this.clock.now().getTime());
    const item = replacementItem(key, part, plan, id, this.expiresAt());
    try {
      await runDynamo('start inbound assembly over', () =>
        this.client.send(new PutCommand({ TableName: this.tableName, Item: item, ...unchanged(old) })),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
    const result = completion(key, item, part.total);
    return plan.dropped && !result.complete
      ? { ...result, dropped: { parts: plan.dropped, total: part.total } }
      : result;
  }

  /** An UpdateItem returning the whole item after it, or undefined when its condition failed. */
  private async guarded(
    operation: string,
    key: string,
    update: AssemblyUpdate,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const { Attributes } = await runDynamo(operation, () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: key },
            ReturnValues: 'ALL_NEW',
            ...update,
          }),
        ),
      );
      return Attributes ?? {};
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  private limits(): PlacingLimits {
    const nowMs = this.clock.now().getTime();
    return {
      cutoff: new Date(nowMs - this.windowMs).toISOString(),
      joinCutoff: new Date(nowMs - this.joinHorizonMs).toISOString(),
      nowSeconds: Math.floor(nowMs / 1000),
    };
  }

  /**
   * Leftovers of a message whose other parts never came are removed by TTL, a day after the latest;
   * until DynamoDB gets to it, an expired item is taken as gone (planPart).
   */
  private expiresAt(): number {
    return this.nowSeconds() + DAY_SECONDS;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}

function completion(key: string, item: Record<string, unknown>, total: number): StorePartResult {
  const parts = assembled(item, total);
  if (!parts) return { complete: false };
  return { complete: true, key, id: String(item.assemblyId), parts, startedAt: String(item.startedAt) };
}
