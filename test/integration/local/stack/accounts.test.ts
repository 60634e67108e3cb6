import { describe, expect, it } from 'vitest';
import { useLocalStack } from './stack-fixture.ts';

// `npm start` with the two-account example (examples/accounts.local.json): the embedded simulator
// knows both logins, the API routes and records the account and puts each message on its account's
// queues, and the bind-service sends each under its account's login.

describe('local stack with SMPP_ACCOUNTS=examples/accounts.local.json', () => {
  // The fixture's SMPP_THROUGHPUT is unset: with SMPP_ACCOUNTS the file gives each login's rate.
  const fixture = useLocalStack({
    env: { SMPP_ACCOUNTS: 'examples/accounts.local.json', SMPP_THROUGHPUT: '' },
  });

  it('when a message goes to the default account, then it is delivered under its login and GET shows the account', async () => {
    // Act
    const response = await fixture.post('/v1/messages', { to: '+79990000101', text: 'Hello' });
    const { id } = (await response.json()) as { id: string };
    const message = await fixture.settled(id);
    // Assess
    expect(response.status).toBe(202);
    expect(message).toMatchObject({ status: 'delivered', account: 'main' });
    expect(fixture.stack.smpp.systemId).toBe('local-main');
  });

  it('when a message is sent from the marketing sender, then it is routed to the marketing account and sent under its login', async () => {
    // Prepare
    const received: { systemId: string; text: string }[] = [];
    fixture.sim.on('message', (message) => received.push(message));
    // Act
    const response = await fixture.post('/v1/messages', { to: '+79990000102', text: 'Sale', from: 'Promo' });
    const { id } = (await response.json()) as { id: string };
    const message = await fixture.settled(id, 15_000);
    // Assess
    expect(response.status).toBe(202);
    expect(message).toMatchObject({ status: 'delivered', account: 'marketing' });
    expect(received.find((entry) => entry.text === 'Sale')?.systemId).toBe('local-mkt');
  });

  it('when a message names an account the example does not have, then 422 names it', async () => {
    // Act
    const response = await fixture.post('/v1/messages', { to: '+79990000103', text: 'Hi', account: 'sales' });
    // Assess
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'unknown_account', account: 'sales' });
  });
});
