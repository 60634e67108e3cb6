import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { DomainError } from '#core/domain/errors.ts';
import type { MessageStatusChanged } from '#core/domain/events/message-status-changed.ts';
import { isInternalAddress } from '#core/domain/requests/loopback-url.ts';
import { callbackTargetProblem, postCallback } from './callback.ts';

// The callback port: refuses targets this process must not reach, signs with the secret, posts.
// A host name is resolved first: one that resolves to loopback or link-local (a name pointed at
// 127.0.0.1, a nip.io-style name) would send the signed event to this machine. The post resolves it
// again, so a name re-pointed in between (DNS rebinding) is not caught; the worker runs outside any
// VPC, where loopback and the link-local range are all such a name could reach.

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
  /** The addresses a host name resolves to; default DNS (the system resolver). */
  resolveHost?: (hostname: string) => Promise<string[]>;
}

const resolveByDns = async (hostname: string): Promise<string[]> =>
  (await lookup(hostname, { all: true, verbatim: true })).map((answer) => answer.address);

/** Why a host name may not be called: it resolves to an address of this machine or its neighbours. */
async function resolvedTargetProblem(
  url: string,
  resolve: (hostname: string) => Promise<string[]>,
): Promise<string | undefined> {
  const { hostname } = new URL(url);
  // IP literals were checked as written; a name that does not resolve fails the post (retried).
  if (hostname.startsWith('[') || isIP(hostname) !== 0) return undefined;
  const addresses = await resolve(hostname).catch(() => []);
  const internal = addresses.some((address) =>
    isInternalAddress(isIP(address) === 6 ? `[${address}]` : address),
  );
  return internal ? 'host name resolves to a loopback or link-local address' : undefined;
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
    const problem =
      callbackTargetProblem(url, options.allowLoopback) ??
      (options.allowLoopback
        ? undefined
        : await resolvedTargetProblem(url, options.resolveHost ?? resolveByDns));
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
