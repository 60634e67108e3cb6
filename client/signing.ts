import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';
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
  const credentials =
    options.credentials ?? fromNodeProviderChain(options.profile ? { profile: options.profile } : {});
  const signer = new SignatureV4({
    service: API_GATEWAY_SERVICE,
    region: options.region,
    credentials,
    sha256: Sha256,
  });
  return async ({ method, url, headers, body }) => {
    const signed = await signer.sign({
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

/** The local stack is unsigned (it has no authoriser); anything else is API Gateway with IAM auth. */
export function isLocalEndpoint(url: URL): boolean {
  return isLoopbackHost(url.hostname) || url.hostname === '::1';
}

/** `https://<id>.execute-api.<region>.amazonaws.com/...` names its region. */
export function regionOfEndpoint(url: URL): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname)?.[1];
}
