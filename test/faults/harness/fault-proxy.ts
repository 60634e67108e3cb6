import { createServer, type Server, Socket } from 'node:net';

// A TCP proxy on 127.0.0.1 that a fault case puts between the bind-service and one of its peers
// (DynamoDB, SQS, the SMSC), so the peer can "disappear" without being stopped: the peer keeps its
// state while the bind-service sees exactly what a network fault shows it.
// - pass:      bytes flow both ways
// - refuse:    every connection is reset as soon as it is accepted (a stopped server)
// - blackhole: connections are accepted and held, nothing is forwarded either way (a partition)
// A request filter (setRequestFilter) resets the link whenever a chunk from the client matches: an
// HTTP call of one kind (say SQS DeleteMessageBatch) fails while every other call passes.

export type ProxyMode = 'pass' | 'refuse' | 'blackhole';

interface Link {
  client: Socket;
  upstream?: Socket;
}

export class FaultProxy {
  private server?: Server;
  private mode: ProxyMode = 'pass';
  private readonly links = new Set<Link>();
  private listeningPort = 0;
  private requestFilter?: (chunk: Buffer) => boolean;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  get port(): number {
    return this.listeningPort;
  }

  listen(): Promise<number> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        this.listeningPort = typeof address === 'object' && address ? address.port : 0;
        resolve(this.listeningPort);
      });
    });
  }

  /** Switches mode; `refuse` and `blackhole` also cut every open link, as the real fault would. */
  setMode(mode: ProxyMode): void {
    this.mode = mode;
    if (mode === 'pass') return;
    for (const link of [...this.links]) this.cut(link, mode);
  }

  /** From now on a client chunk for which `filter` is true resets its link; undefined lifts it. */
  setRequestFilter(filter?: (chunk: Buffer) => boolean): void {
    this.requestFilter = filter;
  }

  /** Resets every open link but keeps the mode (a peer closing its sockets). */
  resetAll(): void {
    for (const link of [...this.links]) this.cut(link, 'refuse');
  }

  async close(): Promise<void> {
    for (const link of [...this.links]) this.cut(link, 'refuse');
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const link: Link = { client };
    this.links.add(link);
    client.on('error', () => undefined);
    client.on('close', () => this.drop(link));
    if (this.mode === 'refuse') {
      this.cut(link, 'refuse');
      return;
    }
    if (this.mode === 'blackhole') {
      client.pause();
      return;
    }
    const upstream = new Socket();
    link.upstream = upstream;
    upstream.on('error', () => this.cut(link, 'refuse'));
    upstream.on('close', () => this.drop(link));
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    upstream.connect(this.targetPort, this.targetHost, () => {
      client.on('data', (chunk: Buffer) => {
        if (this.requestFilter?.(chunk)) this.cut(link, 'refuse');
        else if (!upstream.write(chunk)) client.pause();
      });
      upstream.on('drain', () => client.resume());
      upstream.pipe(client);
    });
  }

  private cut(link: Link, mode: Exclude<ProxyMode, 'pass'>): void {
    if (mode === 'blackhole') {
      // Nothing more flows; the sockets stay open, as behind a dead route.
      link.client.removeAllListeners('data');
      link.upstream?.removeAllListeners('drain');
      link.upstream?.unpipe();
      link.client.pause();
      link.upstream?.pause();
      return;
    }
    link.client.resetAndDestroy();
    link.upstream?.resetAndDestroy();
    this.links.delete(link);
  }

  private drop(link: Link): void {
    if (!this.links.has(link)) return;
    this.links.delete(link);
    link.client.destroy();
    link.upstream?.destroy();
  }
}
