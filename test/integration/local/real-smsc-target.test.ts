import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '#bind-service/config.ts';
import { banner } from '#local/banner.ts';
import { startLocalStack } from '#local/start-stack.ts';
import { sharedDynamoEndpoint } from '#test/helpers/aws/shared-dynamodb-endpoint.ts';

// `SMPP_HOST=… npm start` points the local stack at a real SMSC; its banner names the address the
// operator opens a firewall for or asks the provider about. It must be the one the bind-service
// dials: SMPP_TLS is a yes/no flag (true/1/yes), and with TLS and no SMPP_PORT the port is 3443.

describe('the SMSC address npm start reports for a real SMSC', () => {
  it.each(['yes', '1'])(
    'when SMPP_TLS=%s and no SMPP_PORT, then the banner names the port the bind-service dials',
    {
      timeout: 60_000,
    },
    async (tls) => {
      // Prepare: the bind-service is not started (nothing listens there), only its environment built
      const stack = await startLocalStack({
        env: {
          SMPP_HOST: '127.0.0.1',
          SMPP_TLS: tls,
          SMPP_SYSTEM_ID: 'acme',
          SMPP_PASSWORD: 'fake-p4ss-word',
        },
        apiPort: 0,
        prefix: `realsmsc${randomUUID().slice(0, 8)}`,
        dynamoEndpoint: sharedDynamoEndpoint(),
        bindService: false,
        write: () => undefined,
      });
      try {
        // Act
        const dialled = loadConfig(stack.bindServiceEnv).accounts[0].smpp.hosts[0]?.port;
        const printed = banner(stack);
        // Assess: before, only SMPP_TLS=true counted, and the banner said :3700
        expect(dialled).toBe(3443);
        expect(stack.smpp).toMatchObject({ simulated: false, host: '127.0.0.1', port: 3443 });
        expect(printed).toContain('127.0.0.1:3443 (login "acme")');
      } finally {
        await stack.stop();
      }
    },
  );
});
