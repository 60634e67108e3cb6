import { describe, expect, it } from 'vitest';
import { deliveryHandler } from '#bind-service/dispatch/deliveries/delivery-handler.ts';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import { type DeliverSm, Status } from '#bind-service/smpp/index.ts';
import type { ReceiptResult } from '#core/aws/messages/receipts/receipt-applier.ts';
import { DEFAULT_ACCOUNT_NAME } from '#core/domain/accounts/account.ts';
import { silentLogger } from '#core/observability/logger.ts';
import { waitUntil, within } from '#test/helpers/wait.ts';
import { deliverSm } from './deliver-sm.ts';

// When DynamoDB is slower than the SMSC delivers, every DELIVER_SM taken on is memory held until its
// write lands (its PDU, the repository's calls, a place in the group-commit queues), and the SMSC
// sends the ones it waited too long for again: without a bound the process grows until it dies.
// Here the store never answers until told to, and the deliveries come faster than it.

const LIMIT = 20;
const WAITING = 10;
const WAIT_MS = 100;

function receipt(index: number): DeliverSm {
  const text = `id:${1000 + index} sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000`;
  return deliverSm({
    sequenceNumber: index + 1,
    esmClass: 0x04,
    shortMessage: Buffer.from(text, 'latin1'),
    isReceipt: true,
  });
}

/** A receipt store that holds every write until `answerAll()`. */
function stalledStore() {
  const waiting: ((result: ReceiptResult) => void)[] = [];
  return {
    store: {
      applyReceipt: () => new Promise<ReceiptResult>((resolve) => waiting.push(resolve)),
    },
    writing: () => waiting.length,
    answerAll: () => {
      for (const resolve of waiting.splice(0)) resolve('applied');
    },
  };
}

function handlerDeps(store: ReturnType<typeof stalledStore>['store'], stats = emptyStats()) {
  const unused = () => Promise.reject(new Error('no incoming messages in this test'));
  return {
    account: DEFAULT_ACCOUNT_NAME,
    receipts: store,
    inbound: { recordInbound: unused },
    parts: { storePart: unused, finishAssembly: unused, recordUnparsedReceipt: unused },
    isoMode: false,
    stats,
    log: silentLogger,
    maxStoring: LIMIT,
    maxWaiting: WAITING,
    maxWaitMs: WAIT_MS,
  };
}

function handlerOn(store: ReturnType<typeof stalledStore>['store'], stats = emptyStats()) {
  return deliveryHandler(handlerDeps(store, stats));
}

describe('deliveryHandler: deliveries being stored are bounded', () => {
  it('when the store is slower than the deliveries come, then no more than the limit are being stored, a short line waits and the rest are answered ESME_RX_T_APPN at once', async () => {
    // Prepare
    const stalled = stalledStore();
    const stats = emptyStats();
    const handler = handlerOn(stalled.store, stats);
    // Act
    const taken = Array.from({ length: LIMIT }, (_, index) => handler(receipt(index)));
    const waiting = Array.from({ length: WAITING }, (_, index) => handler(receipt(LIMIT + index)));
    const beyond = await within(
      Promise.all(Array.from({ length: 50 }, (_, index) => handler(receipt(LIMIT + WAITING + index)))),
      WAIT_MS / 2,
      'the deliveries beyond the limit and the line to be answered',
    );
    // Assess: the extra 50 were answered without waiting for the store, nothing of theirs written.
    expect(stalled.writing()).toBe(LIMIT);
    expect(beyond).toEqual(Array.from({ length: 50 }, () => Status.ESME_RX_T_APPN));
    expect(stats.deliveriesDeferred).toBe(50);
    // Assess: the line, its wait over with the store still stalled, is refused too, unwritten.
    const waited = await within(Promise.all(waiting), 1_000, 'the line to be answered');
    expect(waited).toEqual(Array.from({ length: WAITING }, () => Status.ESME_RX_T_APPN));
    expect(stalled.writing()).toBe(LIMIT);
    expect(stats.deliveriesDeferred).toBe(50 + WAITING);
    stalled.answerAll();
    expect(await Promise.all(taken)).toEqual(Array.from({ length: LIMIT }, () => Status.ESME_ROK));
    expect(stats.receipts.applied).toBe(LIMIT);
  });

  it('when a slot comes free while deliveries wait in line, then they are stored, oldest first, not refused', async () => {
    // Prepare: every slot taken and a line waiting (its wait long enough not to run out here).
    const stalled = stalledStore();
    const stats = emptyStats();
    const handler = deliveryHandler({ ...handlerDeps(stalled.store, stats), maxWaitMs: 10_000 });
    const taken = Array.from({ length: LIMIT }, (_, index) => handler(receipt(index)));
    const waiting = Array.from({ length: WAITING }, (_, index) => handler(receipt(LIMIT + index)));
    // Act: the store answers what it holds, then what the line brought it.
    stalled.answerAll();
    await Promise.all(taken);
    await waitUntil(() => stalled.writing() === WAITING, 1_000, 'the line to be written');
    stalled.answerAll();
    // Assess
    expect(await within(Promise.all(waiting), 1_000, 'the line')).toEqual(
      Array.from({ length: WAITING }, () => Status.ESME_ROK),
    );
    expect(stats.deliveriesDeferred).toBe(0);
    expect(stats.receipts.applied).toBe(LIMIT + WAITING);
  });

  it('when the deliveries being stored finish, then new ones are taken on again', async () => {
    // Prepare: the limit reached and a delivery deferred.
    const stalled = stalledStore();
    const handler = handlerOn(stalled.store);
    const taken = Array.from({ length: LIMIT }, (_, index) => handler(receipt(index)));
    expect(await within(handler(receipt(LIMIT)), 1_000, 'the deferral')).toBe(Status.ESME_RX_T_APPN);
    stalled.answerAll();
    await Promise.all(taken);
    // Act
    const again = handler(receipt(LIMIT));
    // Assess
    expect(stalled.writing()).toBe(1);
    stalled.answerAll();
    expect(await again).toBe(Status.ESME_ROK);
  });
});
