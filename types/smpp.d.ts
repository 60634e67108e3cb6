// Types for the untyped `smpp` package (node-smpp 0.5.x), limited to what this project uses.
// Only bind-service/smpp/pdu/smpp-package.ts imports the package; everything else goes through it.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';
  import type { TLSSocket } from 'node:tls';

  export type CommandName =
    | 'bind_transceiver'
    | 'bind_transceiver_resp'
    | 'bind_transmitter'
    | 'bind_transmitter_resp'
    | 'bind_receiver'
    | 'bind_receiver_resp'
    | 'submit_sm'
    | 'submit_sm_resp'
    | 'deliver_sm'
    | 'deliver_sm_resp'
    | 'query_sm'
    | 'query_sm_resp'
    | 'enquire_link'
    | 'enquire_link_resp'
    | 'unbind'
    | 'unbind_resp'
    | 'generic_nack'
    | 'submit_multi'
    | 'submit_multi_resp'
    | 'data_sm'
    | 'data_sm_resp'
    | 'cancel_sm'
    | 'cancel_sm_resp'
    | 'replace_sm'
    | 'replace_sm_resp'
    | 'outbind'
    | 'alert_notification'
    | 'unknown';

  /** A decoded or to-be-encoded PDU: header fields plus whatever body params and TLVs it holds. */
  export interface PduFields {
    command_status?: number;
    sequence_number?: number;
    system_id?: string;
    password?: string;
    system_type?: string;
    interface_version?: number;
    addr_ton?: number;
    addr_npi?: number;
    address_range?: string;
    service_type?: string;
    source_addr_ton?: number;
    source_addr_npi?: number;
    source_addr?: string;
    dest_addr_ton?: number;
    dest_addr_npi?: number;
    destination_addr?: string;
    esm_class?: number;
    protocol_id?: number;
    priority_flag?: number;
    schedule_delivery_time?: string;
    validity_period?: string | Date;
    registered_delivery?: number;
    replace_if_present_flag?: number;
    data_coding?: number | null;
    sm_default_msg_id?: number;
    short_message?: Buffer;
    message_payload?: Buffer;
    message_id?: string;
    receipted_message_id?: string;
    message_state?: number;
    network_error_code?: Buffer;
    final_date?: string | Date;
    error_code?: number;
    sc_interface_version?: number;
    [tlvOrParam: string]: unknown;
  }

  export interface PDU extends PduFields {
    command: CommandName;
    command_id: number;
    command_length: number;
    command_status: number;
    sequence_number: number;
    isResponse(): boolean;
    response(options?: PduFields): PDU;
    toBuffer(): Buffer;
  }

  export interface PDUConstructor {
    new (command: CommandName, options?: PduFields): PDU;
    new (buffer: Buffer): PDU;
    maxLength: number;
    fromBuffer(buffer: Buffer): PDU | false;
  }

  export type ResponseCallback = (pdu: PDU) => void;

  export interface SessionOptions {
    host?: string;
    port?: number;
    tls?: boolean;
    socket?: Socket | TLSSocket;
    auto_enquire_link_period?: number;
    [socketOption: string]: unknown;
  }

  export class Session extends EventEmitter {
    constructor(options: SessionOptions);
    socket: Socket | TLSSocket;
    sequence: number;
    paused: boolean;
    server?: Server;
    send(pdu: PDU, responseCallback?: ResponseCallback, sendCallback?: ResponseCallback): boolean;
    pause(): void;
    resume(): void;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
  }

  export interface Server extends NetServer {
    sessions: Session[];
  }

  export interface TlvType {
    read(buffer: Buffer, offset: number, length: number): unknown;
    write(value: unknown, buffer: Buffer, offset: number): void;
    size(value: unknown): number;
    default: unknown;
  }

  export interface ParamDefinition {
    type: TlvType;
    default?: unknown;
    filter?: { encode(value: unknown): unknown; decode(value: unknown): unknown };
  }

  export interface CommandDefinition {
    id: number;
    command?: string;
    params?: Record<string, ParamDefinition>;
  }

  export interface TlvDefinition {
    id: number;
    tag?: string;
    type: TlvType;
    multiple?: boolean;
    filter?: { encode(value: unknown): unknown; decode(value: unknown): unknown };
  }

  export const PDU: PDUConstructor;
  export const commands: Record<string, CommandDefinition>;
  export const tlvs: Record<string, TlvDefinition>;
  export const tlvsById: Record<number, TlvDefinition>;
  export const types: {
    tlv: {
      int8: TlvType;
      int16: TlvType;
      int32: TlvType;
      cstring: TlvType;
      string: TlvType;
      buffer: TlvType;
    };
  };
  export const errors: Record<string, number>;

  export function createServer(
    options: Record<string, unknown>,
    listener?: (session: Session) => void,
  ): Server;
  export function connect(options: SessionOptions, listener?: () => void): Session;
  export function addTLV(tag: string, options: { id: number; type: TlvType; multiple?: boolean }): void;

  const smpp: {
    PDU: PDUConstructor;
    Session: typeof Session;
    commands: typeof commands;
    tlvs: typeof tlvs;
    tlvsById: typeof tlvsById;
    types: typeof types;
    errors: typeof errors;
    createServer: typeof createServer;
    connect: typeof connect;
    addTLV: typeof addTLV;
  };
  export default smpp;
}
