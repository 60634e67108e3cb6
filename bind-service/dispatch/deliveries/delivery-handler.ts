// The engine's onDeliver handler: every DELIVER_SM is stored before it is acknowledged, and a
// failed write is answered ESME_RX_T_APPN so the SMSC sends it again (DESIGN: "Nothing lost").
// - receipt → parsed → applyReceipt ('applied', 'stale' and 'orphan-stored' are all stored: 0).
// - a receipt that cannot be parsed → kept raw in the inbound table, then acknowledged: refusing it
//   would make the SMSC resend it for ever and acknowledging it unstored would lose it.
// - incoming single-part → recorded; a part of a long one → stored as a part first, and the whole
//   message is recorded by whichever part completes it (each part is durable before its answer).
// At most `maxStoring` deliveries are being stored at once: when the store is slower than the SMSC
// delivers, the next ones wait a moment in a short line for a slot (storing-slots.ts), and past that
// line or that moment are answered ESME_RX_T_APPN unread (nothing stored, so the SMSC keeps them and
// sends them again), instead of piling up in memory and in the group-commit queues until the SMSC,
// having waited too long for their answers, sends them all again on top.
import type { DeliverHandler, DeliverSm } from '#bind-service/smpp/index.ts';
import { Status } from '#bind-service/smpp/index.ts';
import { decodeParts } from '#core/domain/encoding/index.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { parseDeliveryReceipt, ReceiptParseError } from '#core/domain/receipts/receipt.ts';
import type { SmscIdBase } from '#core/domain/receipts/smsc-id.ts';
import type { Logger } from '#core/observability/logger.ts';
import { crashPoint } from '../../crash-points.ts';
import type { DispatchStats } from '../flow/stats.ts';
import type { InboundPartsStore, InboundStore, ReceiptStore } from '../ports.ts';
import { deliveryKind, receiptTextOf } from './delivery-kind.ts';
import { addressText, readIncoming } from './incoming.ts';
import { StoringSlots } from './storing-slots.ts';

export interface DeliveryDeps {
  /**
   * The account (SMPP_ACCOUNTS entry, `default` without one) whose sessions deliver here: written on
   * every incoming message and raw receipt, so the event says which login it came in on.
   */
  account: string;
  receipts: ReceiptStore;
  inbound: InboundStore;
  parts: InboundPartsStore;
  /** The bind's ISO flag: data_coding 0 is then ISO-8859-1. */
  isoMode: boolean;
  /** The base the SMSC writes message ids in; default decimal (the provider's). */
  smscIdBase?: SmscIdBase;
  /** Take a DELIVER_SM without receipt bits or TLVs as a receipt when its text reads like one. */
  receiptTextFallback?: boolean;
  stats: DispatchStats;
  log: Logger;
  clock?: () => Date;
  /** Deliveries being stored at once; default MAX_STORING. */
  maxStoring?: number;
  /** Deliveries waiting for a storing slot at once; default MAX_WAITING. */
  maxWaiting?: number;
  /** Longest a delivery waits for a storing slot before it is refused; default MAX_WAIT_MS. */
  maxWaitMs?: number;
}

const STORED = Status.ESME_ROK;

/**
 * Enough to keep the grouped reads (100 keys a call) and writes (25 statements) full, two calls of
 * each in flight, with as many waiting; few enough that a delivery taken on is stored well within an
 * SMSC's answer timeout (the simulator's: 10 s) even when the store manages only 100 writes a second.
 */
export const MAX_STORING = 500;

/**
 * A line as long as the storing itself, waiting at most a second: a burst the store catches up with
 * in a second is stored on its first delivery instead of coming again after the SMSC's retry
 * interval, and a delivery still answers within about a second more than MAX_STORING allows for.
 */
export const MAX_WAITING = 500;
export const MAX_WAIT_MS = 1_000;

export function deliveryHandler(deps: DeliveryDeps): DeliverHandler {
  const clock = deps.clock ?? (() => new Date());

  const onReceipt = async (delivery: DeliverSm, text: string): Promise<number> => {
    let receipt: ReturnType<typeof parseDeliveryReceipt>;
    try {
      receipt = parseDeliveryReceipt({
        text,
        ...(delivery.receiptedMessageId === undefined
          ? {}
          : { receiptedMessageId: delivery.receiptedMessageId }),
        ...(delivery.messageState === undefined ? {} : { messageState: delivery.messageState }),
        ...(delivery.networkErrorCode === undefined ? {} : { networkErrorCode: delivery.networkErrorCode }),
        tlvs: delivery.providerTlvs,
        ...(deps.smscIdBase ? { smscIdBase: deps.smscIdBase } : {}),
      });
    } catch (error) {
      if (!(error instanceof ReceiptParseError)) throw error;
      const id = await deps.parts.recordUnparsedReceipt({
        from: addressText(delivery.source),
        to: addressText(delivery.destination),
        text,
        esmClass: delivery.esmClass,
        dataCoding: delivery.dataCoding,
        receivedAt: clock().toISOString(),
        account: deps.account,
      });
      deps.stats.receipts.unparsed += 1;
      deps.log.warn('unparseable receipt stored raw in the inbound table and acknowledged', { storedAs: id });
      return STORED;
    }
    // The receipt's source is the number the message went to: an unowned receipt is filed under it.
    const result = await deps.receipts.applyReceipt(receipt, delivery.source.addr);
    crashPoint('after-receipt-stored');
    deps.stats.receipts[result === 'orphan-stored' ? 'orphan' : result] += 1;
    deps.log.debug('receipt stored', { smscId: receipt.smscId, stat: receipt.stat, result });
    return STORED;
  };

  const onIncoming = async (delivery: DeliverSm): Promise<number> => {
    const part = readIncoming(delivery, deps.isoMode);
    const receivedAt = clock().toISOString();
    if (!part.concat) {
      await deps.inbound.recordInbound({
        id: newMessageId(),
        from: part.from,
        to: part.to,
        text: part.text,
        receivedAt,
        parts: 1,
        ...(delivery.receiptedMessageId ? { smscId: delivery.receiptedMessageId } : {}),
        account: deps.account,
      });
      deps.stats.incoming.messages += 1;
      deps.log.info('incoming message stored', { from: part.from, to: part.to, parts: 1 });
      return STORED;
    }
    const { reference, total, index } = part.concat;
    const stored = await deps.parts.storePart({
      from: part.from,
      to: part.to,
      reference,
      total,
      index,
      payload: part.payload,
      receivedAt,
    });
    deps.stats.incoming.parts += 1;
    if (!stored.complete && stored.dropped) {
      // Acknowledged parts the SMSC will not send again: the message they began is lost, so say so.
      deps.log.warn(
        'incoming long message dropped: a new message reusing its reference, or the hour it may wait for its other parts, came first',
        {
          from: part.from,
          to: part.to,
          reference,
          partsDropped: stored.dropped.parts,
          total: stored.dropped.total,
        },
      );
    }
    if (stored.complete) {
      // Idempotent: the id comes from the assembly, so a second completer records a duplicate.
      await deps.inbound.recordInbound({
        id: stored.id,
        from: part.from,
        to: part.to,
        text: decodeParts(stored.parts, { isoMode: deps.isoMode }),
        receivedAt: stored.startedAt,
        parts: total,
        account: deps.account,
      });
      await deps.parts.finishAssembly(stored.key, stored.id);
      deps.stats.incoming.messages += 1;
      deps.log.info('incoming message stored', { from: part.from, to: part.to, parts: total });
    }
    return STORED;
  };

  const maxStoring = deps.maxStoring ?? MAX_STORING;
  const slots = new StoringSlots({
    max: maxStoring,
    maxWaiting: deps.maxWaiting ?? MAX_WAITING,
    maxWaitMs: deps.maxWaitMs ?? MAX_WAIT_MS,
  });
  let deferring = false;

  /** Logged when deferring starts and when it ends, not per delivery (thousands a second). */
  const defer = (): number => {
    deps.stats.deliveriesDeferred += 1;
    if (!deferring) {
      deferring = true;
      deps.log.warn('store slower than the SMSC delivers: deliveries answered ESME_RX_T_APPN to come again', {
        storing: slots.storing,
        maxStoring,
        waiting: slots.waiting,
      });
    }
    return Status.ESME_RX_T_APPN;
  };

  const store = async (delivery: DeliverSm): Promise<number> => {
    try {
      let text: string | undefined;
      const receiptText = () => {
        text ??= receiptTextOf(delivery);
        return text;
      };
      if (deliveryKind(delivery, receiptText, deps.receiptTextFallback ?? false) === 'receipt') {
        return await onReceipt(delivery, receiptText());
      }
      return await onIncoming(delivery);
    } catch (error) {
      if (delivery.isReceipt) deps.stats.receipts.refused += 1;
      else deps.stats.incoming.refused += 1;
      deps.log.warn('delivery not stored; answered ESME_RX_T_APPN so the SMSC sends it again', {
        receipt: delivery.isReceipt,
        error,
      });
      return Status.ESME_RX_T_APPN;
    }
  };

  return async (delivery) => {
    // Most deliveries find a slot free: taken without a turn of the event loop.
    if (!slots.tryTake() && !(await slots.acquire())) return defer();
    try {
      return await store(delivery);
    } finally {
      slots.release();
      if (deferring && slots.waiting === 0 && slots.storing < maxStoring / 2) {
        deferring = false;
        deps.log.info('deliveries taken on again', { deferred: deps.stats.deliveriesDeferred });
      }
    }
  };
}
