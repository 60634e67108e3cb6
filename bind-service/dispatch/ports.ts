// What the dispatch layer needs from the outside world, as narrow types: the pipeline and the
// delivery handler call these ports, never an SDK, so SMPP answers and storage writes stay apart.
import type { InboundDeliveryStore } from '#core/aws/inbound/inbound-delivery-store.ts';
import type { InboundRepository } from '#core/aws/inbound/inbound-repository.ts';
import type { MessageRepository } from '#core/aws/messages/message-repository.ts';
import type { RateLimiter } from './flow/rate-limiter.ts';

export type MessageStore = Pick<
  MessageRepository,
  | 'createAccepted'
  | 'claimForSubmit'
  | 'releaseClaim'
  | 'markSubmitted'
  | 'markUnknown'
  | 'markUnknownIfClaimedBy'
  | 'markFailed'
  | 'markExpired'
  | 'markRejected'
>;

export type ReceiptStore = Pick<MessageRepository, 'applyReceipt'>;
export type LateAnswerStore = Pick<MessageRepository, 'recordLateAnswer'>;
export type ReconcileStore = Pick<
  MessageRepository,
  | 'unknownToQuery'
  | 'get'
  | 'applyParkedReceipts'
  | 'applyReceipt'
  | 'nextQueryAt'
  | 'unmatchedToCheck'
  | 'matchOrphanReceipt'
  | 'nextMatchAt'
>;
export type InboundStore = Pick<InboundRepository, 'recordInbound'>;
export type InboundPartsStore = Pick<
  InboundDeliveryStore,
  'storePart' | 'finishAssembly' | 'recordUnparsedReceipt'
>;

export type RatePort = Pick<RateLimiter, 'wait' | 'onThrottled' | 'onSuccess'>;
