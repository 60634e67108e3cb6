import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { type BindServiceClients, createBindServiceClients } from '#bind-service/aws-clients.ts';
import { LeaseRepository } from '#core/aws/lease.ts';
import { waitUntil, within } from '#test/helpers/wait.ts';

// A saturated store, as the bind-service meets it when DynamoDB cannot keep up: every call takes
// STORE_DELAY_MS and the message writes have filled the main client's sockets, with more queued in
// its agent. The store here is a plain HTTP server on 127.0.0.1 answering DynamoDB's JSON after a
// pause (DynamoDB Local cannot be made slow on demand); the clients, agents and timeouts are the
// SDK's own, as the service builds them.

const STORE_DELAY_MS = 1_000;
/** More than the main client's 50 sockets take: the rest wait in its agent's queue. */
const BACKLOG = 300;

interface SlowStore {
  url: string;
  /** Requests the store has received and not answered yet. */
  open(): number;
  close(): Promise<void>;
}

async function slowStore(): Promise<SlowStore> {
  let open = 0;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    open += 1;
    request.resume();
    setTimeout(() => {
      open -= 1;
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end('{}');
    }, STORE_DELAY_MS);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    open: () => open,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

describe('bind-service AWS clients: the login lease on a saturated store', () => {
  let store: SlowStore | undefined;
  let clients: BindServiceClients | undefined;

  afterEach(async () => {
    clients?.destroy();
    await store?.close();
    clients = undefined;
    store = undefined;
  });

  it('when the message client has every socket busy and hundreds of calls queued, then a lease renewal is answered in one store round trip', async () => {
    // Prepare
    store = await slowStore();
    clients = createBindServiceClients({ region: 'eu-central-1', endpoints: { dynamodb: store.url } });
    const { document } = clients.dynamo;
    const backlog = Array.from({ length: BACKLOG }, (_, index) =>
      document.send(new GetCommand({ TableName: 'messages', Key: { pk: `MSG#${index}`, sk: 'MSG' } })),
    );
    let settled = 0;
    for (const call of backlog) {
      call
        .catch(() => undefined)
        .finally(() => {
          settled += 1;
        });
    }
    const current = store;
    await waitUntil(() => current.open() >= 50, 5_000, 'the message client to fill its sockets');
    const leases = new LeaseRepository(clients.leaseDocument, 'messages');
    const started = performance.now();

    // Act
    const renewed = await within(
      leases.renewLease('login', 'task-a', 30_000),
      3 * STORE_DELAY_MS,
      'the lease renewal',
    );

    // Assess: answered after one store delay, while most of the message calls (6 rounds of 50)
    // were still on the wire or queued ahead of where it would have waited on the main client.
    const settledThen = settled;
    expect(renewed).toBe(true);
    expect(performance.now() - started).toBeLessThan(2.5 * STORE_DELAY_MS);
    expect(settledThen).toBeLessThan(BACKLOG / 2);
  });
});
