import { createHash, randomBytes } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  admitMany,
  type GuardEntry,
  numberItem,
  readState,
  writersOf,
} from '#core/aws/anti-loop/anti-loop-batch.ts';
import { isConditionalCheckFailed, runDynamo } from '#core/aws/dynamo-errors.ts';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import type { PreparedMessage } from '#core/domain/messages/prepare-message.ts';
import {
  type AntiLoopSettings,
  type AntiLoopVerdict,
  decideAntiLoop,
  messageFingerprint,
} from '#core/domain/provider/anti-loop.ts';

// The anti-loop rules (core/domain/provider/anti-loop.ts) across Lambda invocations and tasks, kept in ONE
// small item per number in the messages table (`LOOP#TO#<hash of the number>`; the status stream's
// filter only passes `MSG#` items): the streak of short gaps and the duplicate windows of the texts
// sent to it (an identical request always has the same number). Read, decide, then write it back on
// condition that nobody wrote it meanwhile (a version); a lost race decides again on a fresh read.

const ATTEMPTS = 8;

/**
 * A failed write's ALL_OLD item arrives in DynamoDB's wire format (the document client converts
 * answers, not errors). Numbers, strings, maps and lists are all a number item holds; anything else
 * reads as absent, and readState is lenient about what it does not recognise.
 */
export function itemOf(raw: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, attributeValueOf(value)]));
}

function attributeValueOf(value: AttributeValue): unknown {
  if (value.N !== undefined) return Number(value.N);
  if (value.S !== undefined) return value.S;
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.M !== undefined) return itemOf(value.M);
  if (value.L !== undefined) return value.L.map(attributeValueOf);
  return undefined;
}

export interface AdmitOptions {
  /**
   * Scoped Idempotency-Key: asked again inside the window an earlier attempt with the key opened, the
   * request is allowed on that window, not its own duplicate. A retry whose key already holds a
   * stored answer is not asked at all (the API walks the key's slots first, as it stores).
   */
  idempotencyKey?: string;
  /**
   * The message's id, on the queue path (which asks again on each receive until the message is
   * claimed): asked again inside the window it opened, the message is allowed, not its own duplicate.
   */
  messageId?: string;
  /**
   * The caller sends nothing when admit fails (the API answers 503): a window this call may have
   * opened, by a write that landed before its answers were lost, is closed again, so the resend is
   * not its own duplicate. Not for a message that goes on anyway (the bind-service's queue path).
   */
  closeWindowOnFailure?: boolean;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * What makes two attempts one request to the rules: its Idempotency-Key, else its message id (apart,
 * so no key can pass for an id). Hashed, so the item never holds a caller's key.
 */
function requestTag(options: AdmitOptions): string | undefined {
  if (options.idempotencyKey) return sha256(options.idempotencyKey).slice(0, 16);
  if (options.messageId) return sha256(`message-id:${options.messageId}`).slice(0, 16);
  return undefined;
}

export class AntiLoopGuard {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly settings: AntiLoopSettings,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  get enabled(): boolean {
    return this.settings.duplicateWindowMs > 0 || this.settings.floodLimit > 0;
  }

  /** What the rules know the message by: the sender it goes out with (its own, else the default). */
  fingerprint(prepared: PreparedMessage): string {
    return messageFingerprint(prepared, this.settings.defaultSender);
  }

  private entry(prepared: PreparedMessage): GuardEntry {
    return { numberKey: `LOOP#TO#${sha256(prepared.to)}`, fingerprint: this.fingerprint(prepared) };
  }

  async admit(prepared: PreparedMessage, options: AdmitOptions = {}): Promise<AntiLoopVerdict> {
    if (!this.enabled) return { verdict: 'allowed' };
    const { numberKey, fingerprint } = this.entry(prepared);
    const keyTag = requestTag(options);
    // Write first, read only when needed: most numbers have no item (it expires a minute after its
    // windows), so the first attempt assumes none and writes on attribute_not_exists. When an item is
    // there, the failed write returns it (ALL_OLD) and the rules decide again on it: one call for a
    // number without state instead of a read and a write, and two, as before, for one with state.
    let item: Record<string, unknown> | undefined;
    let seen = false;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const now = this.clock().getTime();
      const { verdict, next } = decideAntiLoop(readState(item), fingerprint, now, this.settings, keyTag);
      if (!next) {
        // A refusal is only ever decided on state actually read (none assumed has nothing to refuse).
        if (seen) return verdict;
        item = await this.read(numberKey);
        seen = true;
        continue;
      }
      const writer = randomBytes(8).toString('base64url');
      try {
        await runDynamo('anti-loop write', () =>
          this.client.send(
            new PutCommand({
              TableName: this.tableName,
              ...numberItem(numberKey, item, next, this.settings, writer),
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          ),
        );
        return verdict;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) {
          // Best effort: the error thrown is the write's own.
          const window = verdict.verdict === 'allowed' ? verdict.windowEndsAtMs : undefined;
          if (options.closeWindowOnFailure && window !== undefined) {
            await this.withdraw(prepared, window).catch(() => undefined);
          }
          throw error;
        }
        item = error.Item ? itemOf(error.Item) : await this.read(numberKey);
        seen = true;
        // The SDK sent our write again after its answer was lost: the first one landed.
        if (writersOf(item).includes(writer)) return verdict;
        // Another message to the same number was counted before our write (or we assumed no item):
        // decide again on the item as it is now.
      }
    }
    throw new RepositoryUnavailableError('anti-loop state of a number kept changing');
  }

  /** The rules for many messages (a batch, no number twice) in few round trips; verdicts in order. */
  async admitMany(messages: readonly PreparedMessage[]): Promise<AntiLoopVerdict[]> {
    if (!this.enabled) return messages.map(() => ({ verdict: 'allowed' }));
    const table = {
      client: this.client,
      tableName: this.tableName,
      settings: this.settings,
      now: () => this.clock().getTime(),
    };
    const entries = messages.map((prepared) => this.entry(prepared));
    return admitMany(table, entries, {
      // A batch that fails is refused whole: an entry's own failure leaves no window either.
      admitOne: (index) => this.admit(messages[index]!, { closeWindowOnFailure: true }),
      withdraw: (index, windowEndsAtMs) => this.withdraw(messages[index]!, windowEndsAtMs),
    });
  }

  /**
   * Closes the duplicate window a message opened when it is certain never to be sent (its enqueue
   * failed and its record is marked so, or it was never stored): the caller's resend, which the
   * answer asks for, is then a new message and not a duplicate of one the SMSC never saw. Only the
   * window this message opened is removed (it ends at `windowEndsAtMs`); one another message opened
   * since, or a number whose state expired, is left alone. The flood streak keeps the attempt: the
   * state before it is not known, and one message of the 50 errs on the provider's side.
   */
  async withdraw(prepared: PreparedMessage, windowEndsAtMs: number): Promise<void> {
    const { numberKey, fingerprint } = this.entry(prepared);
    try {
      await runDynamo('anti-loop withdraw', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: numberKey },
            // A new version, so a writer that read the item before this fails its condition and
            // decides again on what is left.
            UpdateExpression: 'REMOVE #sent.#fingerprint SET #version = #version + :one',
            ConditionExpression: '#sent.#fingerprint = :endsAt',
            ExpressionAttributeNames: {
              '#sent': 'sent',
              '#fingerprint': fingerprint,
              '#version': 'version',
            },
            ExpressionAttributeValues: { ':endsAt': windowEndsAtMs, ':one': 1 },
          }),
        ),
      );
    } catch (error) {
      // The window is gone already, or it is another message's now: nothing of ours to close.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  private async read(numberKey: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await runDynamo('anti-loop read', () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: numberKey }, ConsistentRead: true }),
      ),
    );
    return Item;
  }
}
