import type { SendBatchInput } from '#core/domain/requests/batch-schema.ts';
import type { SendMessageInput } from '#core/domain/requests/message-schema.ts';
import type { ProblemBody } from '#lambdas/api/http/problem.ts';
import type { GatewayProblemCode, ProblemCode } from '#lambdas/api/http/problem-catalogue.ts';
import type { BatchAnswer } from '#lambdas/api/use-cases/accept-batch.ts';
import type { AcceptedAnswer } from '#lambdas/api/use-cases/accept-message.ts';
import type { BatchView } from '#lambdas/api/use-cases/read-batch.ts';
import type { MessageView } from '#lambdas/api/use-cases/read-message.ts';

// The client's types are the API's own: request bodies are the input side of the zod schemas the API
// validates with, answers the types its routes answer with. Nothing is restated here, so a field
// added to the API is a field of the client at the next type-check.

export type {
  AcceptedAnswer,
  BatchAnswer,
  BatchView,
  MessageView,
  ProblemCode,
  SendBatchInput,
  SendMessageInput,
};

/**
 * An RFC 9457 problem as the API answers it. `code` is one of the API's codes, or one the client
 * makes up when no problem document came back: `network_error` (no answer at all) or
 * `unexpected_response` (an answer that is not a problem document, e.g. API Gateway's own 403 for a
 * bad signature, whose `status` is kept).
 */
export interface Problem extends Pick<ProblemBody, 'type' | 'title' | 'status' | 'detail' | 'errors'> {
  code: ProblemCode | GatewayProblemCode | ClientProblemCode | (string & {});
  /** Extension members: a batch's `rejected`, the `messageId` of a message that failed to queue. */
  [extension: string]: unknown;
}

export type ClientProblemCode = 'network_error' | 'unexpected_response';

export interface SendOptions {
  /** Default: a new random key per call, reused by every retry of that call. */
  idempotencyKey?: string;
}

/** A send's answer, and whether the API replayed the first answer given for its Idempotency-Key. */
export interface SendResult extends AcceptedAnswer {
  replayed: boolean;
  idempotencyKey: string;
}
