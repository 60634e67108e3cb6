import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '#bind-service/config.ts';
import { sessionSetup } from '#bind-service/login/session-setup.ts';
import { RESOURCES_ENV } from '../resources-env.ts';

// The session an account's settings give the SMPP engine. Its enquire_link answer timeout follows a
// shortened SMPP_RESPONSE_TIMEOUT_SECONDS: a link whose keep-alive goes unanswered longer than a
// submit's answer may take is dropped then, not after the engine's own 10 s.

const BASE = {
  SMPP_HOST: 'smpp.smscentre.com',
  SMPP_SYSTEM_ID: 'acme',
  // Any value: the session is only built, never bound.
  SMPP_PASSWORD: randomUUID(),
  ...RESOURCES_ENV,
};
const noSecrets = async (secretId: string): Promise<string> => {
  throw new Error(`no secret expected, asked for ${secretId}`);
};

async function sessionFor(env: Record<string, string>) {
  const config = loadConfig({ ...BASE, ...env });
  return (await sessionSetup(config.accounts[0], config.aws, noSecrets)).session;
}

describe('sessionSetup', () => {
  it('when the response timeout is the default 30 s, then enquire_link answers get 10 s', async () => {
    // Act
    const session = await sessionFor({});
    // Assess
    expect(session).toMatchObject({ responseTimeoutMs: 30_000, enquireLinkTimeoutMs: 10_000 });
  });

  it('when SMPP_RESPONSE_TIMEOUT_SECONDS is 2, then an enquire_link unanswered for 2 s drops the link', async () => {
    // Act
    const session = await sessionFor({ SMPP_RESPONSE_TIMEOUT_SECONDS: '2' });
    // Assess
    expect(session).toMatchObject({ responseTimeoutMs: 2_000, enquireLinkTimeoutMs: 2_000 });
  });
});
