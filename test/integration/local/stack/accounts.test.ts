import { describe, expect, it } from 'vitest';
import { useLocalStack } from './stack-fixture.ts';

// `npm start` with the two-account example (examples/accounts.local.json): the embedded simulator
// knows both logins, the API routes and records the account, and the default account's messages go
// out. Holding the second account's binds is issue 12's bind-service slice.

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

  it('when a message is sent from the marketing sender, then it is routed to the marketing account', async () => {
    // Act
    const response = await fixture.post('/v1/messages', { to: '+79990000102', text: 'Sale', from: 'Promo' });
    const { id } = (await response.json()) as { id: string };
    const read = await fixture.get(`/v1/messages/${id}`);
    // Assess
    expect(response.status).toBe(202);
    expect(await read.json()).toMatchObject({ account: 'marketing' });
  });

  it('when a message names an account the example does not have, then 422 names it', async () => {
    // Act
    const response = await fixture.post('/v1/messages', { to: '+79990000103', text: 'Hi', account: 'sales' });
    // Assess
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'unknown_account', account: 'sales' });
  });
});
