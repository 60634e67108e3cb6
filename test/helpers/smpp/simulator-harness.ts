// Starts simulators and clients for one test and closes every one of them afterwards.
import { type SimulatorOptions, SmscSimulator } from '#local/smsc-simulator/index.ts';
import {
  type BindFields,
  boundClient,
  type ClientOptions,
  connectClient,
  type TestClient,
} from './simulator-client.ts';

export const ACCOUNT = { systemId: 'acme', password: 'fake-pw2' } as const;

export class SimulatorHarness {
  private readonly simulators: SmscSimulator[] = [];
  private readonly clients: TestClient[] = [];

  async start(options: Partial<SimulatorOptions> = {}): Promise<SmscSimulator> {
    const simulator = new SmscSimulator({ accounts: [{ ...ACCOUNT, rate: 0 }], ...options });
    this.simulators.push(simulator);
    await simulator.listen(0);
    return simulator;
  }

  async connect(simulator: SmscSimulator, options?: ClientOptions): Promise<TestClient> {
    const client = await connectClient(simulator.port, options);
    this.clients.push(client);
    return client;
  }

  async bind(
    simulator: SmscSimulator,
    bind: Partial<BindFields> = {},
    options?: ClientOptions,
  ): Promise<TestClient> {
    const client = await boundClient(simulator.port, { ...ACCOUNT, ...bind }, options);
    this.clients.push(client);
    return client;
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.close()));
    await Promise.all(this.simulators.splice(0).map((simulator) => simulator.close()));
  }
}
