import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { crc32 } from 'node:zlib';

// An HTTP proxy on 127.0.0.1 between an AWS SDK client and DynamoDB Local or fauxqs that fails
// single items of batch calls, as DynamoDB and SQS do under load and neither local server ever does:
// - BatchExecuteStatement: the statement answers ThrottlingError;
// - BatchGetItem, BatchWriteItem: the key or request comes back in UnprocessedKeys or
//   UnprocessedItems (all of them: the call answers ProvisionedThroughputExceededException, as
//   DynamoDB does when it can serve none);
// - TransactWriteItems: the whole transaction is cancelled, its CancellationReasons naming the item
//   ThrottlingError and every other item None;
// - SQS DeleteMessageBatch, ChangeMessageVisibilityBatch, SendMessageBatch: the entry is listed in
//   Failed (InternalError, not the sender's fault).
// A failed item never reaches the server, so it is one the service did not apply, as in AWS. A whole
// call can fail too (setCallRule): 500 InternalServerError, before it reaches the server or after
// (an answer lost). Every other call and item passes unchanged. Only the JSON protocols (DynamoDB's, and SQS's since SDK
// v3.400) are understood: the target is the X-Amz-Target header.

export interface FailedItemQuery {
  /** The call, as in X-Amz-Target without its prefix: 'BatchExecuteStatement', 'DeleteMessageBatch'. */
  call: string;
  /** The item as the request carries it: a statement, a key, a transaction item, a batch entry. */
  item: unknown;
}

/** True: this item fails. */
export type ItemFaultRule = (query: FailedItemQuery) => boolean;

/**
 * True: this call fails whole, unseen by the server; 'after-server': the server applies it and its
 * answer is lost. `body`: the request's JSON text, as sent.
 */
export type CallFaultRule = (query: { call: string; body: string }) => boolean | 'after-server';

type Json = Record<string, unknown>;
type Answer = { status: number; body: Json };
/** Sends the (possibly thinned) request on to the server. */
type Forward = (body: Json) => Promise<Answer>;

const THROTTLED_MESSAGE =
  'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically ' +
  'scaling your table or index so please try again shortly.';
const DYNAMODB_ERROR = 'com.amazonaws.dynamodb.v20120810#';

export class ItemFaultProxy {
  private server?: Server;
  private rule: ItemFaultRule = () => false;
  private callRule: CallFaultRule = () => false;
  private readonly agent = new Agent({ keepAlive: true });
  private readonly upstream: URL;
  /** Items failed so far, by call. */
  readonly failed = new Map<string, number>();

  constructor(upstreamEndpoint: string) {
    this.upstream = new URL(upstreamEndpoint);
  }

  /** Listens on a free loopback port; answers the endpoint to give the SDK. */
  listen(): Promise<string> {
    const server = createServer((request, response) => {
      // The upstream failed (or the client left): the client sees a bad gateway, as from a real one.
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`item fault proxy: ${String(error)}`);
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      });
    });
  }

  /** From now on the items `rule` picks fail; undefined lets every item through. */
  setRule(rule?: ItemFaultRule): void {
    this.rule = rule ?? (() => false);
  }

  /** From now on the calls `rule` picks fail whole (the SDK retries them); undefined: none. */
  setCallRule(rule?: CallFaultRule): void {
    this.callRule = rule ?? (() => false);
  }

  /** Forgets the items failed so far. */
  clearCounts(): void {
    this.failed.clear();
  }

  failedCount(call: string): number {
    return this.failed.get(call) ?? 0;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await buffer(request);
    const target = String(request.headers['x-amz-target'] ?? '');
    const call = target.slice(target.indexOf('.') + 1);
    const whole = this.callRule({ call, body: body.toString('utf8') });
    if (whole) {
      this.failed.set(`${call} (whole)`, this.failedCount(`${call} (whole)`) + 1);
      if (whole === 'after-server') await this.send(request, body);
      const text = JSON.stringify({
        __type: `${DYNAMODB_ERROR}InternalServerError`,
        message: 'Internal error',
      });
      response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(text);
      return;
    }
    const rewrite = REWRITES[call];
    if (!rewrite) {
      const passed = await this.send(request, body);
      response.writeHead(passed.status, passed.headers);
      response.end(passed.body);
      return;
    }
    const fails = (item: unknown) => {
      const failing = this.rule({ call, item });
      if (failing) this.failed.set(call, this.failedCount(call) + 1);
      return failing;
    };
    const forward: Forward = async (thinned) => {
      const passed = await this.send(request, Buffer.from(JSON.stringify(thinned)));
      return { status: passed.status, body: JSON.parse(passed.body.toString('utf8') || '{}') as Json };
    };
    const answer = await rewrite(JSON.parse(body.toString('utf8')) as Json, fails, forward);
    const text = Buffer.from(JSON.stringify(answer.body));
    response.writeHead(answer.status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(text.length),
      'x-amz-crc32': String(crc32(text)),
    });
    response.end(text);
  }

  private send(
    request: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
    const headers = { ...request.headers, 'content-length': String(body.length) };
    delete headers['accept-encoding'];
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: this.upstream.hostname,
          port: this.upstream.port,
          method: request.method,
          path: request.url,
          headers,
          agent: this.agent,
        },
        (incoming) => {
          buffer(incoming).then(
            (answer) =>
              resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body: answer }),
            reject,
          );
        },
      );
      outgoing.once('error', reject);
      outgoing.end(body);
    });
  }
}

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

type Fails = (item: unknown) => boolean;

/** Asks the rule once per item, in order: which fail, the items kept and the items held back. */
function split(list: unknown, fails: Fails): { failing: boolean[]; kept: unknown[]; held: unknown[] } {
  const items = listOf(list);
  const failing = items.map(fails);
  return {
    failing,
    kept: items.filter((_, index) => !failing[index]),
    held: items.filter((_, index) => failing[index]),
  };
}

/**
 * BatchGetItem and BatchWriteItem: each table's failing keys or requests come back in the
 * `unprocessed` field of the answer. A table's request is the list itself (BatchWriteItem) or an
 * object holding it (BatchGetItem's `Keys`): `itemsOf` reads the list, `withItems` puts one back.
 */
function unprocessedPerTable(
  unprocessed: 'UnprocessedKeys' | 'UnprocessedItems',
  itemsOf: (request: unknown) => unknown[],
  withItems: (request: unknown, items: unknown[]) => unknown,
) {
  return async (body: Json, fails: Fails, forward: Forward): Promise<Answer> => {
    const kept: Record<string, unknown> = {};
    const held: Record<string, unknown> = {};
    for (const [table, request] of Object.entries((body.RequestItems ?? {}) as Json)) {
      const parts = split(itemsOf(request), fails);
      if (parts.kept.length > 0) kept[table] = withItems(request, parts.kept);
      if (parts.held.length > 0) held[table] = withItems(request, parts.held);
    }
    if (Object.keys(kept).length === 0) {
      return dynamoError('ProvisionedThroughputExceededException', THROTTLED_MESSAGE);
    }
    const passed = await forward({ ...body, RequestItems: kept });
    if (passed.status !== 200) return passed;
    const merged = { ...((passed.body[unprocessed] ?? {}) as Json) };
    for (const [table, request] of Object.entries(held)) {
      const already = merged[table] === undefined ? [] : itemsOf(merged[table]);
      merged[table] = withItems(request, [...already, ...itemsOf(request)]);
    }
    return { status: 200, body: { ...passed.body, [unprocessed]: merged } };
  };
}

const REWRITES: Record<string, (body: Json, fails: Fails, forward: Forward) => Promise<Answer>> = {
  BatchExecuteStatement: async (body, fails, forward) => {
    const { failing, kept } = split(body.Statements, fails);
    const passed = kept.length > 0 ? await forward({ ...body, Statements: kept }) : undefined;
    if (passed && passed.status !== 200) return passed;
    const answers = listOf(passed?.body.Responses);
    let next = 0;
    const Responses = failing.map((failed) =>
      failed ? { Error: { Code: 'ThrottlingError', Message: THROTTLED_MESSAGE } } : answers[next++],
    );
    return { status: 200, body: { ...passed?.body, Responses } };
  },

  BatchGetItem: unprocessedPerTable(
    'UnprocessedKeys',
    (request) => listOf((request as Json).Keys),
    (request, keys) => ({ ...(request as Json), Keys: keys }),
  ),

  BatchWriteItem: unprocessedPerTable('UnprocessedItems', listOf, (_, requests) => requests),

  TransactWriteItems: async (body, fails, forward) => {
    const { failing } = split(body.TransactItems, fails);
    if (!failing.some(Boolean)) return forward(body);
    const codes = failing.map((failed) => (failed ? 'ThrottlingError' : 'None'));
    return dynamoError(
      'TransactionCanceledException',
      `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
      {
        CancellationReasons: failing.map((failed) =>
          failed ? { Code: 'ThrottlingError', Message: THROTTLED_MESSAGE } : { Code: 'None' },
        ),
      },
    );
  },

  DeleteMessageBatch: sqsBatch,
  ChangeMessageVisibilityBatch: sqsBatch,
  SendMessageBatch: sqsBatch,
};

/** SQS's batch calls: each failing entry is listed in `Failed`, as not the sender's fault. */
async function sqsBatch(body: Json, fails: Fails, forward: Forward): Promise<Answer> {
  const { kept, held } = split(body.Entries, fails);
  const passed = kept.length > 0 ? await forward({ ...body, Entries: kept }) : undefined;
  if (passed && passed.status !== 200) return passed;
  const failed = held.map((entry) => ({
    Id: (entry as Json).Id,
    SenderFault: false,
    Code: 'InternalError',
    Message: 'We encountered an internal error. Please try again.',
  }));
  return {
    status: 200,
    body: {
      Successful: listOf(passed?.body.Successful),
      Failed: [...listOf(passed?.body.Failed), ...failed],
    },
  };
}

function dynamoError(name: string, message: string, extra: Json = {}): Answer {
  return { status: 400, body: { __type: `${DYNAMODB_ERROR}${name}`, message, ...extra } };
}
