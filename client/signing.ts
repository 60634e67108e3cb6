import type { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { isLoopbackHost } from '#core/domain/requests/loopback-url.ts';

// SigV4 for API Gateway (service `execute-api`) with the AWS SDK's own signer and, unless given, the
// SDK's default credential chain (environment, SSO, the shared files with a profile, container and
// instance roles), exactly as the AWS CLI finds them.

export const API_GATEWAY_SERVICE = 'execute-api';

export interface SigningOptions {
  region: string;
  /** Default: the standard chain, with `profile` when given. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  profile?: string;
}

export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export type RequestSigner = (request: OutgoingRequest) => Promise<Record<string, string>>;

export function sigV4Signer(options: SigningOptions): RequestSigner {
  // Loaded with the first signed request: the signer, the hash and the credential chain take about
  // 150 ms to import, which a client of the local stack (unsigned) and every CLI start would pay.
  let signer: Promise<SignatureV4> | undefined;
  return async ({ method, url, headers, body }) => {
    signer ??= newSigner(options);
    const signed = await (await signer).sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...headers, host: url.host },
      ...(body !== undefined ? { body } : {}),
    });
    // fetch sets Host itself (to the same value) and refuses to be given one.
    const { host: _host, ...rest } = signed.headers;
    return rest;
  };
}

async function newSigner(options: SigningOptions): Promise<SignatureV4> {
  const [{ Sha256 }, { fromNodeProviderChain }, { SignatureV4 }] = await Promise.all([
    import('@aws-crypto/sha256-js'),
    import('@aws-sdk/credential-providers'),
    import('@smithy/signature-v4'),
  ]);
  const credentials =
    options.credentials ?? fromNodeProviderChain(options.profile ? { profile: options.profile } : {});
  return new SignatureV4({
    service: API_GATEWAY_SERVICE,
    region: options.region,
    credentials,
    sha256: Sha256,
  });
}

/** The local stack is unsigned (it has no authoriser); anything else is API Gateway with IAM auth. */
export function isLocalEndpoint(url: URL): boolean {
  return isLoopbackHost(url.hostname) || url.hostname === '::1';
}

/** `https://<id>.execute-api.<region>.amazonaws.com/...` names its region. */
export function regionOfEndpoint(url: URL): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname)?.[1];
}
