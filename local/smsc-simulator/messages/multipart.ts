// Glues the parts of a long message back together, keyed like the provider does: by login, source,
// destination and concat reference. Parts missing when the window closes make the whole message fail.
import type { TimerSet } from '../timers.ts';
import type { ReceivedSubmit, SimulatorEvents, SmppAddresses } from '../types.ts';

/** The fields every part of one message shares, as recorded for its first part. */
export interface MessageHead
  extends Pick<
    ReceivedSubmit,
    | 'systemId'
    | 'sessionId'
    | 'source'
    | 'sourceTon'
    | 'sourceNpi'
    | 'destination'
    | 'destTon'
    | 'destNpi'
    | 'dataCoding'
    | 'registeredDelivery'
    | 'at'
  > {
  /** SINGLE mode: every part has its own id and its own receipt. */
  single: boolean;
  /** ISO mode: data_coding 0 is ISO-8859-1 (the text's parts are counted in it). */
  iso?: boolean;
}

/** The head's addresses alone, copied into what is recorded or receipted of the message. */
export function addressesOf(head: SmppAddresses): SmppAddresses {
  return {
    source: head.source,
    sourceTon: head.sourceTon,
    sourceNpi: head.sourceNpi,
    destination: head.destination,
    destTon: head.destTon,
    destNpi: head.destNpi,
  };
}

export interface AssembledPart {
  index: number;
  messageId: string;
  text: string;
}

export interface Assembly {
  key: string;
  head: MessageHead;
  total: number;
  /** The id every part of the message gets (unless SINGLE). */
  messageId: string;
  parts: Map<number, AssembledPart>;
  timer: NodeJS.Timeout;
}

export function assemblyKey(
  systemId: string,
  source: string,
  destination: string,
  reference: number,
): string {
  return `${systemId}\u0000${source}\u0000${destination}\u0000${reference}`;
}

export class MultipartAssembler {
  private readonly open = new Map<string, Assembly>();

  constructor(
    private readonly windowMs: number,
    private readonly timers: TimerSet,
    private readonly onExpired: (assembly: Assembly) => void,
  ) {}

  find(key: string): Assembly | undefined {
    return this.open.get(key);
  }

  start(key: string, head: MessageHead, total: number, messageId: string): Assembly {
    const assembly: Assembly = {
      key,
      head,
      total,
      messageId,
      parts: new Map(),
      timer: this.timers.set(() => {
        this.open.delete(key);
        this.onExpired(assembly);
      }, this.windowMs),
    };
    this.open.set(key, assembly);
    return assembly;
  }

  /** Whether adding part `index` would make the message whole. */
  wouldComplete(assembly: Assembly, index: number): boolean {
    const received = assembly.parts.size + (assembly.parts.has(index) ? 0 : 1);
    return received >= assembly.total;
  }

  /** The whole text if part `index` carried `text` (used to check a duplicate before accepting it). */
  textWith(assembly: Assembly, index: number, text: string): string {
    let whole = '';
    for (let i = 1; i <= assembly.total; i++) {
      whole += i === index ? text : (assembly.parts.get(i)?.text ?? '');
    }
    return whole;
  }

  /** Adds a part; when it completes the message, the assembly is closed and its parts returned in order. */
  add(assembly: Assembly, part: AssembledPart): AssembledPart[] | undefined {
    // A part sent again replaces the earlier copy, as a resend after a lost answer would.
    assembly.parts.set(part.index, part);
    if (assembly.parts.size < assembly.total) return undefined;
    this.discard(assembly);
    return sortedParts(assembly);
  }

  discard(assembly: Assembly): void {
    this.timers.clear(assembly.timer);
    this.open.delete(assembly.key);
  }

  clear(): void {
    for (const assembly of this.open.values()) this.timers.clear(assembly.timer);
    this.open.clear();
  }
}

export function sortedParts(assembly: Assembly): AssembledPart[] {
  return [...assembly.parts.values()].sort((a, b) => a.index - b.index);
}

/** The `incomplete` event of a message whose parts did not all come within the window. */
export function incompleteEvent(
  head: MessageHead,
  parts: readonly AssembledPart[],
  total: number,
): SimulatorEvents['incomplete'][0] {
  const messageIds = [...new Set(parts.map((part) => part.messageId))];
  return {
    messageIds,
    systemId: head.systemId,
    destination: head.destination,
    received: parts.length,
    total,
  };
}
