import { ApiProblem } from './problem.ts';

// Reads a POST body as JSON, refusing before any work is done: a content type other than JSON (415),
// a body over the route's limit (413, by Content-Length when given and by the bytes actually read,
// since a chunked body has no length), bytes that are not UTF-8 (400 invalid_utf8; a lenient decoder
// would silently turn them into U+FFFD and we would send the subscriber replacement characters), and
// text that is not JSON (400 malformed_json).

export const KIB = 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function readJsonBody(request: Request, limitBytes: number): Promise<unknown> {
  checkContentType(request.headers.get('content-type'));
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limitBytes) throw tooLarge(limitBytes);
  const bytes = await readLimited(request, limitBytes);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ApiProblem({
      status: 400,
      code: 'invalid_utf8',
      title: 'The body is not valid UTF-8',
      detail: 'The request body must be JSON encoded as UTF-8.',
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // JSON.parse's own message quotes the body, which may carry a phone number: not echoed.
    throw new ApiProblem({
      status: 400,
      code: 'malformed_json',
      title: 'The body is not valid JSON',
      detail: text.trim() === '' ? 'The request body is empty.' : 'The request body is not valid JSON.',
    });
  }
}

function checkContentType(header: string | null): void {
  const [mediaType = '', ...params] = (header ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = params.find((param) => param.startsWith('charset='))?.slice('charset='.length);
  const utf8Charset = charset === undefined || charset.replace(/"/g, '') === 'utf-8';
  if (mediaType === 'application/json' && utf8Charset) return;
  throw new ApiProblem({
    status: 415,
    code: 'unsupported_media_type',
    title: 'Unsupported media type',
    detail: 'The request body must be sent as "Content-Type: application/json" (UTF-8).',
    headers: { 'accept-post': 'application/json' },
  });
}

async function readLimited(request: Request, limitBytes: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      // Stop reading: the rest of an oversized body is not worth the memory.
      await reader.cancel();
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** The 413's detail, also the OpenAPI document's example of it (openapi/route-wording.ts). */
export function tooLargeDetail(limitBytes: number): string {
  return `The request body must be at most ${limitBytes / KIB} KiB.`;
}

function tooLarge(limitBytes: number): ApiProblem {
  return new ApiProblem({
    status: 413,
    code: 'payload_too_large',
    title: 'The body is too large',
    detail: tooLargeDetail(limitBytes),
  });
}
