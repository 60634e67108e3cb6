import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { DomainError } from '#core/domain/errors.ts';
import type { MessageStatusChanged } from '#core/domain/events/message-status-changed.ts';
import { isInternalAddress } from '#core/domain/requests/loopback-url.ts';
import { CALLBACK_TIMEOUT_MS, CallbackError, callbackTargetProblem, postCallback } from './callback.ts';
import type { CheckedAddress } from './pinned-post.ts';

// The callback port: refuses targets this process must not reach, signs with the secret, posts.
// A host name is resolved once per attempt: one with any address on loopback or link-local (a name
// pointed at 127.0.0.1, a nip.io-style name) would send the signed event to this machine or its
// metadata service, and is refused. The post then connects to one of exactly the addresses checked
// (postPinned), never resolving the name again, so a name re-pointed in between (DNS rebinding)
// still reaches only what was checked. The worker runs outside any VPC, where loopback and the
// link-local range are all such a name could reach.

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
  now?: () => Date;
  /**
   * The addresses a host name resolves to; default DNS (the system resolver). Asked once per
   * attempt outside local mode, and the post connects only to what it answered.
   */
  resolveHost?: (hostname: string) => Promise<string[]>;
}

const resolveByDns = async (hostname: string): Promise<string[]> =>
  (await lookup(hostname, { all: true, verbatim: true })).map((answer) => answer.address);

/**
 * The addresses a callback to this host name may connect to: all it resolves to, when none is
 * internal. Undefined for an IP literal, which was checked as written and is not resolved.
 */
async function checkedAddresses(
  url: string,
  resolve: (hostname: string) => Promise<string[]>,
): Promise<CheckedAddress[] | undefined> {
  const { hostname } = new URL(url);
  if (hostname.startsWith('[') || isIP(hostname) !== 0) return undefined;
  let answers: string[];
  try {
    answers = await resolve(hostname);
  } catch (error) {
    // As when the post itself found no address: the name may resolve later (retried).
    throw new CallbackError('callback could not connect', undefined, { cause: error });
  }
  const addresses = answers.flatMap((address): CheckedAddress[] => {
    const family = isIP(address);
    return family === 4 || family === 6 ? [{ address, family }] : [];
  });
  if (addresses.length === 0) throw new CallbackError('callback could not connect');
  if (addresses.some(({ address, family }) => isInternalAddress(asUrlHost(address, family)))) {
    throw new CallbackRefusedError('host name resolves to a loopback or link-local address');
  }
  return addresses;
}

/**
 * An address as the URL parser writes a host: a resolver may answer `::ffff:127.0.0.1`, which
 * isInternalAddress reads only in the parser's form, `[::ffff:7f00:1]`.
 */
function asUrlHost(address: string, family: 4 | 6): string {
  return family === 6 ? new URL(`http://[${address}]/`).hostname : address;
}

/** The answer, or CallbackError 'callback timed out' once `ms` passed (the work is left to end alone). */
async function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CallbackError('callback timed out')), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
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
    // One time limit for the attempt, resolution included: a resolver that hangs (the system one
    // retries for tens of seconds) would otherwise hold the worker's batch past its own limit, and
    // every callback of the batch already delivered would be posted again.
    const timeoutMs = options.timeoutMs ?? CALLBACK_TIMEOUT_MS;
    const startedAt = Date.now();
    // Local mode calls loopback by design: the system resolver is asked when connecting.
    const addresses = options.allowLoopback
      ? undefined
      : await withinTime(checkedAddresses(url, options.resolveHost ?? resolveByDns), timeoutMs);
    return postCallback({
      url,
      body: JSON.stringify(event),
      secret: await signingSecret(),
      ...(addresses ? { addresses } : {}),
      timeoutMs: Math.max(1, timeoutMs - (Date.now() - startedAt)),
      ...(options.now ? { now: options.now } : {}),
    });
  };
}
