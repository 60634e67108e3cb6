// The submit pipeline's in-memory ports: message records with the conditional transitions the
// pipeline relies on, a scripted bind, a queue and a rate that record their calls.
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import type { HeldMessage } from '#bind-service/dispatch/intake/held-messages.ts';
import type { LaneQueue } from '#bind-service/dispatch/intake/sqs-lane.ts';
import type { MessageStore, RatePort } from '#bind-service/dispatch/ports.ts';
import type { Submitter } from '#bind-service/dispatch/submit/send-parts.ts';
import {
  type BindSource,
  type PipelineDeps,
  SubmitPipeline,
} from '#bind-service/dispatch/submit/submit-pipeline.ts';
import type { SubmitFields, SubmitOutcome } from '#bind-service/smpp/index.ts';
import { DuplicateMessageIdError } from '#core/aws/errors.ts';
import type {
  ClaimOptions,
  ClaimResult,
  ClaimView,
  CreateAcceptedResult,
  MarkSubmittedResult,
  TransitionResult,
} from '#core/aws/messages/message-repository.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import {
  acceptedMessageRecord,
  type MessageError,
  type MessageRecord,
} from '#core/domain/messages/message-model.ts';
import type { MessageStatus } from '#core/domain/messages/message-state.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { contentFingerprint as contentFingerprintOf } from '#core/domain/messages/same-content.ts';
import { queueMessageSchema } from '#core/domain/requests/message-schema.ts';
import { silentLogger } from '#core/observability/logger.ts';

interface StoredMessage {
  /** As created: what get() answers, with the status as it is now. */
  record: MessageRecord;
  status: MessageStatus;
  smscIds: string[];
  claimedBy?: string;
  claimedAt?: string;
  awaitingRules?: boolean;
  /** As toMessageItem writes it; absent on a record of a version before fingerprints. */
  contentFingerprint?: string;
}

/** Message records in memory, with the conditional transitions the pipeline relies on. */
export class MemoryStore implements MessageStore {
  readonly records = new Map<string, StoredMessage>();
  readonly calls: string[] = [];
  /** How long each claim write takes to answer (a slow store). */
  claimDelayMs = 0;
  /** Claim writes under way now, and the most at once. */
  claimsUnderWay = 0;
  peakClaimsUnderWay = 0;

  async createAccepted(record: MessageRecord): Promise<CreateAcceptedResult> {
    this.calls.push(`createAccepted ${record.id}`);
    if (this.records.has(record.id)) throw new DuplicateMessageIdError(record.id);
    const contentFingerprint = contentFingerprintOf(record);
    this.records.set(record.id, { record, status: 'accepted', smscIds: [], contentFingerprint });
    return { created: true };
  }

  async createAwaitingRules(record: MessageRecord): Promise<void> {
    this.calls.push(`createAwaitingRules ${record.id}`);
    if (this.records.has(record.id)) throw new DuplicateMessageIdError(record.id);
    const contentFingerprint = contentFingerprintOf(record);
    this.records.set(record.id, {
      record,
      status: 'accepted',
      smscIds: [],
      awaitingRules: true,
      contentFingerprint,
    });
  }

  async createRejected(record: MessageRecord): Promise<void> {
    this.calls.push(`createRejected ${record.id}`);
    if (this.records.has(record.id)) throw new DuplicateMessageIdError(record.id);
    this.records.set(record.id, { record, status: 'rejected', smscIds: [] });
  }

  async claimForSubmit(id: string, holder?: string, options: ClaimOptions = {}): Promise<ClaimResult> {
    this.calls.push(`claimForSubmit ${id}`);
    if (this.claimDelayMs > 0) {
      this.claimsUnderWay += 1;
      this.peakClaimsUnderWay = Math.max(this.peakClaimsUnderWay, this.claimsUnderWay);
      await new Promise((resolve) => setTimeout(resolve, this.claimDelayMs));
      this.claimsUnderWay -= 1;
    }
    const record = this.records.get(id);
    if (!record) return 'not-found';
    if (record.status !== 'accepted') return 'already-claimed';
    if (record.awaitingRules && !options.admitted) return 'awaiting-rules';
    const { content } = options;
    if (
      content &&
      (record.contentFingerprint !== content.fingerprint ||
        (content.account !== undefined &&
          record.record.account !== undefined &&
          record.record.account !== content.account))
    ) {
      // As the repository does: the claim's own read of the record goes to the caller.
      content.onUnmatched?.({ ...record.record, status: record.status, smscIds: [...record.smscIds] });
      return 'unmatched-content';
    }
    record.awaitingRules = false;
    record.status = 'submitting';
    if (holder !== undefined) record.claimedBy = holder;
    record.claimedAt = new Date().toISOString();
    return 'claimed';
  }

  async get(id: string): Promise<MessageRecord | undefined> {
    this.calls.push(`get ${id}`);
    const stored = this.records.get(id);
    return stored && { ...stored.record, status: stored.status, smscIds: [...stored.smscIds] };
  }

  async claimOf(id: string): Promise<ClaimView | undefined> {
    const record = this.records.get(id);
    if (!record) return undefined;
    const { status, claimedBy, claimedAt } = record;
    return { status, ...(claimedBy === undefined ? {} : { claimedBy }), ...(claimedAt ? { claimedAt } : {}) };
  }

  releaseClaim(id: string): Promise<TransitionResult> {
    return this.move(`releaseClaim ${id}`, id, ['submitting'], 'accepted');
  }

  async markSubmitted(id: string, smscIds: readonly string[]): Promise<MarkSubmittedResult> {
    const result = await this.move(
      `markSubmitted ${id} ${smscIds.join(',')}`,
      id,
      ['submitting'],
      'submitted',
    );
    if (result === 'applied') this.records.get(id)?.smscIds.push(...smscIds);
    return { result, reconciledReceipts: 0 };
  }

  markUnknown(id: string, _reason: string, smscIds: readonly string[] = []): Promise<TransitionResult> {
    return this.move(`markUnknown ${id} ${smscIds.join(',')}`, id, ['submitting'], 'unknown');
  }

  async markUnknownIfClaimedBy(id: string, holder: string): Promise<TransitionResult> {
    const record = this.records.get(id);
    // As the repository's condition: the claim's holder is `<queue message id>#<receive>`.
    const claimedBy = record?.claimedBy;
    if (claimedBy !== undefined && claimedBy !== holder && !claimedBy.startsWith(`${holder}#`)) {
      this.calls.push(`markUnknownIfClaimedBy ${id} ${holder}`);
      return 'stale';
    }
    return this.move(`markUnknownIfClaimedBy ${id} ${holder}`, id, ['submitting'], 'unknown');
  }

  markFailed(id: string, error: MessageError): Promise<TransitionResult> {
    return this.move(`markFailed ${id} ${String(error.code)}`, id, ['submitting'], 'failed');
  }

  markExpired(id: string): Promise<TransitionResult> {
    return this.move(`markExpired ${id}`, id, ['accepted'], 'expired');
  }

  markRejected(id: string): Promise<TransitionResult> {
    return this.move(`markRejected ${id}`, id, ['accepted'], 'rejected');
  }

  private async move(
    call: string,
    id: string,
    from: MessageStatus[],
    to: MessageStatus,
  ): Promise<TransitionResult> {
    this.calls.push(call);
    const record = this.records.get(id);
    if (!record || !from.includes(record.status)) return 'stale';
    record.status = to;
    return 'applied';
  }
}

/** A bind that answers each SUBMIT_SM with the next scripted outcome, else accepts it. */
export function scriptedBind(...outcomes: SubmitOutcome[]): Submitter & { sent: SubmitFields[] } {
  const sent: SubmitFields[] = [];
  return {
    sent,
    submit: async (fields) => {
      sent.push(fields);
      return outcomes.shift() ?? { kind: 'accepted', messageId: `smsc-${sent.length}` };
    },
  };
}

export function memoryQueue(calls: string[]): LaneQueue {
  return {
    lane: 'bulk',
    receive: async () => [],
    delete: async (handle) => {
      calls.push(`delete ${handle}`);
    },
    changeVisibility: async (handle, seconds) => {
      calls.push(`visibility ${handle} ${seconds}`);
    },
    deadLetter: async () => {
      calls.push('dead-letter');
    },
    visibilityTimeoutSeconds: async () => 30,
    flush: async () => undefined,
  };
}

export function rig(
  options: { bind?: Submitter | undefined; currentRate?: number; token?: () => Promise<void> } = {},
) {
  const store = new MemoryStore();
  const queueCalls: string[] = [];
  const queue = memoryQueue(queueCalls);
  const rateCalls: string[] = [];
  const rate: RatePort & { currentRate: number } = {
    currentRate: options.currentRate ?? 100,
    wait: async (lane) => {
      rateCalls.push(`token ${lane}`);
      await options.token?.();
    },
    onThrottled: () => {
      rateCalls.push('throttled');
    },
    onSuccess: () => {
      rateCalls.push('success');
    },
  };
  const bind = 'bind' in options ? options.bind : scriptedBind();
  const binds: BindSource = { acquire: async () => bind };
  const stats = emptyStats();
  const deps: PipelineDeps = {
    messages: store,
    queues: { urgent: queue, bulk: queue },
    binds,
    rate,
    prepare: { isoMode: false, maxParts: 10 },
    stats,
    log: silentLogger,
    stopTaking: new AbortController().signal,
  };
  return { pipeline: new SubmitPipeline(deps), store, queueCalls, rateCalls, stats };
}

export function held(body: object | string, sqsMessageId = 'sqs-1'): HeldMessage {
  return {
    lane: 'bulk',
    sqsMessageId,
    receiptHandle: 'rh-1',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    sentTimestampMs: Date.now(),
    receiveCount: 1,
    // Far from SQS's visibility deadline: the outcome's write is retried patiently.
    visibleUntil: performance.now() + 300_000,
  };
}

export const message = (id: string) => ({ v: 1, id, to: '+79991234567', text: 'Hello' });

/** The record of `message(id)`, as the API (or the queue message's first receive) makes it. */
export function recordOf(body: Record<string, unknown> & { id: string }): MessageRecord {
  const request = queueMessageSchema.parse(body);
  const prepared = prepareMessage(request, { isoMode: false, maxParts: 10 });
  return acceptedMessageRecord({ id: body.id, request, prepared, now: new Date() });
}

export async function acceptedMessage(store: MemoryStore): Promise<string> {
  const id = newMessageId();
  await store.createAccepted(recordOf(message(id)));
  return id;
}
