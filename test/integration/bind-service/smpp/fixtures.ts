// Shared set-up for the engine's integration tests: a simulator on a free loopback port, engines
// pointed at it, distinct messages, and a cleanup list run after each test.
import { type AddressInfo, createServer } from 'node:net';
import {
  type SessionConfig,
  type SessionEventName,
  type SessionEvents,
  SmppClient,
  type SmppClientOptions,
  type SubmitFields,
} from '#bind-service/smpp/index.ts';
import type { Server, Session } from '#bind-service/smpp/pdu/smpp-package.ts';
import { type SimulatorOptions, SmscSimulator } from '#local/smsc-simulator/index.ts';
import { within } from '#test/helpers/wait.ts';
import type { useCleanup } from '../cleanup.ts';

/** The cleanup list every engine test uses (one copy for dispatch's tests and these). */
export { useCleanup } from '../cleanup.ts';

export const ACCOUNT = { systemId: 'engine', password: 'fake-pw1' } as const;

export async function startSimulator(
  defer: ReturnType<typeof useCleanup>,
  options: Partial<SimulatorOptions> = {},
  port = 0,
): Promise<SmscSimulator> {
  const simulator = new SmscSimulator({ accounts: [{ ...ACCOUNT, rate: 0 }], ...options });
  await simulator.listen(port);
  defer(() => simulator.close());
  return simulator;
}

export function engineFor(
  defer: ReturnType<typeof useCleanup>,
  port: number,
  overrides: Partial<SessionConfig> = {},
  options: SmppClientOptions = {},
): SmppClient {
  const client = new SmppClient(
    {
      hosts: [{ host: '127.0.0.1', port }],
      systemId: ACCOUNT.systemId,
      password: ACCOUNT.password,
      bindTimeoutMs: 2_000,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 },
      ...overrides,
    },
    options,
  );
  defer(() => client.stop({ drainTimeoutMs: 200 }));
  return client;
}

/** A message with its own destination and text, so no duplicate or flood rule interferes. */
export function sms(index: number, overrides: Partial<SubmitFields> = {}): SubmitFields {
  return {
    source_addr: 'Shop',
    source_addr_ton: 5,
    source_addr_npi: 0,
    destination_addr: `7999${String(index).padStart(7, '0')}`,
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    esm_class: 0,
    data_coding: 0,
    // Letters, digits and spaces are the same bytes in ASCII and the GSM default alphabet.
    short_message: Buffer.from(`Message number ${index}`, 'latin1'),
    registered_delivery: 0,
    ...overrides,
  };
}

/** A loopback port with nothing listening on it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Every event of these kinds, in order, for assertions on a lifecycle. */
export function recordEvents(client: SmppClient, names: SessionEventName[]) {
  const seen: { name: SessionEventName; event: SessionEvents[SessionEventName]; at: number }[] = [];
  for (const name of names) client.on(name, (event) => seen.push({ name, event, at: performance.now() }));
  return seen;
}

export function nextEvent<K extends SessionEventName>(
  client: SmppClient,
  name: K,
  timeoutMs = 3_000,
  predicate: (event: SessionEvents[K]) => boolean = () => true,
): Promise<SessionEvents[K]> {
  return within(client.once(name, predicate), timeoutMs, `engine event '${name}'`);
}

export async function startBound(client: SmppClient, timeoutMs = 3_000): Promise<void> {
  await within(client.start(), timeoutMs, 'the engine to bind');
}

/**
 * A hand-written SMSC (what the simulator never does) on a free loopback port; after the test its
 * server-side sessions are destroyed and it is closed. Resolves with the port.
 */
export async function listenUntilCleanup(
  server: Server,
  sessions: readonly Session[],
  defer: ReturnType<typeof useCleanup>,
): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  defer(
    () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}
