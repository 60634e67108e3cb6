import { describe, expect, it } from 'vitest';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import {
  type ParsedQueueMessage,
  parseQueueMessage,
  type QueueParseOptions,
} from '#bind-service/dispatch/intake/queue-message.ts';
import type { LaneQueue } from '#bind-service/dispatch/intake/sqs-lane.ts';
import { claimContentOf } from '#bind-service/dispatch/submit/accepted-record.ts';
import { differencesFrom } from '#bind-service/dispatch/submit/reused-id.ts';
import { type PipelineDeps, SubmitPipeline } from '#bind-service/dispatch/submit/submit-pipeline.ts';
import type { ClaimResult } from '#core/aws/messages/claim-writes.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { acceptedMessageRecord, type MessageRecord } from '#core/domain/messages/message-model.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { queueBodyOf } from '#core/domain/messages/queue-body.ts';
import { contentFingerprint, ID_REUSED } from '#core/domain/messages/same-content.ts';
import { type SendMessageInput, sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { silentLogger } from '#core/observability/logger.ts';
import { held, MemoryStore, recordOf, scriptedBind } from './pipeline-rig.ts';

// A queue message is compared with the record of its id by the record it would have made
// (reused-id.ts): the API's and the sweeper's bodies, rebuilt from the record (queue-body.ts), must
// compare equal to it whatever optional fields it holds, and a body that sends anything else must not.

const PREPARE = { isoMode: false, maxParts: 10 };
const CREATED = new Date('2026-01-01T00:00:00Z');

/** A record as the API writes it for `input`, under `id`, sent by account `main`. */
function apiRecord(input: SendMessageInput, id = newMessageId(CREATED.getTime())): MessageRecord {
  const request = sendMessageSchema.parse(input);
  const prepared = prepareMessage(request, PREPARE);
  return acceptedMessageRecord({ id, request, prepared, account: 'main', now: CREATED });
}

/** The accounts the bodies may name: `+44…` routes to `other`, the rest to `main`. */
const WITH_ACCOUNTS: QueueParseOptions = {
  ...PREPARE,
  accounts: [
    { name: 'main', systemType: '', flags: { iso: false, single: false }, senders: [], prefixes: [] },
    { name: 'other', systemType: '', flags: { iso: false, single: false }, senders: [], prefixes: ['+44'] },
  ],
};

function parsed(body: object): Extract<ParsedQueueMessage, { ok: true }> {
  const result = parseQueueMessage(JSON.stringify(body), WITH_ACCOUNTS);
  if (!result.ok) throw new Error(`test body is invalid: ${JSON.stringify(result.issues)}`);
  return result;
}

const lane = { lane: 'bulk' as const, sentTimestampMs: CREATED.getTime() + 1_000 };
const differences = (record: MessageRecord, body: object) =>
  differencesFrom(record, record.id, parsed(body), lane, new Date());

describe('reused ids: the queue body rebuilt from a record compares equal to it', () => {
  const everyField: Record<string, SendMessageInput> = {
    'an sms with every optional field': {
      to: '+79991234567',
      text: 'Cafe\u0301 opens at 9\nsee you',
      from: 'Shop',
      comment: 'order 42',
      priority: 'bulk',
      encoding: 'ucs2',
      validityMinutes: 90,
      clientRef: 'order-42',
      callbackUrl: 'https://example.com/hooks/sms',
      account: 'main',
    },
    'a binary message with a UDH': {
      to: '+79991234567',
      encoding: 'binary',
      udh: '0605040B8423F0',
      text: 'AB'.repeat(20),
      validityMinutes: 5,
    },
    'a mail with its subject': {
      to: 'someone@example.com',
      kind: 'mail',
      from: 'shop@example.com',
      subject: 'Your order',
      text: 'It is on its way',
    },
    'a call with its voice': { to: '+79991234567', kind: 'call', voice: 'w2', text: 'Your code is 1234' },
    'a bot message': { to: '+79991234567', kind: 'bot', bot: '@shop_bot', text: 'Hello' },
    'an hlr request (no text)': { to: '+79991234567', kind: 'hlr' },
  };
  for (const [name, input] of Object.entries(everyField)) {
    it(`when the record is ${name}, then its queue body parsed back shows no difference`, () => {
      // Prepare
      const record = apiRecord(input);
      // Act
      const body = JSON.parse(JSON.stringify(queueBodyOf(record))) as object;
      // Assess
      expect(differences(record, body)).toEqual([]);
    });
  }

  for (const [name, input] of Object.entries(everyField)) {
    it(`when the record is ${name}, then its queue body's claim holds the record's own fingerprint (no read)`, () => {
      // Prepare
      const record = apiRecord(input);
      // Act
      const body = JSON.parse(JSON.stringify(queueBodyOf(record))) as object;
      const content = claimContentOf(record.id, parsed(body), lane, new Date());
      // Assess
      expect(content.fingerprint).toBe(contentFingerprint(record));
    });
  }

  it('when the record’s id was derived from an idempotency key (no time), then the sweeper’s body with its acceptedAt shows no difference', () => {
    // Prepare: an id whose ULID time is 0, so the body carries the record's createdAt.
    const record = apiRecord({ to: '+79991234567', text: 'Keyed' }, '00000000000000000000000001');
    // Act
    const body = queueBodyOf(record);
    // Assess
    expect(body.acceptedAt).toBe(record.createdAt);
    expect(differences(record, body)).toEqual([]);
  });
});

describe('reused ids: a body that sends anything else differs', () => {
  const record = apiRecord({ to: '+79991234567', text: 'Order shipped', from: 'Shop', account: 'main' });
  const base = { v: 1, id: record.id, to: '+79991234567', text: 'Order shipped', from: 'Shop' };

  it('when only the lane, clientRef, callbackUrl or batch differ, then it is the same message', () => {
    // Act
    const found = differences(record, {
      ...base,
      priority: 'urgent',
      clientRef: 'another ref',
      callbackUrl: 'https://example.com/other',
      account: 'main',
    });
    // Assess
    expect(found).toEqual([]);
  });

  it('when the recipient is written otherwise but normalises the same, then it is the same message', () => {
    // Act / Assess
    expect(differences(record, { ...base, to: '+7 (999) 123-45-67' })).toEqual([]);
  });

  it('when recipient, text, sender, kind, encoding or validity differ, then each is named', () => {
    // Act / Assess
    expect(differences(record, { ...base, to: '+79997654321', text: 'Delivered' })).toEqual(['to', 'text']);
    expect(differences(record, { ...base, from: 'Other' })).toEqual(['from']);
    expect(differences(record, { ...base, from: undefined })).toEqual(['from']);
    expect(differences(record, { ...base, kind: 'flash' })).toEqual(['kind']);
    expect(differences(record, { ...base, encoding: 'ucs2' })).toEqual(['requestedEncoding']);
    expect(differences(record, { ...base, validityMinutes: 30 })).toEqual(['validityMinutes']);
    expect(differences(record, { ...base, comment: 'note' })).toEqual(['comment']);
  });

  it('when any compared field differs, then the fingerprint differs; when only what is not compared differs, it is the same', () => {
    // Prepare
    const fingerprintOf = (body: object) =>
      claimContentOf(record.id, parsed(body), lane, new Date()).fingerprint;
    const own = contentFingerprint(record);
    // Act / Assess
    expect(fingerprintOf({ ...base, priority: 'urgent', clientRef: 'r', account: 'main' })).toBe(own);
    for (const change of [
      { to: '+79997654321' },
      { text: 'Delivered' },
      { from: undefined },
      { kind: 'flash' },
      { encoding: 'ucs2' },
      { validityMinutes: 30 },
      { comment: 'note' },
    ]) {
      expect(fingerprintOf({ ...base, ...change }), JSON.stringify(change)).not.toBe(own);
    }
  });

  it('when the body names an account, then the claim holds the record to it; when it names none, it does not', () => {
    // Act / Assess
    expect(claimContentOf(record.id, parsed({ ...base, account: 'other' }), lane, new Date()).account).toBe(
      'other',
    );
    expect(claimContentOf(record.id, parsed(base), lane, new Date())).not.toHaveProperty('account');
  });

  it('when the body names another account, then it differs; when it names none, the account is not compared', () => {
    // Act / Assess: `+7…` would be routed to `main` anyway; naming `other` is another login.
    expect(differences(record, { ...base, account: 'other' })).toEqual(['account']);
    expect(differences(record, base)).toEqual([]);
  });
});

/** The first two claims answer 'not-found', as when both land before either record is made. */
class BothFindNoRecord extends MemoryStore {
  private early = 2;

  override async claimForSubmit(...args: Parameters<MemoryStore['claimForSubmit']>): Promise<ClaimResult> {
    if (this.early === 0) return super.claimForSubmit(...args);
    this.early -= 1;
    this.calls.push(`claimForSubmit ${args[0]}`);
    return 'not-found';
  }
}

describe('SubmitPipeline: two messages under one id (no anti-loop rules)', () => {
  /** A lane that keeps what it dead-lettered, with the attributes. */
  function keepingQueue(calls: string[], dead: Record<string, string>[]): LaneQueue {
    return {
      lane: 'bulk',
      receive: async () => [],
      delete: async (handle) => {
        calls.push(`delete ${handle}`);
      },
      changeVisibility: async (handle, seconds) => {
        calls.push(`visibility ${handle} ${seconds}`);
      },
      deadLetter: async (_body, attributes) => {
        calls.push('dead-letter');
        dead.push(attributes);
      },
      visibilityTimeoutSeconds: async () => 30,
      flush: async () => undefined,
    };
  }

  function pipelineRig(store = new MemoryStore(), prepare: PipelineDeps['prepare'] = PREPARE) {
    const calls: string[] = [];
    const dead: Record<string, string>[] = [];
    const queue = keepingQueue(calls, dead);
    const bind = scriptedBind();
    const stats = emptyStats();
    const pipeline = new SubmitPipeline({
      messages: store,
      queues: { urgent: queue, bulk: queue },
      binds: { acquire: async () => bind },
      rate: { currentRate: 100, wait: async () => undefined, onThrottled: () => {}, onSuccess: () => {} },
      prepare,
      stats,
      log: silentLogger,
      stopTaking: new AbortController().signal,
    });
    return { store, calls, dead, queue, bind, stats, pipeline };
  }

  it('when both find no record and race to make it, then one is sent under its own record and the other dead-lettered id_reused', async () => {
    // Prepare: both first claims land before either record is made, so both find none.
    const r = pipelineRig(new BothFindNoRecord());
    const id = newMessageId();
    const first = { v: 1, id, to: '+79991110001', text: 'Order shipped' };
    const second = { v: 1, id, to: '+79992220002', text: 'Order delivered' };
    // Act
    await Promise.all([
      r.pipeline.process({ ...held(first, 'sqs-1'), receiptHandle: 'rh-1' }, r.queue),
      r.pipeline.process({ ...held(second, 'sqs-2'), receiptHandle: 'rh-2' }, r.queue),
    ]);
    // Assess: the record names the one recipient sent to; the other is refused with why.
    const record = await r.store.get(id);
    expect(r.bind.sent.map((fields) => `+${fields.destination_addr}`)).toEqual([record?.to]);
    expect(record?.to).toBe('+79991110001');
    expect(r.dead).toEqual([
      expect.objectContaining({ errorCode: ID_REUSED, messageId: id, sqsMessageId: 'sqs-2' }),
    ]);
    expect(r.dead[0]?.errorDescription).toMatch(/already names another message \(its to, text differ\)/);
    expect(r.calls.sort()).toEqual(['dead-letter', 'delete rh-1', 'delete rh-2']);
    expect(r.stats).toMatchObject({ submitted: 1, rejected: 1, redeliveriesDeleted: 0 });
  });

  it('when the record of its id is another message claimed already, then it is dead-lettered, not dropped as a copy', async () => {
    // Prepare
    const r = pipelineRig();
    const id = newMessageId();
    await r.store.createAccepted(recordOf({ v: 1, id, to: '+79991110001', text: 'First' }));
    await r.store.claimForSubmit(id, 'sqs-first#1');
    // Act
    await r.pipeline.process(held({ v: 1, id, to: '+79991110001', text: 'Second' }, 'sqs-2'), r.queue);
    // Assess
    expect(r.bind.sent).toEqual([]);
    expect(r.dead.map((attributes) => attributes.errorCode)).toEqual([ID_REUSED]);
    expect((await r.store.get(id))?.status).toBe('submitting');
    expect(r.stats).toMatchObject({ rejected: 1, redeliveriesDeleted: 0, unknown: 0 });
  });

  it('when the record of its id is another message still accepted and unclaimed, then it is dead-lettered and the record is left for its own message', async () => {
    // Prepare: the first message's send was put off and given back; its record waits unclaimed.
    const r = pipelineRig();
    const id = newMessageId();
    const first = { v: 1, id, to: '+79991110001', text: 'First' };
    await r.store.createAccepted(recordOf(first));
    // Act: another message under the id comes first, then the first message again.
    await r.pipeline.process(held({ v: 1, id, to: '+79992220002', text: 'Second' }, 'sqs-2'), r.queue);
    const afterSecond = await r.store.get(id);
    await r.pipeline.process(held(first, 'sqs-1'), r.queue);
    // Assess
    expect(afterSecond?.status).toBe('accepted');
    expect(r.dead.map((attributes) => attributes.errorCode)).toEqual([ID_REUSED]);
    expect(r.dead[0]?.errorDescription).toMatch(/its to, text differ/);
    expect(r.bind.sent.map((fields) => fields.destination_addr)).toEqual(['79991110001']);
    expect(r.stats).toMatchObject({ submitted: 1, rejected: 1, redeliveriesDeleted: 0 });
  });

  it('when a record written before fingerprints is this message, then it is compared as the failed claim read it (no read more), claimed and sent', async () => {
    // Prepare: the previous version's record (no fingerprint), its queue message not claimed yet.
    const r = pipelineRig();
    const id = newMessageId();
    const body = { v: 1, id, to: '+79991110001', text: 'Old record' };
    await r.store.createAccepted(recordOf(body));
    const stored = r.store.records.get(id);
    if (stored) delete stored.contentFingerprint;
    // Act
    await r.pipeline.process(held(body, 'sqs-1'), r.queue);
    // Assess
    expect(r.store.calls.filter((call) => call === `get ${id}`)).toHaveLength(0);
    expect(r.bind.sent).toHaveLength(1);
    expect(r.dead).toEqual([]);
    expect(r.stats).toMatchObject({ submitted: 1, rejected: 0 });
  });

  it('when a record written before fingerprints is another message, then it is dead-lettered, not sent', async () => {
    // Prepare
    const r = pipelineRig();
    const id = newMessageId();
    await r.store.createAccepted(recordOf({ v: 1, id, to: '+79991110001', text: 'Old record' }));
    const stored = r.store.records.get(id);
    if (stored) delete stored.contentFingerprint;
    // Act
    await r.pipeline.process(held({ v: 1, id, to: '+79991110001', text: 'Other text' }, 'sqs-2'), r.queue);
    // Assess
    expect(r.bind.sent).toEqual([]);
    expect(r.dead.map((attributes) => attributes.errorCode)).toEqual([ID_REUSED]);
    expect((await r.store.get(id))?.status).toBe('accepted');
  });

  it('when a record of the version before NFC holds a decomposed text (no fingerprint), then its body read now is the same message: sent once, the copy dropped', async () => {
    // Prepare: the previous API stored and queued "e" + U+0301 as given; the body is now read
    // composed (since 374b421). Found by the version-skew audit: refused id_reused, never sent.
    const r = pipelineRig();
    const id = newMessageId();
    const decomposed = 'Cafe\u0301 opens at 9';
    const record = { ...recordOf({ v: 1, id, to: '+79991110001', text: 'x' }), text: decomposed };
    await r.store.createAccepted(record);
    const stored = r.store.records.get(id);
    if (stored) delete stored.contentFingerprint;
    const body = { v: 1, id, to: '+79991110001', text: decomposed };
    // Act: its queue message, then the sweeper's copy of the same record.
    await r.pipeline.process(held(body, 'sqs-1'), r.queue);
    await r.pipeline.process({ ...held(body, 'sqs-2'), receiptHandle: 'rh-2' }, r.queue);
    // Assess
    expect(r.dead).toEqual([]);
    expect(r.bind.sent).toHaveLength(1);
    expect(r.stats).toMatchObject({ submitted: 1, rejected: 0, redeliveriesDeleted: 1 });
  });

  it('when the API recorded the message and its body comes, then it is claimed with no read', async () => {
    // Prepare: the API's record (every optional field) and the body it queues.
    const r = pipelineRig(new MemoryStore(), WITH_ACCOUNTS);
    const record = apiRecord({
      to: '+79991234567',
      text: 'Cafe\u0301 opens at 9',
      from: 'Shop',
      comment: 'order 42',
      encoding: 'ucs2',
      validityMinutes: 90,
      clientRef: 'order-42',
      account: 'main',
    });
    await r.store.createAccepted(record);
    // Act
    await r.pipeline.process(held(JSON.parse(JSON.stringify(queueBodyOf(record))), 'sqs-1'), r.queue);
    // Assess
    expect(r.dead).toEqual([]);
    expect(r.store.calls.some((call) => call.startsWith('get '))).toBe(false);
    expect(r.stats).toMatchObject({ submitted: 1, rejected: 0 });
  });

  it('when a copy of the same message finds it claimed, then it is read once and dropped as a copy', async () => {
    // Prepare
    const r = pipelineRig();
    const id = newMessageId();
    const body = { v: 1, id, to: '+79991110001', text: 'Same' };
    await r.store.createAccepted(recordOf(body));
    await r.store.claimForSubmit(id, 'sqs-first#1');
    // Act
    await r.pipeline.process(held(body, 'sqs-copy'), r.queue);
    // Assess
    expect(r.store.calls.filter((call) => call === `get ${id}`)).toHaveLength(1);
    expect(r.dead).toEqual([]);
    expect(r.calls).toEqual(['delete rh-1']);
    expect(r.stats).toMatchObject({ redeliveriesDeleted: 1, rejected: 0 });
  });

  it('when the message is recorded and sent the normal way, then no record is read', async () => {
    // Prepare
    const r = pipelineRig();
    const id = newMessageId();
    // Act
    await r.pipeline.process(held({ v: 1, id, to: '+79991110001', text: 'Normal' }), r.queue);
    // Assess
    expect(r.store.calls.some((call) => call.startsWith('get '))).toBe(false);
    expect(r.stats.submitted).toBe(1);
  });
});
