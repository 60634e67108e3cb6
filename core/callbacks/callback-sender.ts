import { DomainError } from '#core/domain/errors.ts';
import type { MessageStatusChanged } from '#core/domain/events/message-status-changed.ts';
import { callbackTargetProblem, postCallback } from './callback.ts';

// The callback port: refuses targets this process must not reach, signs with the secret, posts.

/**
 * The target may never be called (e.g. loopback in AWS): retrying cannot help, so it is not a failure.
 * A DomainError: the message's callbackUrl breaks where this process may connect; nothing failed.
 */
export class CallbackRefusedError extends DomainError {
  readonly code = 'callback_refused';

  constructor(readonly reason: string) {
    super(`callback refused: ${reason}`, ['callbackUrl']);
  }
}

/** Resolves to the receiver's 2xx status. */
export type CallbackSender = (url: string, event: MessageStatusChanged) => Promise<number>;

export interface CallbackSenderOptions {
  /** Resolved once and cached (Secrets Manager in AWS); a failed read is tried again next time. */
  secret: () => Promise<string>;
  allowLoopback: boolean;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => Date;
}

export function callbackSender(options: CallbackSenderOptions): CallbackSender {
  let secret: Promise<string> | undefined;
  const signingSecret = () => {
    secret ??= options.secret().catch((error: unknown) => {
      secret = undefined;
      throw error;
    });
    return secret;
  };
  return async (url, event) => {
    const problem = callbackTargetProblem(url, options.allowLoopback);
    if (problem) throw new CallbackRefusedError(problem);
    return postCallback({
      url,
      body: JSON.stringify(event),
      secret: await signingSecret(),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  };
}
