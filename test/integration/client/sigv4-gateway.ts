import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';

// A stand-in for API Gateway's IAM authoriser in front of the local API: it recomputes each
// request's SigV4 signature with the AWS SDK's own signer (from the credentials it knows, the date
// and the signed headers the request names) and forwards the request only when both match. A
// mismatch gets API Gateway's answer: 403 `{"message": ...}`.

export interface SigV4Gateway {
  url: string;
  /** Authorization headers that verified / failed. */
  verified: number;
  refused: number;
  close(): Promise<void>;
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/;

export async function startSigV4Gateway(options: {
  target: string;
  region: string;
  credentials: AwsCredentialIdentity;
}): Promise<SigV4Gateway> {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  const state = { verified: 0, refused: 0 };

  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const problem = await verify(signer, options, request, body);
      if (problem) {
        state.refused += 1;
        response.writeHead(403, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: problem }));
        return;
      }
      state.verified += 1;
      const forwarded = await fetch(options.target + (request.url ?? '/'), {
        method: request.method ?? 'GET',
        headers: {
          'content-type': request.headers['content-type'] ?? 'application/json',
          ...forwardable(request),
        },
        ...(body.length > 0 ? { body } : {}),
      });
      const headers: Record<string, string> = {};
      forwarded.headers.forEach((value, key) => {
        headers[key] = value;
      });
      response.writeHead(forwarded.status, headers);
      response.end(Buffer.from(await forwarded.arrayBuffer()));
    })().catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get verified() {
      return state.verified;
    },
    get refused() {
      return state.refused;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function verify(
  signer: SignatureV4,
  options: { region: string; credentials: AwsCredentialIdentity },
  request: IncomingMessage,
  body: Buffer,
): Promise<string | undefined> {
  const authorization = request.headers.authorization ?? '';
  const match = AUTH_PATTERN.exec(authorization);
  const amzDate = request.headers['x-amz-date'];
  if (!match || typeof amzDate !== 'string') return 'Missing Authentication Token';
  const [, accessKeyId, , region, service, signedHeaderList = ''] = match;
  if (accessKeyId !== options.credentials.accessKeyId)
    return 'The security token included in the request is invalid.';
  if (region !== options.region || service !== 'execute-api')
    return 'Credential should be scoped to a valid region.';
  const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
  const headers: Record<string, string> = {};
  for (const name of signedHeaderList.split(';')) {
    const value = request.headers[name];
    if (value === undefined) return `Signed header ${name} is missing.`;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const expected = await signer.sign(
    {
      method: request.method ?? 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      ...(body.length > 0 ? { body: body.toString('utf8') } : {}),
    },
    { signingDate: parseAmzDate(amzDate) },
  );
  if (expected.headers.authorization !== authorization) {
    return 'The request signature we calculated does not match the signature you provided.';
  }
  return undefined;
}

function parseAmzDate(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return new Date(Number.NaN);
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

function forwardable(request: IncomingMessage): Record<string, string> {
  const key = request.headers['idempotency-key'];
  return typeof key === 'string' ? { 'idempotency-key': key } : {};
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
