import { createServer, type Server, Socket } from 'node:net';
import { elapse } from '#test/helpers/wait.ts';

// A TCP proxy on 127.0.0.1 that a fault case puts between the bind-service and one of its peers
// (DynamoDB, SQS, the SMSC), so the peer can "disappear" without being stopped: the peer keeps its
// state while the bind-service sees exactly what a network fault shows it.
// - pass:      bytes flow both ways
// - refuse:    every connection is reset as soon as it is accepted (a stopped server)
// - blackhole: connections are accepted and held, nothing is forwarded either way; open links are
//              frozen for good (a dead route that never comes back for them)
// - partition: a silent network partition that heals: open links carry nothing either way and
//              neither peer learns of the other closing (no FIN or RST crosses), as the proxy stops
//              reading both sockets; back to `pass`, they carry what was held back, closes
//              included. A connection made meanwhile is held, and reset when the partition heals
//              (its handshake would not have got through).
// A request filter (setRequestFilter) resets the link whenever a chunk from the client matches: an
// HTTP call of one kind (say SQS DeleteMessageBatch) fails while every other call passes.

export type ProxyMode = 'pass' | 'refuse' | 'blackhole' | 'partition';

interface Link {
  client: Socket;
  upstream?: Socket;
  /** Nothing flows until the partition heals (its sockets are not read meanwhile). */
  frozen: boolean;
  /** One side closed during the partition: the other learns when it heals. */
  closedUnseen?: boolean;
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
    const healed = this.mode === 'partition' && mode !== 'partition';
    this.mode = mode;
    if (healed) for (const link of [...this.links]) this.heal(link);
    if (mode === 'pass') return;
    for (const link of [...this.links]) this.cut(link, mode);
  }

  /** A silent partition for `ms`, then bytes flow again (see `partition` above). */
  async partitionFor(ms: number): Promise<void> {
    this.setMode('partition');
    await elapse(ms);
    this.setMode('pass');
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
    const link: Link = { client, frozen: false };
    this.links.add(link);
    client.on('error', () => undefined);
    client.on('close', () => this.drop(link));
    if (this.mode === 'refuse') {
      this.cut(link, 'refuse');
      return;
    }
    if (this.mode === 'blackhole' || this.mode === 'partition') {
      link.frozen = true;
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
      this.forward(link, client, upstream, (chunk) => this.requestFilter?.(chunk) === true);
      this.forward(link, upstream, client, () => false);
      if (link.frozen) upstream.pause();
    });
  }

  /** Copies `from` to `to`, holding back while `to` is full or the link frozen; `resets` cuts it. */
  private forward(link: Link, from: Socket, to: Socket, resets: (chunk: Buffer) => boolean): void {
    from.on('data', (chunk: Buffer) => {
      if (resets(chunk)) this.cut(link, 'refuse');
      else if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (!link.frozen) from.resume();
    });
  }

  private heal(link: Link): void {
    if (!link.frozen) return;
    // Made during the partition (its handshake would not have got through), or closed by one side
    // meanwhile: the other side's next packet meets a socket that is gone.
    if (!link.upstream || link.closedUnseen) {
      this.cut(link, 'refuse');
      return;
    }
    link.frozen = false;
    link.client.resume();
    link.upstream.resume();
  }

  private cut(link: Link, mode: Exclude<ProxyMode, 'pass'>): void {
    if (mode === 'partition') {
      link.frozen = true;
      link.client.pause();
      link.upstream?.pause();
      return;
    }
    if (mode === 'blackhole') {
      // Nothing more flows; the sockets stay open, as behind a dead route.
      link.frozen = true;
      link.client.removeAllListeners('data');
      link.upstream?.removeAllListeners('data');
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
    if (link.frozen && this.mode === 'partition') {
      link.closedUnseen = true;
      return;
    }
    this.links.delete(link);
    link.client.destroy();
    link.upstream?.destroy();
  }
}
