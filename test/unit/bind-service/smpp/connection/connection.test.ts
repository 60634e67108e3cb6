import { describe, expect, it } from 'vitest';
import { socketOptions } from '#bind-service/smpp/connection/connection.ts';

const target = { host: '127.0.0.1', port: 3443 };

describe('socketOptions', () => {
  it('when TLS is enabled without saying more, then certificate verification is explicitly on', () => {
    // Act
    const options = socketOptions(target, { enabled: true });
    // Assess
    expect(options).toEqual({ tls: true, host: '127.0.0.1', port: 3443, rejectUnauthorized: true });
  });

  it('when a CA, client certificate and server name are given, then they reach tls.connect', () => {
    // Act
    const options = socketOptions(target, {
      enabled: true,
      ca: 'CA',
      cert: 'CERT',
      key: 'KEY',
      servername: 'smpp.smscentre.com',
    });
    // Assess
    expect(options).toMatchObject({ ca: 'CA', cert: 'CERT', key: 'KEY', servername: 'smpp.smscentre.com' });
    expect(options.rejectUnauthorized).toBe(true);
  });

  it('when TLS is disabled, then plain TCP options carry no TLS settings', () => {
    // Act
    const options = socketOptions(target, { enabled: false, ca: 'CA' });
    // Assess
    expect(options).toEqual({ host: '127.0.0.1', port: 3443 });
  });
});
