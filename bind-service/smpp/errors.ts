import { AdapterError, ConfigError, DomainError } from '#core/domain/errors.ts';
import { commandStatusName } from './pdu/status.ts';

/**
 * Base of the SMSC link's failures (refusals, timeouts, lost or refused connections); `code` is
 * stable for logs and metrics. Two errors of the engine are not the link's: a bad session config
 * (a ConfigError) and an address no SUBMIT_SM can carry (a DomainError, the request's fault).
 */
export abstract class SmppError extends AdapterError {}

/** The session settings given to the engine are invalid; `path` names the field. */
export class SessionConfigError extends ConfigError {
  override readonly code = 'SMPP_CONFIG_INVALID';
  readonly path: readonly (string | number)[];

  constructor(message: string, path: readonly (string | number)[] = []) {
    super(message);
    this.path = path;
  }
}

/** The SMSC answered a request with a non-zero command_status. */
export class SmscRejectedError extends SmppError {
  readonly code = 'SMSC_REJECTED';
  readonly commandStatus: number;
  readonly statusName: string;

  constructor(command: string, commandStatus: number) {
    const statusName = commandStatusName(commandStatus);
    super(`${command} rejected by the SMSC: ${statusName} (0x${commandStatus.toString(16)})`);
    this.commandStatus = commandStatus;
    this.statusName = statusName;
  }
}

/** The SMSC refused the login itself; retrying would only risk locking the account. */
export class BindCredentialsError extends SmppError {
  readonly code = 'SMPP_BAD_CREDENTIALS';
  readonly commandStatus: number;

  constructor(commandStatus: number) {
    super(`bind refused: ${commandStatusName(commandStatus)}`);
    this.commandStatus = commandStatus;
  }
}

export class NotBoundError extends SmppError {
  readonly code = 'SMPP_NOT_BOUND';

  constructor(message = 'no SMPP bind is currently established') {
    super(message);
  }
}

export class ResponseTimeoutError extends SmppError {
  readonly code = 'SMPP_RESPONSE_TIMEOUT';

  constructor(command: string, timeoutMs: number) {
    super(`no ${command} answer within ${timeoutMs} ms`);
  }
}

export class ConnectionLostError extends SmppError {
  readonly code = 'SMPP_CONNECTION_LOST';
  /** The socket's error code, when an error ended it (e.g. a TLS alert received after the handshake). */
  readonly causeCode: string | undefined;

  constructor(reason: string, causeCode?: string) {
    super(`SMPP connection lost: ${reason}`);
    this.causeCode = causeCode;
  }
}

/**
 * The SMSC answered ESME_ROK with a body that cannot be read, where the body is the answer (a
 * query_sm_resp's message_state): what it said is unknown, and no value is made up for it.
 */
export class UnreadableAnswerError extends SmppError {
  readonly code = 'SMPP_UNREADABLE_ANSWER';

  constructor(command: string, reason: string) {
    super(`${command} answered ESME_ROK with a body that cannot be read: ${reason}`);
  }
}

/** A TCP or TLS level failure while opening a connection (refused, certificate, timeout). */
export class ConnectError extends SmppError {
  readonly code = 'SMPP_CONNECT_FAILED';
  /** The Node error code when there is one, e.g. ECONNREFUSED or DEPTH_ZERO_SELF_SIGNED_CERT. */
  readonly causeCode: string | undefined;

  constructor(message: string, causeCode?: string) {
    super(message);
    this.causeCode = causeCode;
  }
}

/** A destination the SMSC cannot take: the request's fault, so its queue message is rejected. */
export class InvalidAddressError extends DomainError {
  readonly code = 'SMPP_INVALID_ADDRESS';
}
