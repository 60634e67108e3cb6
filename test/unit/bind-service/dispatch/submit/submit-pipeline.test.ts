import { describe, expect, it } from 'vitest';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import { giveBackSeconds } from '#bind-service/dispatch/intake/give-back.ts';
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
  ClaimResult,
  CreateAcceptedResult,
  MarkSubmittedResult,
  TransitionResult,
} from '#core/aws/messages/message-repository.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import type { MessageError, MessageRecord } from '#core/domain/messages/message-model.ts';
import type { MessageStatus } from '#core/domain/messages/message-state.ts';
import type { Logger } from '#core/observability/logger.ts';

// The submit pipeline's order of port calls (claim, a bind, a rate token, the parts, the state write,
// the SQS action) against in-memory ports, one rule per test. The same pipeline against DynamoDB
// Local, fauxqs and the simulator: test/integration/bind-service/dispatch/.

const quiet: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quiet,
};

interface StoredMessage {
  status: MessageStatus;
  smscIds: string[];
  claimedBy?: string;
}

/** Message records in memory, with the conditional transitions the pipeline relies on. */
class MemoryStore implements MessageStore {
  readonly records = new Map<string, StoredMessage>();
  readonly calls: string[] = [];

  async createAccepted(record: MessageRecord): Promise<CreateAcceptedResult> {
    this.calls.push(`createAccepted ${record.id}`);
    if (this.records.has(record.id)) throw new DuplicateMessageIdError(record.id);
    this.records.set(record.id, { status: 'accepted', smscIds: [] });
    return { created: true };
  }

  async claimForSubmit(id: string, holder?: string): Promise<ClaimResult> {
    this.calls.push(`claimForSubmit ${id}`);
    const record = this.records.get(id);
    if (!record) return 'not-found';
    if (record.status !== 'accepted') return 'already-claimed';
    record.status = 'submitting';
    if (holder !== undefined) record.claimedBy = holder;
    return 'claimed';
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
function scriptedBind(...outcomes: SubmitOutcome[]): Submitter & { sent: SubmitFields[] } {
  const sent: SubmitFields[] = [];
  return {
    sent,
    submit: async (fields) => {
      sent.push(fields);
      return outcomes.shift() ?? { kind: 'accepted', messageId: `smsc-${sent.length}` };
    },
  };
}

function memoryQueue(calls: string[]): LaneQueue {
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

function rig(options: { bind?: Submitter | undefined } = {}) {
  const store = new MemoryStore();
  const queueCalls: string[] = [];
  const queue = memoryQueue(queueCalls);
  const rateCalls: string[] = [];
  const rate: RatePort & { currentRate: number } = {
    currentRate: 100,
    wait: async (lane) => {
      rateCalls.push(`token ${lane}`);
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
    log: quiet,
    stopTaking: new AbortController().signal,
  };
  return { pipeline: new SubmitPipeline(deps), store, queueCalls, rateCalls, stats };
}

function held(body: object | string, sqsMessageId = 'sqs-1'): HeldMessage {
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

const message = (id: string) => ({ v: 1, id, to: '+79991234567', text: 'Hello' });

async function acceptedMessage(store: MemoryStore): Promise<string> {
  const id = newMessageId();
  await store.createAccepted({ id } as MessageRecord);
  return id;
}

describe('SubmitPipeline (in-memory ports)', () => {
  it('when a message is claimed and its part accepted, then it is recorded submitted and deleted from its queue', async () => {
    // Prepare
    const bind = scriptedBind({ kind: 'accepted', messageId: 'A1' });
    const r = rig({ bind });
    const id = await acceptedMessage(r.store);
    // Act
    await r.pipeline.process(held(message(id)));
    // Assess
    expect(r.store.calls).toEqual([`createAccepted ${id}`, `claimForSubmit ${id}`, `markSubmitted ${id} A1`]);
    expect(r.store.records.get(id)).toMatchObject({ status: 'submitted', smscIds: ['A1'] });
    expect(bind.sent).toHaveLength(1);
    expect(r.rateCalls).toEqual(['token bulk', 'success']);
    expect(r.queueCalls).toEqual(['delete rh-1']);
    expect(r.stats.submitted).toBe(1);
  });

  it('when the bind is lost before the part goes out, then the claim is given back and the message shown again later', async () => {
    // Prepare
    const bind = scriptedBind({ kind: 'not-sent', reason: 'not-bound' });
    const r = rig({ bind });
    const id = await acceptedMessage(r.store);
    // Act
    await r.pipeline.process(held(message(id)));
    // Assess
    expect(r.store.calls).toEqual([`createAccepted ${id}`, `claimForSubmit ${id}`, `releaseClaim ${id}`]);
    expect(r.store.records.get(id)?.status).toBe('accepted');
    expect(r.queueCalls).toEqual([`visibility rh-1 ${giveBackSeconds(1)}`]);
    expect(r.stats).toMatchObject({ released: 1, submitted: 0, unknown: 0 });
  });

  it('when its own queue message comes back while it is still submitting, then it is made unknown, deleted and not sent again', async () => {
    // Prepare
    const bind = scriptedBind();
    const r = rig({ bind });
    const id = await acceptedMessage(r.store);
    await r.store.claimForSubmit(id, 'sqs-1#earlier-receive');
    // Act
    await r.pipeline.process(held(message(id), 'sqs-1'));
    // Assess
    expect(bind.sent).toEqual([]);
    expect(r.rateCalls).toEqual([]);
    expect(r.store.records.get(id)?.status).toBe('unknown');
    expect(r.queueCalls).toEqual(['delete rh-1']);
    expect(r.stats).toMatchObject({ redeliveriesDeleted: 1, unknown: 1, submitted: 0 });
  });

  it('when a copy of a message claimed under another queue message arrives, then it is deleted, not sent, and the state left alone', async () => {
    // Prepare
    const bind = scriptedBind();
    const r = rig({ bind });
    const id = await acceptedMessage(r.store);
    await r.store.claimForSubmit(id, 'sqs-holder#1');
    // Act
    await r.pipeline.process(held(message(id), 'sqs-copy'));
    // Assess
    expect(bind.sent).toEqual([]);
    expect(r.store.records.get(id)?.status).toBe('submitting');
    expect(r.queueCalls).toEqual(['delete rh-1']);
    expect(r.stats).toMatchObject({ redeliveriesDeleted: 1, unknown: 0 });
  });

  it('when a part is throttled, then the same part is sent again after the limiter slowed down', async () => {
    // Prepare
    const bind = scriptedBind({ kind: 'throttled' }, { kind: 'accepted', messageId: 'A2' });
    const r = rig({ bind });
    const id = await acceptedMessage(r.store);
    // Act
    await r.pipeline.process(held(message(id)));
    // Assess
    expect(bind.sent).toHaveLength(2);
    expect(bind.sent[1]).toEqual(bind.sent[0]);
    expect(r.rateCalls).toEqual(['token bulk', 'throttled', 'token bulk', 'success']);
    expect(r.store.records.get(id)).toMatchObject({ status: 'submitted', smscIds: ['A2'] });
    expect(r.stats).toMatchObject({ throttled: 1, submitted: 1 });
  });

  it('when no bind will come back (every session stopped), then the message is given back unclaimed at once', async () => {
    // Prepare
    const r = rig({ bind: undefined });
    const id = await acceptedMessage(r.store);
    // Act
    await r.pipeline.process(held(message(id)));
    // Assess
    expect(r.store.calls).toEqual([`createAccepted ${id}`]);
    expect(r.store.records.get(id)?.status).toBe('accepted');
    expect(r.queueCalls).toEqual(['visibility rh-1 0']);
  });

  it('when the body is not JSON, then its derived record ends rejected, it is dead-lettered and deleted, and nothing is claimed or sent', async () => {
    // Prepare
    const bind = scriptedBind();
    const r = rig({ bind });
    // Act
    await r.pipeline.process(held('{"v":1, "to": '));
    // Assess
    const [derivedId] = [...r.store.records.keys()];
    expect(r.store.calls).toEqual([`createAccepted ${derivedId}`, `markRejected ${derivedId}`]);
    expect(r.store.records.get(derivedId ?? '')?.status).toBe('rejected');
    expect(bind.sent).toEqual([]);
    expect(r.queueCalls).toEqual(['dead-letter', 'delete rh-1']);
    expect(r.stats.rejected).toBe(1);
  });
});
