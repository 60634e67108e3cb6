import { AdapterError } from '#core/domain/errors.ts';

// One error class per failure kind a caller has to decide on. A stale or duplicate state event is NOT
// an error (the repository returns 'stale'); these are the cases where the caller must act.

/** A failure of DynamoDB or SQS, translated by the adapters in core/aws. */
export abstract class AwsAdapterError extends AdapterError {}

/**
 * DynamoDB could not be reached or asked us to slow down (throttling, 5xx, network, a transaction
 * conflict that outlived our retries). Transient: the bind-service answers DELIVER_SM with
 * ESME_RX_T_APPN so the SMSC redelivers; the API answers 503.
 */
export class RepositoryUnavailableError extends AwsAdapterError {
  readonly code = 'repository_unavailable';
}

export class MessageNotFoundError extends AwsAdapterError {
  readonly code = 'message_not_found';

  constructor(readonly messageId: string) {
    super(`message ${messageId} not found`);
  }
}

/** A record with this message id exists already; ids are generated, so this is a caller bug. */
export class DuplicateMessageIdError extends AwsAdapterError {
  readonly code = 'duplicate_message_id';

  constructor(readonly messageId: string) {
    super(`message ${messageId} already exists`);
  }
}

/**
 * The same Idempotency-Key came with a different request. Not thrown by the repository (it returns
 * the stored request hash and response); offered to the API layer, which answers 422.
 */
export class IdempotencyConflictError extends AwsAdapterError {
  readonly code = 'idempotency_conflict';

  constructor(readonly key: string) {
    super(`idempotency key ${key} was used with a different request`);
  }
}

/** Some queue messages could not be sent even after retries; none of them is dropped silently. */
export class QueuePublishError extends AwsAdapterError {
  readonly code = 'queue_publish_failed';

  constructor(
    message: string,
    /** Indexes into the bodies passed to publishBatch, with SQS's reason for each. */
    readonly failures: readonly { index: number; code: string; message: string }[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
