import type { LookupAddress, LookupOptions } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

// The callbacks' HTTP client: node:http(s), not fetch, because the connection must go to an address
// the caller checked. fetch resolves the host name itself, so a name answering differently the
// second time (DNS rebinding) would be connected wherever it pointed then. Here `lookup` answers
// with the checked addresses only: the name is not resolved again, while the Host header, TLS SNI
// and the certificate check still go by the name, as the receiver expects.

/** An address a host name was resolved to and checked; family 4 or 6. */
export interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

export interface CallbackPostInit {
  headers: Record<string, string>;
  /** Sent as is (the signed bytes). */
  body: string;
  signal: AbortSignal;
  /**
   * What the URL's host name was checked to resolve to: the connection goes to one of them and
   * nowhere else. Absent: the system resolver (an IP literal, which is not resolved, or local mode).
   */
  addresses?: readonly CheckedAddress[];
}

/**
 * POSTs; the receiver's HTTP status once its answer's head arrives. Once `signal` aborts, rejects
 * with its reason (a TimeoutError), as fetch does.
 */
export type CallbackPost = (url: string, init: CallbackPostInit) => Promise<number>;

export const postPinned: CallbackPost = (url, init) =>
  new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(target, {
      method: 'POST',
      headers: {
        ...init.headers,
        // Some receivers' firewalls refuse a request without one (fetch sent `node`).
        'user-agent': 'smsc-aws-sender',
        'content-length': String(Buffer.byteLength(init.body)),
      },
      // One connection per attempt, closed after it: a pooled socket is matched by host and port,
      // not by the addresses it was checked against.
      agent: false,
      signal: init.signal,
      ...(init.addresses ? { lookup: pinnedLookup(target.hostname, init.addresses) } : {}),
    });
    // Redirects are not followed (node:http never does): a 3xx is the answer, so the signed event
    // never goes to a host the sender did not name, nor to an address nobody checked.
    request.once('response', (response) => {
      resolve(response.statusCode ?? 0);
      // The body is ignored, so it is not read: a receiver answering with a large one would
      // otherwise fill the worker's memory, and every job of the batch would be posted again.
      response.destroy();
    });
    // `on`, not `once`: the socket torn down after the answer may report again, to no one.
    request.on('error', (error) => reject(init.signal.aborted ? init.signal.reason : error));
    request.end(init.body);
  });

/** A lookup that answers `hostname` with the checked addresses and refuses any other name. */
export function pinnedLookup(hostname: string, addresses: readonly CheckedAddress[]): LookupFunction {
  return (name: string, options: LookupOptions, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    const answers: LookupAddress[] =
      name === hostname ? addresses.filter((answer) => family === 0 || answer.family === family) : [];
    // Asynchronous, as dns.lookup is: net.connect expects its callback on a later tick.
    process.nextTick(() => {
      const [first] = answers;
      if (!first) {
        const error: NodeJS.ErrnoException = new Error(`no checked address for ${name}`);
        error.code = 'ENOTFOUND';
        callback(error, '', 0);
      } else if (options.all) callback(null, answers);
      else callback(null, first.address, first.family);
    });
  };
}
