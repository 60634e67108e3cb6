import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from '#test/helpers/net/listen.ts';

// A local stand-in for Amazon EventBridge that answers PutEvents (the JSON 1.1 protocol the SDK
// speaks: POST /, X-Amz-Target AWSEvents.PutEvents) and keeps every entry it took. A fault case can
// make it refuse chosen entries (each gets ErrorCode/ErrorMessage instead of an EventId, and the
// answer's FailedEntryCount counts them, as EventBridge does) or whole calls (a 5xx, nothing taken).

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: number | string;
}

/** Decides per entry, seeing the whole call's entries: true refuses it (it is not recorded). */
export type EntryFault = (entry: PutEventsEntry, call: readonly PutEventsEntry[]) => boolean;

export class EventBridgeStandIn {
  /** Every entry taken, in the order taken. */
  readonly entries: PutEventsEntry[] = [];
  readonly stats = { calls: 0, callsFailed: 0, entriesRefused: 0 };
  private entryFault: EntryFault | undefined;
  private callsToFail = 0;
  private server?: Server;

  /** Refuses each entry the predicate picks (InternalFailure), until cleared with undefined. */
  failEntries(fault: EntryFault | undefined): void {
    this.entryFault = fault;
  }

  /**
   * `count` more PutEvents calls answer 500 and take nothing, after any still to fail: a second
   * failCalls() before the first's calls came adds to them instead of replacing them.
   */
  failCalls(count: number): void {
    this.callsToFail += count;
  }

  async listen(): Promise<string> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
          response.statusCode = 400;
          response.end(JSON.stringify({ __type: 'UnknownOperationException', message: 'PutEvents only' }));
          return;
        }
        this.stats.calls++;
        if (this.callsToFail > 0) {
          this.callsToFail--;
          this.stats.callsFailed++;
          response.statusCode = 500;
          response.end(JSON.stringify({ __type: 'InternalException', message: 'stand-in: call refused' }));
          return;
        }
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
          Entries?: PutEventsEntry[];
        };
        const call = body.Entries ?? [];
        const results = call.map((entry) => {
          if (this.entryFault?.(entry, call)) {
            this.stats.entriesRefused++;
            return { ErrorCode: 'InternalFailure', ErrorMessage: 'stand-in: entry refused' };
          }
          this.entries.push(entry);
          return { EventId: randomUUID() };
        });
        const failed = results.filter((result) => 'ErrorCode' in result).length;
        response.end(JSON.stringify({ FailedEntryCount: failed, Entries: results }));
      });
    });
    this.server = server;
    return listenOnLoopback(server);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
