// What the dispatch layer needs from the outside world, written here by the code that calls it: the
// pipeline and the delivery handler call these ports, never an SDK, so SMPP answers and storage
// writes stay apart. The DynamoDB adapters (core/aws) satisfy them structurally; a test double or
// another store need only these methods, and a change to an adapter's wider API does not reach here.
import type {
  InboundPartInput,
  StorePartResult,
  UnparsedReceiptInput,
} from '#core/aws/inbound/inbound-delivery-store.ts';
import type { InboundMessage, RecordInboundResult } from '#core/aws/inbound/inbound-repository.ts';
import type { MatchOptions, OrphanMatch } from '#core/aws/messages/attention/orphan-receipts.ts';
import type { UnmatchedRivals } from '#core/aws/messages/attention/unmatched-rivals.ts';
import type {
  ClaimOptions,
  ClaimResult,
  ClaimView,
  CreateAcceptedResult,
  LateAnswer,
  LateAnswerResult,
  LookupOptions,
  MarkSubmittedResult,
  ReceiptResult,
  TransitionResult,
  UnknownOptions,
} from '#core/aws/messages/message-repository.ts';
import type { MessageError, MessageRecord } from '#core/domain/messages/message-model.ts';
import type { DeliveryReceipt } from '#core/domain/receipts/receipt.ts';
import type { RateClass } from './flow/rate-limiter.ts';

/** A message's life from claim to its SUBMIT_SM outcome. */
export interface MessageStore {
  /** A queue message with no record yet (published straight to SQS) gets one. */
  createAccepted(record: MessageRecord): Promise<CreateAcceptedResult>;
  /** The same, its claim held until the anti-loop rules admit it (ClaimOptions.admitted). */
  createAwaitingRules(record: MessageRecord): Promise<void>;
  /** An invalid queue message's record, written `rejected` in one put (never left `accepted`). */
  createRejected(record: MessageRecord): Promise<void>;
  /** `urgent`: ahead of other waiting writes, as the urgent lane is ahead for tokens and window slots. */
  claimForSubmit(id: string, holder?: string, options?: ClaimOptions): Promise<ClaimResult>;
  /** The record as stored: read only when another receive made it (reused-id.ts compares it). */
  get(id: string): Promise<MessageRecord | undefined>;
  /** Who holds the claim and since when (a redelivery asks, redelivery.ts). */
  claimOf(id: string): Promise<ClaimView | undefined>;
  /** `holder`: only that receive's claim is released (see MessageRepository.releaseClaim). */
  releaseClaim(id: string, holder?: string): Promise<TransitionResult>;
  markSubmitted(
    id: string,
    smscIds: readonly string[],
    options?: LookupOptions,
  ): Promise<MarkSubmittedResult>;
  markUnknown(
    id: string,
    reason: string,
    smscIds?: readonly string[],
    options?: UnknownOptions,
  ): Promise<TransitionResult>;
  markUnknownIfClaimedBy(id: string, holder: string, reason: string): Promise<TransitionResult>;
  markFailed(id: string, error: MessageError, smscIds?: readonly string[]): Promise<TransitionResult>;
  markExpired(id: string, error: MessageError): Promise<TransitionResult>;
  markRejected(id: string, error: MessageError): Promise<TransitionResult>;
}

/** Where a delivery receipt lands (its message, or a parked orphan). */
export interface ReceiptStore {
  applyReceipt(receipt: DeliveryReceipt, recipient?: string): Promise<ReceiptResult>;
}

/** A SUBMIT_SM_RESP that came after its message was marked unknown. */
export interface LateAnswerStore {
  recordLateAnswer(id: string, answer: LateAnswer): Promise<LateAnswerResult>;
}

/** What the QUERY_SM reconciler reads and writes. */
export interface ReconcileStore extends ReceiptStore {
  /** `account` undefined: the partition of records without an account (attention.ts). */
  unknownToQuery(account: string | undefined, before: Date, limit: number): Promise<string[]>;
  get(id: string): Promise<MessageRecord | undefined>;
  applyParkedReceipts(id: string): Promise<number>;
  nextQueryAt(id: string, account: string | undefined, at: Date | undefined): Promise<void>;
  unmatchedToCheck(before: Date, limit: number): Promise<string[]>;
  /** One run's view of the unmatched messages an orphan may belong to (read on first use). */
  unmatchedRivals(): UnmatchedRivals;
  matchOrphanReceipt(id: string, options: MatchOptions): Promise<OrphanMatch>;
  nextMatchAt(id: string, at: Date | undefined): Promise<void>;
  /** When any task last parked an orphan receipt of this login (the store's scope). */
  lastOrphanParkedAt(): Promise<Date | undefined>;
  /** `account` undefined: the default account, whose list is the one every account had before. */
  handOverUnmatched(id: string, account: string | undefined, at: Date): Promise<void>;
}

/** Mobile-originated messages, recorded once. */
export interface InboundStore {
  recordInbound(message: InboundMessage): Promise<RecordInboundResult>;
}

/** Parts of a long inbound message until it is whole, and receipts that could not be read. */
export interface InboundPartsStore {
  storePart(part: InboundPartInput): Promise<StorePartResult>;
  finishAssembly(key: string, id: string): Promise<void>;
  recordUnparsedReceipt(input: UnparsedReceiptInput): Promise<string>;
}

/** The login's rate: wait for a turn, slow down on throttling, speed up again on success. */
export interface RatePort {
  wait(lane?: RateClass, signal?: AbortSignal): Promise<void>;
  onThrottled(): void;
  onSuccess(): void;
}

/** The login's rate now: lower than its cap while throttled. */
export interface RateReading {
  readonly currentRate: number;
}
