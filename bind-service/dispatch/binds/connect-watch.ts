// A bind that cannot get past TLS will not heal by retrying faster: the server's certificate does not
// verify (wrong CA bundle or server name, expired certificate) or the server refused ours. The engine
// keeps retrying with its capped back-off, in case the server side is being fixed; this turns the
// streak into ONE clear error line (and one line when it recovers) and a `problem` for /healthz,
// instead of a warning per attempt.
import type { SmppClient } from '#bind-service/smpp/index.ts';
import type { Logger } from '#core/observability/logger.ts';

/** `login-refused`: the SMSC refused system_id or password (refused-login.ts). */
export type ConnectProblemKind = 'tls-unverified' | 'tls-handshake' | 'login-refused';

export interface ConnectProblem {
  kind: ConnectProblemKind;
  code: string;
  since: string;
}

// Node's (OpenSSL's) certificate verification codes, and the host-name check's.
const UNVERIFIED =
  /^(?:ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_.*|CERT_.*|INVALID_CA|INVALID_PURPOSE|PATH_LENGTH_EXCEEDED|ERROR_IN_CERT_.*)$/;

export function classifyConnectFailure(code: string | undefined): ConnectProblemKind | undefined {
  if (!code) return undefined;
  if (UNVERIFIED.test(code)) return 'tls-unverified';
  // An alert from the server during the handshake: most often it refused (or missed) our certificate.
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO') return 'tls-handshake';
  return undefined;
}

const ADVICE: Record<ConnectProblemKind, string> = {
  'login-refused':
    'the SMSC refused the login: correct the password in the login secret; it is read again every ' +
    'SMPP_LOGIN_RECHECK_SECONDS and the bind follows without a restart (a corrected system_id takes a restart)',
  'tls-unverified':
    "the SMSC's certificate cannot be verified: check SMPP_TLS_CA (the CA bundle) and SMPP_TLS_SERVERNAME; " +
    'verification stays on, retrying with back-off',
  'tls-handshake':
    'the SMSC ended the TLS handshake: check the client certificate (SMPP_TLS_CERT/SMPP_TLS_KEY or ' +
    'SMPP_TLS_SECRET_ARN) and that the provider has it; retrying with back-off',
};

export class ConnectWatch {
  private current: ConnectProblem | undefined;
  private readonly offs: (() => void)[];

  constructor(client: SmppClient, log: Logger, clock: () => Date = () => new Date()) {
    this.offs = [
      client.on('connect-failed', (event) => {
        const kind = classifyConnectFailure(event.code);
        if (!kind || !event.code) return;
        if (this.current?.kind === kind && this.current.code === event.code) return;
        this.current = { kind, code: event.code, since: clock().toISOString() };
        log.error(`smpp ${ADVICE[kind]}`, { host: event.host, port: event.port, code: event.code, kind });
      }),
      client.on('bound', (event) => {
        if (!this.current) return;
        log.info('smpp TLS problem resolved: bound', { host: event.host, was: this.current.code });
        this.current = undefined;
      }),
    ];
  }

  /** The TLS problem of the current failure streak, if any. */
  get problem(): ConnectProblem | undefined {
    return this.current;
  }

  off(): void {
    for (const off of this.offs) off();
  }
}
