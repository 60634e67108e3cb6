// A bare SMPP client for the simulator's tests: the raw package, promisified, so each test speaks
// the protocol directly and sees exactly what the simulator sends back.
import { type CommandName, type PDU, type PduFields, type Session, smpp } from '#bind-service/smpp/codec.ts';

export interface ClientOptions {
  /** Without `ca` the system's trust store applies. */
  tls?: { ca?: string | Buffer; servername?: string };
}

export interface BindFields {
  systemId: string;
  password: string;
  systemType?: string;
  command?: 'bind_transceiver' | 'bind_transmitter' | 'bind_receiver';
}

const ESME_ROK = 0;

export class TestClient {
  /** Requests the simulator sent us (deliver_sm, unbind, enquire_link), in order. */
  readonly received: PDU[] = [];
  /** DELIVER_SM answer: a command_status, or undefined to leave it unanswered. */
  deliverStatus: (pdu: PDU) => number | undefined = () => ESME_ROK;
  readonly closed: Promise<void>;
  private readonly listeners = new Set<() => void>();

  constructor(readonly session: Session) {
    this.closed = new Promise((resolve) => session.on('close', () => resolve()));
    session.on('error', () => undefined);
    session.on('pdu', (pdu: PDU) => {
      if (pdu.isResponse()) return;
      this.received.push(pdu);
      if (pdu.command === 'deliver_sm') {
        const status = this.deliverStatus(pdu);
        if (status !== undefined) session.send(pdu.response({ command_status: status }));
      } else if (pdu.command === 'unbind' || pdu.command === 'enquire_link') {
        session.send(pdu.response());
      }
      for (const listener of this.listeners) listener();
    });
  }

  async bind(fields: BindFields): Promise<PDU> {
    return this.request(fields.command ?? 'bind_transceiver', {
      system_id: fields.systemId,
      password: fields.password,
      system_type: fields.systemType ?? '',
      interface_version: 0x34,
    });
  }

  request(command: CommandName, fields: PduFields = {}, timeoutMs = 5000): Promise<PDU> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer to ${command} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const sent = this.session.send(new smpp.PDU(command, fields), (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      if (!sent) {
        clearTimeout(timer);
        reject(new Error(`socket not writable for ${command}`));
      }
    });
  }

  submit(fields: PduFields, timeoutMs?: number): Promise<PDU> {
    return this.request(
      'submit_sm',
      {
        source_addr_ton: 5,
        source_addr_npi: 1,
        source_addr: 'Sender',
        dest_addr_ton: 1,
        dest_addr_npi: 1,
        ...fields,
      },
      timeoutMs,
    );
  }

  /** Waits for the simulator to have sent `count` requests matching `predicate`. */
  async waitForReceived(predicate: (pdu: PDU) => boolean, count = 1, timeoutMs = 5000): Promise<PDU[]> {
    const matching = (): PDU[] => this.received.filter(predicate);
    if (matching().length >= count) return matching();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        if (matching().length < count) return;
        clearTimeout(timer);
        this.listeners.delete(done);
        resolve(matching());
      };
      const timer = setTimeout(() => {
        this.listeners.delete(done);
        reject(new Error(`only ${matching().length} of ${count} expected PDUs within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listeners.add(done);
    });
  }

  receipts(): PDU[] {
    return this.received.filter((pdu) => pdu.command === 'deliver_sm' && ((pdu.esm_class ?? 0) & 0x04) !== 0);
  }

  close(): Promise<void> {
    this.session.destroy();
    return this.closed;
  }
}

export function connectClient(port: number, options: ClientOptions = {}): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const session = smpp.connect({
      host: '127.0.0.1',
      port,
      ...(options.tls ? { tls: true, ...options.tls } : {}),
    });
    const client = new TestClient(session);
    const onError = (error: Error): void => reject(error);
    session.socket.once('error', onError);
    session.once(options.tls ? 'secureConnect' : 'connect', () => {
      session.socket.off('error', onError);
      session.socket.setNoDelay(true);
      resolve(client);
    });
  });
}

/** Opens a client and binds it; throws when the bind is refused. */
export async function boundClient(
  port: number,
  bind: BindFields,
  options?: ClientOptions,
): Promise<TestClient> {
  const client = await connectClient(port, options);
  const response = await client.bind(bind);
  if (response.command_status !== 0) {
    await client.close();
    throw new Error(`bind refused with 0x${response.command_status.toString(16)}`);
  }
  return client;
}

/** The error code carried in network_error_code (type octet, then uint16). */
export function networkError(pdu: PDU): number | undefined {
  const value = pdu.network_error_code;
  return Buffer.isBuffer(value) && value.length === 3 ? value.readUInt16BE(1) : undefined;
}

export function shortText(pdu: PDU): string {
  const body = pdu.short_message && pdu.short_message.length > 0 ? pdu.short_message : pdu.message_payload;
  return body ? body.toString('latin1') : '';
}
