import { describe, expect, it } from 'vitest';
import { BindServiceConfigError, loadConfig } from '#bind-service/config.ts';
import { parseSmppSecret } from '#bind-service/login/secrets.ts';
import { errorThrownBy } from '#test/helpers/errors.ts';
import { RESOURCES_ENV } from '../resources-env.ts';

// The SMSC takes only printable ASCII in a bind's system_id and password (the SMPP engine refuses
// anything else when it builds a session). A login it cannot use is refused at start, naming where
// it came from, never later: the engine's refusal came after "bind-service started", unhandled, and
// the task crashed in a loop with no setting named.

const BASE = {
  SMPP_HOST: 'smpp.smscentre.com',
  SMPP_SYSTEM_ID: 'acme',
  SMPP_PASSWORD: 'fake-p4ss-word',
  ...RESOURCES_ENV,
};
const NOT_ASCII = 'fake-pässwort';

describe('a login the SMSC cannot take', () => {
  it.each([
    ['SMPP_PASSWORD', { SMPP_PASSWORD: NOT_ASCII }],
    ['SMPP_SYSTEM_ID', { SMPP_SYSTEM_ID: 'acmé' }],
    ['SMPP_SYSTEM_ID', { SMPP_SYSTEM_ID: 'a-system-id-of-16' }],
  ])('when %s is not one, then the start error names it and not the value', (variable, env) => {
    // Act
    const error = errorThrownBy(() => loadConfig({ ...BASE, ...env }), BindServiceConfigError);
    // Assess
    expect(error.variables).toEqual([variable]);
    expect(error.message).not.toContain(Object.values(env)[0]);
  });

  it('when an accounts file gives a password that is not printable ASCII, then the start error names the entry', () => {
    // Prepare
    const accounts = [{ name: 'main', systemId: 'acme', password: NOT_ASCII, host: 'smsc.test', port: 3700 }];
    // Act
    const error = errorThrownBy(
      () => loadConfig({ ...RESOURCES_ENV, SMPP_ACCOUNTS_JSON: JSON.stringify(accounts) }),
      Error,
    );
    // Assess
    expect(error.message).toContain('[0] "main": password: must be printable ASCII');
    expect(error.message).not.toContain(NOT_ASCII);
  });

  it('when the login secret holds a password that is not printable ASCII, then the error says so, not "lacks"', () => {
    // Act
    const error = errorThrownBy(
      () => parseSmppSecret(JSON.stringify({ systemId: 'acme', password: NOT_ASCII })),
      BindServiceConfigError,
    );
    // Assess
    expect(error.message).toContain("SMPP_SECRET_ARN: the secret's password must be printable ASCII");
    expect(error.message).not.toContain(NOT_ASCII);
  });
});
