// The long messages one session has started and not finished: a part of it went on the wire and
// later parts are still to come. A graceful stop (a slot handed over, the task's last slot of a
// login given up) waits for them within its drain before it unbinds: a message cut off there
// leaves the SMSC holding half of it, which the provider fails with err 241 and bills the parts of.
// Only tagged submits (SubmitTag) are known here; the engine's dispatch tags every one, and its
// sender says when a message is over (messageEnded), answered or given up.
import { describeCommandStatus } from '#core/domain/provider/command-status.ts';
import type { SubmitOutcome, SubmitTag } from './pdu/pdu-mapping.ts';

/**
 * The provider's minute for all parts of a long message: no part goes after it (send-parts.ts),
 * so a message started longer ago is forgotten here (its sender gave up; nobody says so).
 */
export const PARTS_MINUTE_MS = 60_000;

export class PartsToCome {
  /** Message id → when its first part went out; insertion order is age order. */
  private readonly started = new Map<string, number>();
  private noneListeners: (() => void)[] = [];

  constructor(
    private readonly now: () => number,
    private readonly maxAgeMs = PARTS_MINUTE_MS,
  ) {}

  /** Messages with parts still to come. */
  get size(): number {
    this.forgetOld();
    return this.started.size;
  }

  /** A part went on the wire: with parts after it, its message is started (at its first send). */
  sent(tag: SubmitTag | undefined): void {
    if (!tag || tag.part >= tag.parts || this.started.has(tag.messageId)) return;
    this.forgetOld();
    this.started.set(tag.messageId, this.now());
  }

  /** A part's outcome (answered or not sent): its message is over unless more parts can follow. */
  settled(tag: SubmitTag | undefined, outcome: SubmitOutcome): void {
    if (!tag || !this.started.has(tag.messageId) || !ends(tag, outcome)) return;
    this.started.delete(tag.messageId);
    this.notifyIfNone();
  }

  /** Its sender sends no more of its parts (send-parts.ts says so whenever it returns). */
  ended(messageId: string): void {
    if (!this.started.delete(messageId)) return;
    this.notifyIfNone();
  }

  /** Resolves once no message has parts to come (at once if none has). */
  whenNone(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.noneListeners.push(resolve));
  }

  private forgetOld(): void {
    const now = this.now();
    let forgot = false;
    for (const [messageId, at] of this.started) {
      if (now - at < this.maxAgeMs) break;
      this.started.delete(messageId);
      forgot = true;
    }
    if (forgot) this.notifyIfNone();
  }

  private notifyIfNone(): void {
    if (this.started.size > 0 || this.noneListeners.length === 0) return;
    const listeners = this.noneListeners;
    this.noneListeners = [];
    for (const listener of listeners) listener();
  }
}

/**
 * Throttled or refused for a passing reason, the same part may be sent again (part-action.ts),
 * unless it is the first: then nothing of the message is at the SMSC, and a resend starts it anew.
 * Refused for good, unknown or not sent, the sender ends the message. Accepted, only the last part
 * ends it.
 */
function ends(tag: SubmitTag, outcome: SubmitOutcome): boolean {
  switch (outcome.kind) {
    case 'accepted':
      return tag.part >= tag.parts;
    case 'throttled':
      return tag.part === 1;
    case 'rejected':
      return tag.part === 1 || describeCommandStatus(outcome.commandStatus).kind !== 'transient';
    case 'unknown':
    case 'not-sent':
      return true;
  }
}
