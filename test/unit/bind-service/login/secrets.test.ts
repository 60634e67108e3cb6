import { describe, expect, it } from 'vitest';
import { BindServiceConfigError } from '#bind-service/config.ts';
import { resolveLogin } from '#bind-service/login/secrets.ts';
import { SecretNotTextError } from '#core/aws/secrets.ts';

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
