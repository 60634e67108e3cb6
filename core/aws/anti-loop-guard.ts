import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, runDynamo } from '#core/aws/dynamo-errors.ts';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { itemKey } from '#core/aws/message-item.ts';
import type { AntiLoopSettings, AntiLoopVerdict } from '#core/domain/anti-loop.ts';
import type { PreparedMessage } from '#core/domain/prepare-message.ts';

// The anti-loop rules (core/domain/anti-loop.ts) across Lambda invocations and tasks, as two small
// items in the messages table (the status stream's filter only passes `MSG#` items):
// - `LOOP#REQ#<hash of the message>`: the end of its duplicate window;
// - `LOOP#TO#<hash of the number>`: the time of its last message and the streak of short gaps.
// Both are written in ONE transaction, so a refusal by one rule leaves the other unchanged. The
// streak either continues (the last message is recent and the streak below the limit) or restarts
// (the last one is older than the gap); when neither condition holds, the number is flooded.

const ATTEMPTS = 4;
const CONDITION_FAILED = 'ConditionalCheckFailed';

export interface AdmitOptions {
  /** Scoped Idempotency-Key: a retry of a request already stored is not a new message. */
  idempotencyKey?: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** What makes two requests identical for the SMSC: what it receives, not our own bookkeeping. */
export function messageFingerprint(prepared: PreparedMessage): string {
  return sha256(
    JSON.stringify([prepared.to, prepared.from ?? '', prepared.kind, prepared.dataCoding, prepared.body]),
  );
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

  async admit(prepared: PreparedMessage, options: AdmitOptions = {}): Promise<AntiLoopVerdict> {
    if (!this.enabled) return { verdict: 'allowed' };
    if (options.idempotencyKey && (await this.alreadyStored(options.idempotencyKey))) {
      return { verdict: 'allowed' };
    }
    const requestKey = `LOOP#REQ#${messageFingerprint(prepared)}`;
    const numberKey = `LOOP#TO#${sha256(prepared.to)}`;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      for (const streak of ['continue', 'restart'] as const) {
        const now = this.clock().getTime();
        const codes = await this.write(requestKey, numberKey, streak, now);
        if (!codes) return { verdict: 'allowed' };
        if (this.settings.duplicateWindowMs > 0 && codes[0] === CONDITION_FAILED) {
          return {
            verdict: 'duplicate',
            retryAfterSeconds: Math.ceil(this.settings.duplicateWindowMs / 1000),
          };
        }
      }
      // Neither continuing nor restarting the streak was allowed: it is at the limit, unless the
      // number's item changed between the two writes; a few rounds settle that.
      if (attempt === ATTEMPTS - 1 || !(await this.streakMayHaveMoved(numberKey))) break;
    }
    return { verdict: 'flood', retryAfterSeconds: Math.ceil(this.settings.floodGapMs / 1000) };
  }

  /** Undefined when written; else the cancellation code of [request item, number item]. */
  private async write(
    requestKey: string,
    numberKey: string,
    streak: 'continue' | 'restart',
    now: number,
  ): Promise<string[] | undefined> {
    const { duplicateWindowMs, floodLimit, floodGapMs } = this.settings;
    const items = [];
    if (duplicateWindowMs > 0) {
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            pk: requestKey,
            windowEndsAtMs: now + duplicateWindowMs,
            expiresAt: epoch(now + duplicateWindowMs),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR windowEndsAtMs <= :now',
          ExpressionAttributeValues: { ':now': now },
        },
      });
    } else {
      items.push(undefined);
    }
    if (floodLimit > 0) {
      items.push(
        streak === 'continue'
          ? {
              Update: {
                TableName: this.tableName,
                Key: { pk: numberKey },
                UpdateExpression: 'SET streak = streak + :one, lastAtMs = :now, expiresAt = :expires',
                ConditionExpression: 'lastAtMs > :cutoff AND streak < :limit',
                ExpressionAttributeValues: {
                  ':one': 1,
                  ':now': now,
                  ':expires': epoch(now + floodGapMs),
                  ':cutoff': now - floodGapMs,
                  ':limit': floodLimit,
                },
              },
            }
          : {
              Put: {
                TableName: this.tableName,
                Item: { pk: numberKey, streak: 1, lastAtMs: now, expiresAt: epoch(now + floodGapMs) },
                ConditionExpression: 'attribute_not_exists(pk) OR lastAtMs <= :cutoff',
                ExpressionAttributeValues: { ':cutoff': now - floodGapMs },
              },
            },
      );
    } else {
      items.push(undefined);
    }
    const present = items.filter((item) => item !== undefined);
    try {
      await runDynamo('anti-loop guard', () =>
        this.client.send(new TransactWriteCommand({ TransactItems: present })),
      );
      return undefined;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (!codes) throw error;
      // Back in [request, number] order whichever rule is off.
      const [first = 'None', second = 'None'] = codes;
      if (duplicateWindowMs <= 0) return ['None', first];
      if (floodLimit <= 0) return [first, 'None'];
      if (!codes.includes(CONDITION_FAILED)) {
        throw new RepositoryUnavailableError(`anti-loop guard transaction cancelled: ${codes.join(', ')}`);
      }
      return [first, second];
    }
  }

  /** True when the last message to the number is old enough that a restart should have worked. */
  private async streakMayHaveMoved(numberKey: string): Promise<boolean> {
    const { Item } = await runDynamo('anti-loop read', () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: numberKey }, ConsistentRead: true }),
      ),
    );
    const streak = typeof Item?.streak === 'number' ? Item.streak : 0;
    const lastAtMs = typeof Item?.lastAtMs === 'number' ? Item.lastAtMs : 0;
    return streak < this.settings.floodLimit || lastAtMs <= this.clock().getTime() - this.settings.floodGapMs;
  }

  private async alreadyStored(idempotencyKey: string): Promise<boolean> {
    const { Item } = await runDynamo('read idempotency record', () =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: itemKey.idempotency(idempotencyKey),
          ConsistentRead: true,
        }),
      ),
    );
    return Item !== undefined;
  }
}

/** TTL a little after the window, in epoch seconds: DynamoDB deletes late, the conditions decide. */
function epoch(ms: number): number {
  return Math.ceil(ms / 1000) + 60;
}
