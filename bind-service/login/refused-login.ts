// The SMSC refused the login (wrong system_id or password). Binding again with the same password
// would only be refused again and, at some providers, lock the account, so a refused session makes
// no attempt until the login secret holds another password: it is read every `intervalMs`, and a
// changed password is tried at once. Meanwhile nothing is taken off the queues (no bind is free),
// /healthz names the refusal (status `refused`, answered 200: a task replaced by its health check
// would bind again with the refused password), and the process stays up: fixing the secret is
// enough. With the login in the environment (local mode) nothing can change it: fix it and restart.
// A corrected system_id takes a restart too: the login's slots are leased under it
// (LEASE#<systemId>) by every task, so a task may not bind under another one alone; binding the new
// password with the old system_id would only be refused again.
import type { BindCredentialsError, SmppClient } from '#bind-service/smpp/index.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { ConnectProblem } from '../dispatch/binds/connect-watch.ts';
import { passwordLengthWarning } from './password-length.ts';
import type { SmppLogin } from './secrets.ts';

export interface RefusedLoginOptions {
  reloadLogin: () => Promise<SmppLogin>;
  /** The password the sessions were started with. */
  password: string;
  /** The system_id the sessions run under (their slots are leased under it). */
  systemId: string;
  intervalMs: number;
  log: Logger;
  /**
   * The password came from Secrets Manager: nothing saw it before it was read, so its length is
   * warned about here (configWarnings warns about one given in the settings, with its account).
   */
  fromSecret?: boolean;
}

const RESTART_NEEDED = 'the login secret names another system_id: restart the service to bind under it';

export class RefusedLogins {
  private readonly timers = new Map<SmppClient, NodeJS.Timeout>();
  /** The password each session last bound (or tried to bind) with. */
  private readonly passwords = new Map<SmppClient, string>();
  private readonly refusedPasswords = new Map<SmppClient, string>();
  private readonly problems = new Map<SmppClient, ConnectProblem>();
  /**
   * Sessions whose slot was given up: a recheck already reading the secret then ends there. One
   * whose read failed scheduled itself again, and read the secret (and warned) every interval for
   * a session long gone.
   */
  private readonly forgotten = new WeakSet<SmppClient>();
  private stopped = false;
  private latest: string;

  constructor(private readonly options: RefusedLoginOptions) {
    this.latest = options.password;
    // Built once per account as its sessions are set up: the first place that knows a password read
    // from Secrets Manager and has a log.
    if (options.fromSecret) warnIfLong(options.password, options.log);
  }

  /**
   * The password a new session should bind with: the last one the secret held. A slot taken after
   * the secret changed would otherwise bind with the start's password, be refused, and wait a
   * recheck for what is already known.
   */
  get password(): string {
    return this.latest;
  }

  /**
   * Follows `client`, started with `password` (the latest) just before: whenever the SMSC refuses
   * its login (the first bind, a reconnect after the password changed at the provider, or a
   * relogin), the session waits for another password. Returns the unsubscribe, which also forgets
   * the session (a slot given up leaves nothing behind).
   */
  watch(client: SmppClient): () => void {
    this.forgotten.delete(client);
    this.passwords.set(client, this.latest);
    const off = client.on('stopped', ({ reason, error }) => {
      if (reason === 'bad-credentials' && error) this.refused(client, error);
    });
    return () => {
      off();
      this.forgotten.add(client);
      clearTimeout(this.timers.get(client));
      for (const map of [this.timers, this.passwords, this.refusedPasswords, this.problems])
        map.delete(client);
    };
  }

  private refused(client: SmppClient, error: BindCredentialsError): void {
    if (this.stopped) return;
    const password = this.passwords.get(client) ?? this.options.password;
    this.refusedPasswords.set(client, password);
    this.problems.set(client, {
      kind: 'login-refused',
      code: `${error.message} (wrong system_id or password); no bind until the login secret changes`,
      since: new Date().toISOString(),
    });
    this.options.log.error(
      'the SMSC refused the login; no bind until the login secret holds another password',
      {
        commandStatus: error.commandStatus,
        recheckSeconds: Math.round(this.options.intervalMs / 1000),
      },
    );
    this.schedule(client);
  }

  /** Said once a session; the secret is still read, in case it is set back. */
  private systemIdChanged(client: SmppClient): void {
    const problem = this.problems.get(client);
    if (problem && !problem.code.includes(RESTART_NEEDED)) {
      this.problems.set(client, { ...problem, code: `${problem.code}; ${RESTART_NEEDED}` });
      this.options.log.error(`${RESTART_NEEDED} (the slots are leased under the system_id)`);
    }
    this.schedule(client);
  }

  /** For /healthz: why this session is not bound, while its login stays refused. */
  problem(client: SmppClient): ConnectProblem | undefined {
    return client.state === 'refused' ? this.problems.get(client) : undefined;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(client: SmppClient): void {
    if (this.stopped || this.forgotten.has(client)) return;
    clearTimeout(this.timers.get(client));
    this.timers.set(
      client,
      setTimeout(() => {
        this.timers.delete(client);
        void this.check(client);
      }, this.options.intervalMs),
    );
  }

  private async check(client: SmppClient): Promise<void> {
    const { log } = this.options;
    if (this.stopped || this.forgotten.has(client)) return;
    let login: SmppLogin;
    try {
      login = await this.options.reloadLogin();
    } catch (error) {
      if (this.stopped || this.forgotten.has(client)) return;
      log.warn('login secret not read after a refused login; trying again later', { error });
      this.schedule(client);
      return;
    }
    if (this.stopped || this.forgotten.has(client) || client.state !== 'refused') return;
    if (login.systemId !== this.options.systemId) {
      this.systemIdChanged(client);
      return;
    }
    if (login.password === this.refusedPasswords.get(client)) {
      this.schedule(client);
      return;
    }
    log.info('the login secret changed after a refused login: binding again');
    warnIfLong(login.password, log);
    this.latest = login.password;
    this.passwords.set(client, login.password);
    // A refusal of this bind too comes back through watch().
    client.relogin(login.password).then(
      () => log.info('login accepted after the secret changed'),
      () => undefined,
    );
  }
}

/** By length only: the password itself is never logged. */
function warnIfLong(password: string, log: Logger): void {
  const warning = passwordLengthWarning(password.length);
  if (warning) log.warn(warning);
}
