import { describe, expect, it } from 'vitest';
import { BindServiceConfigError, describeConfig, envSchema, loadConfig } from '#bind-service/config.ts';
import { bindServiceLogger } from '#bind-service/logger.ts';
import { parseSmppSecret } from '#bind-service/login/secrets.ts';
import { errorThrownBy } from '#test/helpers/errors.ts';
import { captureLogs } from '#test/helpers/logs.ts';
import { RESOURCES_ENV } from './resources-env.ts';

const BASE = {
  SMPP_HOST: 'smpp.smscentre.com',
  SMPP_SYSTEM_ID: 'acme',
  SMPP_PASSWORD: 'fake-p4ss-word',
  ...RESOURCES_ENV,
};

function configError(env: Record<string, string | undefined>): BindServiceConfigError {
  return errorThrownBy(() => loadConfig(env), BindServiceConfigError);
}

describe('loadConfig', () => {
  it('when only the required variables are set, then the provider defaults apply', () => {
    // Act
    const config = loadConfig(BASE);
    // Assess
    expect(config.accounts[0].smpp).toMatchObject({
      hosts: [{ host: 'smpp.smscentre.com', port: 3700 }],
      credentials: { kind: 'inline', systemId: 'acme', password: 'fake-p4ss-word' },
      flags: { iso: false, single: false },
      tls: { enabled: false },
      throughput: 30,
      windowSize: 300,
      binds: 1,
      enquireLinkIntervalMs: 60_000,
      responseTimeoutMs: 30_000,
      messageIdBase: 'decimal',
      sourceAddress: { autodetect: true, ton: 5, npi: 1 },
    });
    expect(config).toMatchObject({
      antiLoop: { duplicateWindowMs: 60_000, floodLimit: 50, floodGapMs: 30_000 },
      receiveWaitSeconds: 20,
      prepare: { isoMode: false, maxParts: 10 },
      health: { host: '0.0.0.0', port: 8080 },
      drainMs: 20_000,
      reconcile: { intervalMs: 60_000, minAgeMs: 300_000, batch: 50 },
    });
  });

  it.each([
    ['BULK_QUEUE_URL', 'URGENT_QUEUE_URL', 'both lanes would drain one queue'],
    ['URGENT_DLQ_URL', 'URGENT_QUEUE_URL', 'a dead-lettered message would come back to be read again'],
    [
      'BULK_DLQ_URL',
      'URGENT_DLQ_URL',
      'each lane dead-letters to a queue of its own, as in every ACCOUNT_QUEUES pair',
    ],
  ] as const)(
    'when %s names the same queue as %s, then the start is refused naming both',
    (variable, other, why) => {
      // Prepare: the same queue spelt with an upper-case host
      const same = RESOURCES_ENV[other].replace('sqs.eu-west-1', 'SQS.eu-west-1');
      // Act
      const error = configError({ ...BASE, [variable]: same });
      // Assess: before, it started
      expect(error.variables).toEqual([variable, other]);
      expect(error.message).toContain(`${variable}, ${other}: the same queue (${why})`);
    },
  );

  it('when RECONCILE_SECONDS is 0, then the reconciler is off', () => {
    // Act
    const config = loadConfig({ ...BASE, RECONCILE_SECONDS: '0' });
    // Assess
    expect(config.reconcile.intervalMs).toBe(0);
  });

  it('when RECONCILE_SECONDS is above 0 but below a millisecond, then the start is refused instead of turning the reconciler off', () => {
    // Act
    const error = configError({ ...BASE, RECONCILE_SECONDS: '0.0004' });
    // Assess: it rounded to 0 ms, which means off
    expect(error.variables).toEqual(['RECONCILE_SECONDS']);
    expect(error.message).toContain('RECONCILE_SECONDS: must be 0 (off) or at least 0.001 seconds');
  });

  it('when the source address settings are given, then they replace the provider example values', () => {
    // Act
    const config = loadConfig({
      ...BASE,
      SMPP_SOURCE_ADDR_AUTODETECT: 'no',
      SMPP_SOURCE_ADDR_TON: '0',
      SMPP_SOURCE_ADDR_NPI: '0',
    });
    // Assess
    expect(config.accounts[0].smpp.sourceAddress).toEqual({ autodetect: false, ton: 0, npi: 0 });
  });

  it('when TLS is on and a backup host is given, then both hosts use the TLS port', () => {
    // Act
    const config = loadConfig({ ...BASE, SMPP_TLS: 'true', SMPP_BACKUP_HOST: 'smpp2.smscentre.com' });
    // Assess
    expect(config.accounts[0].smpp.hosts).toEqual([
      { host: 'smpp.smscentre.com', port: 3443 },
      { host: 'smpp2.smscentre.com', port: 3443 },
    ]);
  });

  it.each([
    ['SMPP_HOST', 'smpp.smscentre.com:3443'],
    ['SMPP_BACKUP_HOST', 'smpp2.smscentre.com:3700'],
    ['SMPP_BACKUP_HOST', 'smpp2.smscentre.com '],
    ['SMPP_HOST', 'smpp://smpp.smscentre.com'],
    ['SMPP_BACKUP_HOST', 'smpp2.smscentre.com/smpp'],
  ])(
    'when %s is "%s" (not a host alone), then the start is refused naming it and where the port goes',
    (variable, value) => {
      // Act
      const error = configError({ ...BASE, [variable]: value });
      // Assess: before, accepted; "smpp2.smscentre.com:3700" was dialled as a host name, and for the
      // backup host only when the primary failed, so the failover could never work.
      expect(error.variables).toEqual([variable]);
      expect(error.message).toContain(
        `${variable}: must be a host name or IP address alone (no ":port", scheme, path or spaces); give the port in SMPP_PORT`,
      );
    },
  );

  it('when the hosts are IP addresses, IPv6 written bare as net.connect takes it, then both are used', () => {
    // Act
    const config = loadConfig({ ...BASE, SMPP_HOST: '10.0.0.5', SMPP_BACKUP_HOST: '2001:db8::1' });
    // Assess
    expect(config.accounts[0].smpp.hosts).toEqual([
      { host: '10.0.0.5', port: 3700 },
      { host: '2001:db8::1', port: 3700 },
    ]);
  });

  it.each(['SMPP_PARTS_WINDOW_SECONDS', 'SMPP_RESPONSE_TIMEOUT_SECONDS', 'SMPP_ENQUIRE_LINK_SECONDS'])(
    'when %s is 0.0004 (0 ms once in milliseconds), then the start is refused naming it',
    (variable) => {
      // Act
      const error = configError({ ...BASE, [variable]: '0.0004' });
      // Assess: before, "positive" let it through and it became 0 ms: a lease lapsing at once, a
      // parts window no second part meets, every submit `unknown` at once.
      expect(error.variables).toEqual([variable]);
      expect(error.message).toContain(`${variable}: must be at least 0.001 (1 ms)`);
    },
  );

  it.each(['0.0004', '0.2'])(
    'when LEASE_TTL_SECONDS is %s, then the start is refused: renewals every sixth of it would come too few',
    (ttl) => {
      // Act
      const error = configError({ ...BASE, LEASE_TTL_SECONDS: ttl });
      // Assess
      expect(error.variables).toEqual(['LEASE_TTL_SECONDS']);
      expect(error.message).toContain('LEASE_TTL_SECONDS: must be at least 1 s');
    },
  );

  it('when a duration is 1 ms, then it is taken as 1 ms', () => {
    // Act
    const config = loadConfig({ ...BASE, SMPP_RESPONSE_TIMEOUT_SECONDS: '0.001' });
    // Assess
    expect(config.accounts[0].smpp.responseTimeoutMs).toBe(1);
  });

  it.each([
    ['RECONCILE_SECONDS', '3600000'],
    ['SMPP_LOGIN_RECHECK_SECONDS', '1800000'],
    ['LEASE_RETRY_SECONDS', '5000000'],
    ['LEASE_TTL_SECONDS', '86401'],
  ])(
    'when %s is %s (milliseconds written for seconds), then the start is refused naming the unit and the maximum',
    (variable, value) => {
      // Act
      const error = configError({ ...BASE, [variable]: value });
      // Assess: Node fires a timer of more than 2^31-1 ms after 1 ms: the reconciler ran back to
      // back (474 times in 300 ms), a refused login re-read its secret a thousand times a second.
      expect(error.variables).toEqual([variable]);
      expect(error.message).toContain(`${variable}: must be at most 86400 seconds (a day`);
    },
  );

  it('when every duration in seconds is far beyond a timer’s reach, then each is refused by name', () => {
    // Prepare: every *_SECONDS setting at over 41 days, past what a Node timer can wait
    const durations = Object.keys(envSchema.shape).filter((name) => name.endsWith('_SECONDS'));
    // Act
    const error = configError({
      ...BASE,
      ...Object.fromEntries(durations.map((name) => [name, '3600000000'])),
    });
    // Assess: none is left without an upper bound
    expect(durations.length).toBeGreaterThan(10);
    expect([...error.variables].sort()).toEqual([...durations].sort());
  });

  it('when the timer-backed intervals are a day, then they are taken', () => {
    // Act
    const config = loadConfig({
      ...BASE,
      RECONCILE_SECONDS: '86400',
      RECONCILE_MIN_AGE_SECONDS: '86400',
      SMPP_LOGIN_RECHECK_SECONDS: '86400',
      LEASE_TTL_SECONDS: '86400',
      LEASE_RETRY_SECONDS: '86400',
    });
    // Assess
    expect(config.reconcile).toMatchObject({ intervalMs: 86_400_000, minAgeMs: 86_400_000 });
    expect(config.accounts[0].smpp.loginRecheckMs).toBe(86_400_000);
    expect(config.lease).toEqual({ ttlMs: 86_400_000, retryMs: 86_400_000 });
  });

  it.each([
    ['SMPP_SOURCE_ADDR_TON', ' '],
    ['RECONCILE_SECONDS', '\t'],
    ['SMPP_WINDOW', '  '],
  ])('when %s holds only blanks (%j), then it counts as unset and keeps its default', (variable, blank) => {
    // Act
    const config = loadConfig({ ...BASE, [variable]: blank });
    // Assess: before, Number(' ') = 0 made the sender's TON "unknown" and turned the reconciler off
    expect(config.accounts[0].smpp.sourceAddress.ton).toBe(5);
    expect(config.reconcile.intervalMs).toBe(60_000);
    expect(config.accounts[0].smpp.windowSize).toBe(300);
  });

  it('when a required variable is missing, then the error names it', () => {
    // Act
    const error = configError({ ...BASE, BULK_QUEUE_URL: undefined });
    // Assess
    expect(error.variables).toEqual(['BULK_QUEUE_URL']);
    expect(error.message).toMatch(/BULK_QUEUE_URL/);
  });

  it('when the enquire-link interval reaches the 120 s idle limit, then it is refused', () => {
    // Act
    const error = configError({ ...BASE, SMPP_ENQUIRE_LINK_SECONDS: '120' });
    // Assess
    expect(error.variables).toEqual(['SMPP_ENQUIRE_LINK_SECONDS']);
    expect(error.message).toMatch(/idle limit/);
  });

  it('when two binds are asked for without MCON2, then it is refused: the second would kick the first', () => {
    // Act
    const error = configError({ ...BASE, SMPP_BINDS: '2', SMPP_SYSTEM_TYPE: 'ISO' });
    // Assess
    expect(error.variables).toEqual(['SMPP_BINDS']);
    expect(
      loadConfig({ ...BASE, SMPP_BINDS: '2', SMPP_SYSTEM_TYPE: 'MCON3,ISO' }).accounts[0].smpp.binds,
    ).toBe(2);
  });

  it('when the ISO flag is set, then messages are prepared for ISO-8859-1', () => {
    // Act
    const config = loadConfig({ ...BASE, SMPP_SYSTEM_TYPE: 'iso,SINGLE' });
    // Assess
    expect(config.prepare.isoMode).toBe(true);
    expect(config.accounts[0].smpp.flags).toEqual({ iso: true, single: true });
  });

  it('when both a secret and inline credentials are given, then it is refused', () => {
    // Act
    const error = configError({ ...BASE, SMPP_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:s' });
    // Assess
    expect(error.variables).toEqual(['SMPP_SECRET_ARN']);
  });

  it('when only a secret is given, then the credentials come from it', () => {
    // Act
    const config = loadConfig({
      ...BASE,
      SMPP_SYSTEM_ID: '',
      SMPP_PASSWORD: '',
      SMPP_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:s',
    });
    // Assess
    expect(config.accounts[0].smpp.credentials).toEqual({
      kind: 'secret',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:s',
    });
  });

  it('when the password is missing, then the error names it and not the secret', () => {
    // Act / Assess
    expect(configError({ ...BASE, SMPP_PASSWORD: undefined }).variables).toEqual(['SMPP_PASSWORD']);
  });

  it('when the default sender is not a valid sender id, then it is refused', () => {
    // Act / Assess
    expect(configError({ ...BASE, SMPP_DEFAULT_SENDER: 'Far too long sender' }).variables).toEqual([
      'SMPP_DEFAULT_SENDER',
    ]);
  });

  it('when the SMSC writes hex message ids, then the base is read, and an unknown base is refused', () => {
    // Act
    const config = loadConfig({ ...BASE, SMPP_MESSAGE_ID_BASE: 'hex' });
    const error = configError({ ...BASE, SMPP_MESSAGE_ID_BASE: 'auto' });
    // Assess
    expect(config.accounts[0].smpp.messageIdBase).toBe('hex');
    expect(error.variables).toEqual(['SMPP_MESSAGE_ID_BASE']);
  });

  it('when the config is described for the log, then the password is masked', () => {
    // Act
    const described = JSON.stringify(describeConfig(loadConfig(BASE)));
    // Assess
    expect(described).not.toContain('fake-p4ss-word');
    expect(described).toContain('***');
  });

  it.each([
    ['inline', {}, '"systemId":"acme"'],
    [
      'from a secret',
      {
        SMPP_SYSTEM_ID: undefined,
        SMPP_PASSWORD: undefined,
        SMPP_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:smpp',
      },
      '"secretArn":"arn:aws:secretsmanager:eu-west-1:1:secret:smpp"',
    ],
  ])('when the login is %s, then the start log line names it (never the password)', (_, env, expected) => {
    // Prepare
    const { lines, write } = captureLogs();
    // Act
    bindServiceLogger('info', write).info('bind-service started', {
      config: describeConfig(loadConfig({ ...BASE, ...env })),
    });
    // Assess: before, the logger dropped the whole `credentials` object as a secret field.
    const line = JSON.stringify(lines);
    expect(line).toContain(expected);
    expect(line).not.toContain('fake-p4ss-word');
  });
});

describe('SMPP_SYSTEM_TYPE', () => {
  it('when flags are mixed case and spaced, then they are all read and sent as given', () => {
    // Act
    const config = loadConfig({ ...BASE, SMPP_SYSTEM_TYPE: ' mcon2 , Iso ,single' });
    // Assess
    expect(config.accounts[0].smpp.flags).toEqual({ mcon: 2, iso: true, single: true });
    expect(config.accounts[0].smpp.systemType).toBe(' mcon2 , Iso ,single');
    expect(loadConfig(BASE).accounts[0].smpp.flags).toEqual({ iso: false, single: false });
  });

  it.each(['SINLGE', 'MCON0', 'MCON10', 'ISO,ISO'])(
    'when the flags are "%s", then they are refused at boot naming the variable',
    (value) => {
      // Act
      const error = configError({ ...BASE, SMPP_SYSTEM_TYPE: value });
      // Assess
      expect(error.variables).toEqual(['SMPP_SYSTEM_TYPE']);
      expect(error.message).toMatch(/SMPP_SYSTEM_TYPE: /);
    },
  );

  it('when several variables are wrong, then one error names every one of them', () => {
    // Act
    const error = configError({ ...BASE, SMPP_SYSTEM_TYPE: 'SINLGE', MESSAGES_TABLE: '', SMPP_WINDOW: '0' });
    // Assess
    expect([...error.variables].sort()).toEqual(['MESSAGES_TABLE', 'SMPP_SYSTEM_TYPE', 'SMPP_WINDOW']);
  });
});

describe('parseSmppSecret', () => {
  it('when the secret holds systemId and password, then both are read', () => {
    // Act / Assess
    expect(parseSmppSecret('{"systemId":"acme","password":"x1"}')).toEqual({
      systemId: 'acme',
      password: 'x1',
    });
  });

  it('when the secret is not JSON or lacks a field, then the error never quotes it', () => {
    // Act
    const notJson = () => parseSmppSecret('hunter2');
    const partial = () => parseSmppSecret('{"systemId":"acme","pass":"hunter2"}');
    // Assess
    expect(notJson).toThrow(/not JSON/);
    expect(partial).toThrow(/password/);
    expect(() => notJson()).not.toThrow(/hunter2/);
    expect(() => partial()).not.toThrow(/hunter2/);
  });
});
