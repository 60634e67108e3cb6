import { CommandStatus } from '#core/domain/provider/command-status.ts';
// Scripted misbehaviour for submit_sm. Answer faults queue up in the order they were added: the
// first one applies to the next `count` submits (for ever without a count), then the next one takes
// over. Session faults (unbind-after, close-after) count submits on their own and fire once.
import type { Fault } from '../types.ts';

export type AnswerFault =
  | { type: 'no-answer' }
  | { type: 'generic-nack'; commandStatus: number }
  | { type: 'status'; commandStatus: number }
  | { type: 'throttle' }
  | { type: 'slow'; delayMs: number }
  /** Accepted as usual, but the submit_sm_resp carries an empty message_id. */
  | { type: 'empty-id' };

export type SessionFault = 'unbind' | 'close';

interface QueuedAnswerFault {
  fault: AnswerFault;
  remaining: number;
}

interface PendingSessionFault {
  action: SessionFault;
  remaining: number;
}

function toAnswerFault(fault: Fault): AnswerFault | undefined {
  switch (fault.type) {
    case 'no-answer':
    case 'throttle':
    case 'empty-id':
      return { type: fault.type };
    case 'generic-nack':
      return { type: 'generic-nack', commandStatus: fault.commandStatus ?? CommandStatus.ESME_RSYSERR };
    case 'status':
      return { type: 'status', commandStatus: fault.commandStatus };
    case 'slow':
      return { type: 'slow', delayMs: fault.delayMs };
    default:
      return undefined;
  }
}

export class FaultBook {
  private answers: QueuedAnswerFault[] = [];
  private sessionFaults: PendingSessionFault[] = [];

  /** Cheap check for the hot path: nothing scripted means nothing to look up. */
  get empty(): boolean {
    return this.answers.length === 0 && this.sessionFaults.length === 0;
  }

  add(fault: Fault): void {
    if (fault.type === 'unbind-after' || fault.type === 'close-after') {
      const action: SessionFault = fault.type === 'unbind-after' ? 'unbind' : 'close';
      this.sessionFaults.push({ action, remaining: Math.max(0, fault.submits) });
      return;
    }
    const answer = toAnswerFault(fault);
    if (!answer) return;
    const count = fault.count;
    if (count !== undefined && count <= 0) return;
    this.answers.push({ fault: answer, remaining: count === undefined ? Number.POSITIVE_INFINITY : count });
  }

  clear(): void {
    this.answers = [];
    this.sessionFaults = [];
  }

  /** A session fault due before this submit is even answered (scripted with `submits: 0`). */
  dueBeforeAnswer(): SessionFault | undefined {
    const index = this.sessionFaults.findIndex((f) => f.remaining === 0);
    if (index === -1) return undefined;
    const [due] = this.sessionFaults.splice(index, 1);
    return due?.action;
  }

  /** The answer fault for this submit, consuming one use of it. */
  takeAnswerFault(): AnswerFault | undefined {
    const head = this.answers[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.answers.shift();
    return head.fault;
  }

  /** Counts an answered submit; returns the session fault that this submit made due. */
  countAnswered(): SessionFault | undefined {
    let due: SessionFault | undefined;
    for (const pending of this.sessionFaults) {
      pending.remaining -= 1;
      if (pending.remaining === 0 && !due) due = pending.action;
    }
    this.sessionFaults = this.sessionFaults.filter((f) => f.remaining > 0);
    return due;
  }
}
