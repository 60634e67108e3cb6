import { describe, expect, it } from 'vitest';
import {
  describeSessionConfig,
  parseSessionConfig,
  type SessionConfig,
  SessionConfigError,
} from '#bind-service/smpp/index.ts';
import { errorThrownBy } from '#test/helpers/errors.ts';

const minimal: SessionConfig = {
  hosts: [{ host: 'smpp.smscentre.com', port: 3700 }],
  systemId: 'login',
  password: 'secret',
};

function errorOf(input: unknown): SessionConfigError {
  return errorThrownBy(() => parseSessionConfig(input), SessionConfigError);
}

describe('parseSessionConfig', () => {
  it('when only hosts and credentials are given, then the provider defaults are filled in', () => {
    // Act
    const config = parseSessionConfig(minimal);
    // Assess
    expect(config).toMatchObject({
      systemType: '',
      interfaceVersion: 0x34,
      windowSize: 300,
      responseTimeoutMs: 30_000,
      bindTimeoutMs: 10_000,
      enquireLinkIntervalMs: 60_000,
      enquireLinkTimeoutMs: 10_000,
      reconnect: { initialDelayMs: 500, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 },
    });
    expect(config.tls).toBeUndefined();
  });

  it('when tls is enabled without rejectUnauthorized, then certificate verification is on', () => {
    // Act
    const config = parseSessionConfig({ ...minimal, tls: { enabled: true } });
    // Assess
    expect(config.tls?.rejectUnauthorized).toBe(true);
  });

  it('when the enquire_link interval reaches the 120 s idle limit, then the error names the field', () => {
    // Act
    const error = errorOf({ ...minimal, enquireLinkIntervalMs: 120_000 });
    // Assess
    expect(error.message).toContain('enquireLinkIntervalMs');
    expect(error.message).toContain('idle limit');
    expect(error.path).toEqual(['enquireLinkIntervalMs']);
  });

  it.each([
    [{ ...minimal, hosts: [] }, 'hosts'],
    [{ ...minimal, hosts: [{ host: 'h', port: 70_000 }] }, 'hosts.0.port'],
    [{ ...minimal, systemId: '' }, 'systemId'],
    [{ ...minimal, windowSize: 0 }, 'windowSize'],
    [{ ...minimal, interfaceVersion: 0x20 }, 'interfaceVersion'],
    [{ ...minimal, responseTimeoutMs: -1 }, 'responseTimeoutMs'],
    [{ ...minimal, reconnect: { initialDelayMs: 1000, maxDelayMs: 10 } }, 'reconnect.maxDelayMs'],
    [{ ...minimal, reconnect: { jitter: 2 } }, 'reconnect.jitter'],
    [{ ...minimal, tls: { enabled: true, cert: 'CERT' } }, 'tls.cert'],
  ])('when a field is invalid (%#), then the error names %s', (input, field) => {
    // Act
    const error = errorOf(input);
    // Assess
    expect(error.message).toContain(`${field}:`);
    expect(error.code).toBe('SMPP_CONFIG_INVALID');
  });

  it('when the password is not ASCII, then the error names the field without echoing the value', () => {
    // Act
    const error = errorOf({ ...minimal, password: 'пароль' });
    // Assess
    expect(error.message).toContain('password');
    expect(error.message).not.toContain('пароль');
  });

  it('when a field name is misspelt, then the config is refused instead of silently ignored', () => {
    // Act
    const error = errorOf({ ...minimal, windowsize: 10 });
    // Assess
    expect(error.message).toContain('windowsize');
  });

  it('when the config is described for logs, then the password and private key are masked', () => {
    // Prepare
    const config = parseSessionConfig({ ...minimal, tls: { enabled: true, cert: 'CERT', key: 'KEY' } });
    // Act
    const text = JSON.stringify(describeSessionConfig(config));
    // Assess
    expect(text).not.toContain('secret');
    expect(text).not.toContain('KEY');
    expect(text).toContain('login');
  });
});
