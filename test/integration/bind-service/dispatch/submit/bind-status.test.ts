import { describe, expect, it } from 'vitest';
import { RateLimiter } from '#bind-service/dispatch/flow/rate-limiter.ts';
import { sendParts } from '#bind-service/dispatch/submit/send-parts.ts';
import { CommandStatus } from '#core/domain/provider/command-status.ts';
import { waitUntil } from '#test/helpers/wait.ts';
import { ACCOUNT, engineFor, sms, startBound, startSimulator, useCleanup } from '../../smpp/fixtures.ts';

// ESME_RINVBNDSTS says the SMSC does not hold this session as bound: it took nothing, and the
// message itself is fine. It was resent on the same session three times within about 2 s and then
// ended `failed` for good, and the session never bound again, so every message sent meanwhile
// failed too.

describe('ESME_RINVBNDSTS on a submit (simulator)', () => {
  const defer = useCleanup();

  it('when the SMSC answers ESME_RINVBNDSTS, then the message counts as not sent, the session binds again and the next submit is taken', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port);
    await startBound(client);
    const rate = new RateLimiter({ ratePerSecond: 1_000 });
    defer(() => rate.close());
    simulator.fault({ type: 'status', commandStatus: CommandStatus.ESME_RINVBNDSTS, count: 1 });
    // Act
    const refused = await sendParts(client, [sms(1)], 'bulk', { rate, messageId: 'bind-status-1' });
    await waitUntil(() => simulator.stats.binds === 2 && client.isBound, 5_000, 'bound again');
    const next = await client.submit(sms(2));
    // Assess
    expect(refused.kind).toBe('not-sent');
    expect(next.kind).toBe('accepted');
  }, 15_000);

  it('when the link drops before the answers owed after ESME_RINVBNDSTS are in, then the new bind takes submits at once', async () => {
    // Prepare: one submit never answered, the next refused ESME_RINVBNDSTS; then the link goes.
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port, { responseTimeoutMs: 5_000 });
    await startBound(client);
    simulator.fault({ type: 'no-answer', count: 1 });
    simulator.fault({ type: 'status', commandStatus: CommandStatus.ESME_RINVBNDSTS, count: 1 });
    const unanswered = client.submit(sms(1));
    const refused = await client.submit(sms(2));
    // Act
    simulator.kick(ACCOUNT.systemId);
    await unanswered;
    await waitUntil(() => simulator.stats.binds === 2 && client.isBound, 5_000, 'bound again');
    const next = await client.submit(sms(3));
    // Assess: the rebind it waited for has happened; the new bind is not refused or closed for it.
    expect(refused).toMatchObject({ kind: 'rejected', commandStatus: CommandStatus.ESME_RINVBNDSTS });
    expect(next.kind).toBe('accepted');
  }, 15_000);
});
