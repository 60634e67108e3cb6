// The engine's 'late-answer' events: a SUBMIT_SM_RESP that came after its timeout, when the message
// has been (or is about to be) recorded `unknown`. What the SMSC said is written onto the message
// (late-answer.ts in core/aws): its SMSC id and lookup item, so its receipt resolves it, its
// refusal, or that it did not take the message after all (the sweeper then sends it). Nothing is
// resent from here. The pipeline writes `unknown` a moment after the timeout; an answer
// that beats that write waits for it ('pending'), for a bounded time.
import { setTimeout as delay } from 'node:timers/promises';
import type { SessionEvents } from '#bind-service/smpp/index.ts';
import type { LateAnswer } from '#core/aws/messages/message-repository.ts';
import type { MessageError } from '#core/domain/messages/message-model.ts';
import { CommandStatus, describeCommandStatus } from '#core/domain/provider/command-status.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { DispatchStats } from '../flow/stats.ts';
import type { LateAnswerStore } from '../ports.ts';
import { commandStatusError } from '../submit/part-action.ts';
import { retryTransient } from '../submit/retry.ts';

export interface LateAnswersDeps {
  messages: LateAnswerStore;
  /** The SINGLE flag: every part has its own SMSC id. */
  singleIds: boolean;
  stats: DispatchStats;
  log: Logger;
  /** How long an answer waits for the message's `unknown` write; default 30 s. */
  pendingWaitMs?: number;
}

type LateAnswerEvent = SessionEvents['late-answer'];

/** What the answer tells about the part; undefined when it tells nothing (a generic_nack 0). */
export function lateAnswerOf(event: LateAnswerEvent, singleIds: boolean): LateAnswer | undefined {
  const { tag, outcome } = event;
  switch (outcome.kind) {
    case 'accepted':
      return {
        kind: 'accepted',
        smscId: outcome.messageId,
        lastPart: tag.part === tag.parts,
        // Parts go out one after another, so this part is the last one on the wire.
        ...(singleIds ? { expectedSmscIds: tag.part } : {}),
      };
    case 'rejected': {
      const error = commandStatusError(outcome.commandStatus);
      // A passing refusal (an answer in time is retried) did not take the part either.
      const passing = describeCommandStatus(outcome.commandStatus).kind === 'transient';
      if (!passing) return { kind: 'refused', error };
      return firstPartNotTaken(tag, error);
    }
    case 'throttled':
      return firstPartNotTaken(tag, commandStatusError(CommandStatus.ESME_RTHROTTLED));
    default:
      return undefined;
  }
}

/**
 * The part was not taken: the message may go again only if it was the first, so that nothing of it
 * is at the SMSC. A later part follows earlier ones the SMSC accepted (an id missing from their
 * answers included): sent again whole, they would go twice, so it stays `unknown`.
 */
function firstPartNotTaken(tag: LateAnswerEvent['tag'], error: MessageError): LateAnswer | undefined {
  return tag.part === 1 ? { kind: 'not-taken', error } : undefined;
}

export class LateAnswers {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly deps: LateAnswersDeps) {}

  /** The engine's listener: records in the background, never throws. */
  readonly handle = (event: LateAnswerEvent): void => {
    const work = this.record(event).finally(() => this.pending.delete(work));
    this.pending.add(work);
  };

  /** Resolves when every answer received so far is recorded (or given up on). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async record(event: LateAnswerEvent): Promise<void> {
    const { messages, stats, log } = this.deps;
    const context = { id: event.tag.messageId, part: event.tag.part, parts: event.tag.parts };
    const answer = lateAnswerOf(event, this.deps.singleIds);
    if (!answer) {
      log.info('late answer says nothing about the submit; the message stays unknown', context);
      return;
    }
    try {
      const waitUntil = performance.now() + (this.deps.pendingWaitMs ?? 30_000);
      for (let attempt = 0; ; attempt++) {
        const result = await retryTransient(() => messages.recordLateAnswer(event.tag.messageId, answer));
        if (result !== 'pending') {
          if (result === 'applied') stats.lateAnswers += 1;
          log.info('late SUBMIT_SM_RESP recorded', { ...context, answer: answer.kind, result });
          return;
        }
        if (performance.now() >= waitUntil) break;
        await delay(Math.min(1_000, 50 * 2 ** attempt));
      }
      log.error('late SUBMIT_SM_RESP not recorded: the message never left submitting', context);
    } catch (error) {
      log.error('late SUBMIT_SM_RESP not recorded', { ...context, answer: answer.kind, error });
    }
  }
}
