import { AdapterError, type AppErrorOptions } from '#core/domain/errors.ts';
import { isInternalAddress, isLoopbackUrl } from '#core/domain/requests/loopback-url.ts';
import { type CallbackPost, type CheckedAddress, postPinned } from './pinned-post.ts';
import { SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from './signature.ts';

// Signed HTTP callbacks to the URL a sender gave. The URL was checked when the message was accepted
// (https, or http on loopback); here it is checked again against where this process may connect: the
// loopback and link-local ranges reach this machine and its metadata service, so they are refused
// unless local mode allows them.

export const CALLBACK_TIMEOUT_MS = 5_000;

/** The receiver did not take the callback (no answer, a timeout, a non-2xx status). */
export class CallbackError extends AdapterError {
  readonly code = 'callback_failed';

  constructor(
    message: string,
    /** The HTTP status the receiver answered, when it answered. */
    readonly status?: number,
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
}

/** Why a callback may not go to this URL, or undefined when it may. */
export function callbackTargetProblem(url: string, allowLoopback: boolean): string | undefined {
  if (!URL.canParse(url)) return 'not a URL';
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'not an http(s) URL';
  if (allowLoopback) return undefined;
  if (isLoopbackUrl(url) || isInternalAddress(parsed.hostname)) return 'loopback or link-local address';
  if (parsed.protocol !== 'https:') return 'http is allowed only for loopback in local mode';
  return undefined;
}

export interface CallbackRequest {
  url: string;
  /** The JSON body, exactly as signed. */
  body: string;
  secret: string;
  now?: () => Date;
  timeoutMs?: number;
  /** What the host name was checked to resolve to: the post connects to one of these only. */
  addresses?: readonly CheckedAddress[];
  /** The HTTP client; default postPinned (node:http(s), connecting only to `addresses`). */
  post?: CallbackPost;
}

/** POSTs the signed body; the receiver's 2xx status, or CallbackError unless it answers 2xx in time. */
export async function postCallback(request: CallbackRequest): Promise<number> {
  const timestamp = String(Math.floor((request.now?.() ?? new Date()).getTime() / 1000));
  const post = request.post ?? postPinned;
  let status: number;
  try {
    status = await post(request.url, {
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signPayload(request.secret, timestamp, request.body),
        [TIMESTAMP_HEADER]: timestamp,
      },
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs ?? CALLBACK_TIMEOUT_MS),
      ...(request.addresses ? { addresses: request.addresses } : {}),
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'could not connect';
    throw new CallbackError(`callback ${reason}`, undefined, { cause: error });
  }
  if (status < 200 || status >= 300) {
    throw new CallbackError(`callback answered ${status}`, status);
  }
  return status;
}
