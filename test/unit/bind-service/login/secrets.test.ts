import { describe, expect, it } from 'vitest';
import { BindServiceConfigError } from '#bind-service/config.ts';
import { parseSmppSecret, resolveLogin } from '#bind-service/login/secrets.ts';
import { SecretNotTextError } from '#core/aws/secrets.ts';
import { errorThrownBy } from '#test/helpers/errors.ts';

// The SMPP login through the shared secret reader (core/aws/secrets.ts), given here as the port.

const ARN = 'arn:aws:secretsmanager:eu-west-1:1:secret:smpp';

describe('resolveLogin', () => {
  it('when the login comes from a secret, then that secret is read once and parsed', async () => {
    // Prepare
    const asked: string[] = [];
    const read = async (secretId: string) => {
      asked.push(secretId);
      return '{"systemId":"acme","password":"fake-password-1"}';
    };
    // Act
    const login = await resolveLogin({ kind: 'secret', secretArn: ARN }, read);
    // Assess
    expect(login).toEqual({ systemId: 'acme', password: 'fake-password-1' });
    expect(asked).toEqual([ARN]);
  });

  it('when the secret holds no text, then the error is a configuration error naming SMPP_SECRET_ARN', async () => {
    // Prepare
    const read = async (secretId: string): Promise<string> => {
      throw new SecretNotTextError(secretId);
    };
    // Act
    const error = await resolveLogin({ kind: 'secret', secretArn: ARN }, read).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(BindServiceConfigError);
    expect((error as BindServiceConfigError).variables).toEqual(['SMPP_SECRET_ARN']);
  });

  it('when reading the secret fails otherwise, then that error reaches the caller unchanged', async () => {
    // Prepare
    const denied = Object.assign(new Error('not authorized to perform secretsmanager:GetSecretValue'), {
      name: 'AccessDeniedException',
    });
    // Act
    const error = await resolveLogin({ kind: 'secret', secretArn: ARN }, async () => {
      throw denied;
    }).catch((e: unknown) => e);
    // Assess
    expect(error).toBe(denied);
  });
});

describe('parseSmppSecret: the start error for a secret the operator got wrong', () => {
  // The errors name the field at fault and what is wrong with it, never the secret's content.

  function refusal(secretString: string, systemId?: string): BindServiceConfigError {
    return errorThrownBy(() => parseSmppSecret(secretString, systemId), BindServiceConfigError);
  }

  it.each([
    ['a plaintext password made of digits', '12345678'],
    ['true', 'true'],
    ['a JSON string', '"fake-pw"'],
    ['null', 'null'],
    ['an array', '[{"systemId":"acme","password":"fake-pw"}]'],
  ])('when the secret holds %s, then the error says which JSON object is expected', (_what, secretString) => {
    // Act
    const error = refusal(secretString);
    // Assess: zod reports these at an empty path: "the secret lacks a non-empty " named no field.
    expect(error.message).toBe(
      'Invalid bind-service configuration: SMPP_SECRET_ARN: the secret is not a JSON object; expected {"systemId": "...", "password": "..."}',
    );
    expect(error.message).not.toContain('fake-pw');
  });

  it('when the secret given with a systemId is not an object, then the error expects just the password', () => {
    // Act
    const error = refusal('12345678', 'acme');
    // Assess
    expect(error.message).toContain('the secret is not a JSON object; expected {"password": "..."}');
  });

  it.each([
    ['a JSON number', '12345678'],
    ['null', 'null'],
  ])(
    'when the secret’s password is %s, then the error says it must be a string, not that it lacks one',
    (_what, value) => {
      // Act
      const error = refusal(`{"systemId":"acme","password":${value}}`);
      // Assess
      expect(error.message).toContain("the secret's password must be a string");
      expect(error.message).not.toContain('lacks');
      expect(error.message).not.toContain('12345678');
    },
  );

  it('when the secret’s password is empty, then the error says it lacks one, not that it is not printable ASCII', () => {
    // Act
    const error = refusal('{"systemId":"acme","password":""}');
    // Assess: zod reports the pattern too, and found it first.
    expect(error.message).toContain('the secret lacks a non-empty password');
    expect(error.message).not.toContain('printable');
  });

  it('when the secret lacks both fields, then the error names both', () => {
    // Act
    const error = refusal('{}');
    // Assess
    expect(error.message).toContain('the secret lacks a non-empty systemId, password');
  });

  it('when the secret’s password has characters the SMSC refuses, then the error gives the rule, never the password', () => {
    // Act
    const error = refusal('{"systemId":"acme","password":"fake-пароль"}');
    // Assess
    expect(error.message).toContain("the secret's password must be printable ASCII");
    expect(error.message).not.toContain('пароль');
  });
});
