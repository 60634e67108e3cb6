import { setTimeout as delay } from 'node:timers/promises';
import { type BackoffPolicy, backoffDelayMs } from '#core/support/backoff.ts';
import { clientProblem, problemOf, SmscApiError } from './errors.ts';
import type { RequestSigner } from './signing.ts';

// One HTTP exchange with retries. Which failures are retried is the caller's call per route: a send
// with its Idempotency-Key may be repeated after anything (the API replays the first answer), a
// batch only when the API says nothing of it was queued.

export type RetryOn = (failure: Failure) => boolean;

/** No answer at all (status 0), or an answer with its problem code. */
export interface Failure {
  status: number;
  code: string;
}

export interface TransportOptions {
  baseUrl: URL;
  signer?: RequestSigner;
  /** Retries after the first attempt; default 4. */
  retries: number;
  backoff: BackoffPolicy;
  /** Bound on one attempt; default 30 s. */
  timeoutMs: number;
  fetch: typeof fetch;
}

export interface ApiRequest<T> {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  retryOn: RetryOn;
  /** The caller's own limit: aborting it ends the attempt and the retries at once, with its reason. */
  signal?: AbortSignal;
  /**
   * What a 2xx body must be to be returned as T. Anything else answering 2xx is not the API (a
   * proxy's page, a redirect target's JSON), and a result made of it would be a send with no id.
   */
  answer: AnswerShape<T>;
}

export interface AnswerShape<T> {
  is: (body: unknown) => body is T;
  /** The fields the body lacked, for the error: "message id and status". */
  expected: string;
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, capMs: 5_000, jitter: 'full' };

/** Network failures, throttling and server errors: what a retry of an idempotent request may cure. */
export const RETRY_TRANSIENT: RetryOn = ({ status }) => status === 0 || status === 429 || status >= 500;

export async function exchange<T>(options: TransportOptions, request: ApiRequest<T>): Promise<ApiAnswer<T>> {
  const url = new URL(request.path.replace(/^\//, ''), ensureSlash(options.baseUrl));
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const baseHeaders: Record<string, string> = {
    accept: 'application/json, application/problem+json',
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...request.headers,
  };
  // What fetch refuses before sending anything (a header value no header can carry, a URL with
  // credentials) is thrown here, once, as JSON.stringify's refusal above is: inside an attempt it
  // would pass for a lost answer, be retried and end as network_error, "may have taken effect".
  new Request(url, { method: request.method, headers: baseHeaders });
  for (let attempt = 0; ; attempt++) {
    // Signed per attempt: a signature is only valid for a few minutes, and retries can outlast that.
    const headers = options.signer
      ? await options.signer({ method: request.method, url, headers: baseHeaders, ...(body ? { body } : {}) })
      : baseHeaders;
    const answer = await fetchWhole(options, url, {
      method: request.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    request.signal?.throwIfAborted();
    if ('lost' in answer) {
      // No answer, or not all of it: for the caller the same thing, the request may have taken effect.
      if (attempt < options.retries && request.retryOn({ status: 0, code: 'network_error' })) {
        await pause(backoffDelayMs(attempt, options.backoff), request.signal);
        continue;
      }
      throw new SmscApiError(
        clientProblem('network_error', 0, `${request.method} ${url.pathname} ${answer.lost}`),
        attempt + 1,
      );
    }
    const { response, text } = answer;
    if (response.status >= 300 && response.status < 400) {
      // The API never redirects: a redirect comes from something else at --endpoint (a load
      // balancer's http→https, a login page). Followed, a 307 would carry the message and the SigV4
      // session token to another host, and a 302's GET would answer as if the send were taken.
      // Not retried: it would redirect again.
      const location = response.headers.get('location');
      throw new SmscApiError(
        clientProblem(
          'unexpected_response',
          response.status,
          `HTTP ${response.status} from ${request.method} ${url.pathname} redirects to ${location === null ? '(no Location)' : location.slice(0, 200)}; the API never redirects, so nothing was sent there: check --endpoint (the API's base URL, with its stage)`,
        ),
        attempt + 1,
      );
    }
    if (response.ok) {
      const parsed = parseJson(text);
      if (parsed.ok && request.answer.is(parsed.value)) {
        return { status: response.status, body: parsed.value, headers: response.headers };
      }
      // Not retried: what answered is not the API (a proxy, a captive portal) and would answer again.
      const what = parsed.ok ? `is not the API's answer (no ${request.answer.expected})` : 'is not JSON';
      throw new SmscApiError(
        clientProblem(
          'unexpected_response',
          response.status,
          `HTTP ${response.status} from ${request.method} ${url.pathname} ${what} (is the endpoint the API?): ${text.slice(0, 200)}`,
        ),
        attempt + 1,
      );
    }
    const problem = problemOf(response.status, response.headers.get('content-type'), text);
    const retryAfter = retryAfterSeconds(response.headers);
    // Never sooner than Retry-After: an earlier retry meets the same refusal (a 429 flood_limit's
    // gap may be an hour). A wait beyond MAX_RETRY_AFTER_SECONDS is the caller's to make, not ours.
    if (
      attempt < options.retries &&
      (retryAfter ?? 0) <= MAX_RETRY_AFTER_SECONDS &&
      request.retryOn({ status: response.status, code: problem.code })
    ) {
      await pause(
        Math.max((retryAfter ?? 0) * 1000, backoffDelayMs(attempt, options.backoff)),
        request.signal,
      );
      continue;
    }
    throw new SmscApiError(problem, attempt + 1, retryAfter);
  }
}

/** The longest Retry-After the client waits before a retry; a longer one ends the call (client/README.md). */
const MAX_RETRY_AFTER_SECONDS = 30;

/**
 * The wait before a retry. Aborted, it throws the signal's reason, as an abort during the attempt
 * does: node:timers/promises would throw its own AbortError, and the caller's reason (the one
 * `get(id, { signal })` promises) would be lost.
 */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  }
}

type WholeAnswer = { response: Response; text: string } | { lost: string };

/**
 * One attempt, its body read to the end under the same timeout: an answer whose headers came but
 * whose body was cut or stalled is as lost as one that never came (`lost` says how, for the detail).
 */
async function fetchWhole(
  options: TransportOptions,
  url: URL,
  init: Pick<RequestInit, 'method' | 'headers' | 'body'> & { signal?: AbortSignal },
): Promise<WholeAnswer> {
  const attemptLimit = AbortSignal.timeout(options.timeoutMs);
  const signal = init.signal ? AbortSignal.any([attemptLimit, init.signal]) : attemptLimit;
  let response: Response;
  try {
    // 'manual': a 3xx comes back as itself, to be refused (exchange), never followed.
    response = await options.fetch(url, { ...init, signal, redirect: 'manual' });
  } catch (error) {
    return { lost: `got no answer: ${reasonOf(error)}` };
  }
  try {
    return { response, text: await response.text() };
  } catch (error) {
    return { lost: `got a cut answer (HTTP ${response.status}, body incomplete): ${reasonOf(error)}` };
  }
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Retry-After in seconds; undefined when absent or unreadable. The API sends seconds, but what stands
 * in front of it (API Gateway's integrations, proxies, CDNs) may send an HTTP-date (RFC 9110 allows
 * both): a date already past is 0, one ahead is rounded up, so no retry comes before it.
 */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds : undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : undefined;
}

function ensureSlash(url: URL): URL {
  return url.pathname.endsWith('/') ? url : new URL(`${url.href}/`);
}
