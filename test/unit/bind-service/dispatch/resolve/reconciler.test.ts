import { describe, expect, it } from 'vitest';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import { Reconciler, type ReconcilerDeps } from '#bind-service/dispatch/resolve/reconciler.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { silentLogger } from '#core/observability/logger.ts';

// With several provider logins, QUERY_SM must go under the login that sent the message: each
// account's reconciler asks only about its own `unknown` messages. In-memory ports.

const NOW = new Date('2026-12-01T12:00:00Z');

function unknownRecord(id: string, smscId: string, account?: string): MessageRecord {
  return {
    id,
    to: '+79990000001',
    kind: 'sms',
    priority: 'bulk',
    encoding: 'gsm7',
    dataCoding: 0,
    parts: 1,
    validityMinutes: 1440,
    status: 'unknown',
    history: [],
    smscIds: [smscId],
    read: false,
    clicked: false,
    createdAt: '2026-12-01T11:00:00Z',
    updatedAt: '2026-12-01T11:00:00Z',
    ...(account ? { account } : {}),
  } as MessageRecord;
}

function reconcilerFor(account: { name: string; isDefault: boolean }, records: MessageRecord[]) {
  const asked: string[] = [];
  const orphanChecks: string[] = [];
  const byId = new Map(records.map((record) => [record.id, record]));
  const messages: ReconcilerDeps['messages'] = {
    unknownToQuery: async () => records.map((record) => record.id),
    get: async (id) => byId.get(id),
    applyParkedReceipts: async () => 0,
    applyReceipt: async () => 'stale',
    nextQueryAt: async () => undefined,
    unmatchedToCheck: async () => {
      orphanChecks.push(account.name);
      return [];
    },
    matchOrphanReceipt: async () => 'none',
    nextMatchAt: async () => undefined,
  };
  const session = {
    isBound: true,
    queryStatus: async (smscId: string) => {
      asked.push(smscId);
      return { messageId: smscId, messageState: 1, errorCode: 0 };
    },
  };
  const reconciler = new Reconciler({
    messages,
    sessions: [session],
    rate: { wait: async () => undefined },
    options: { intervalMs: 1000, minAgeMs: 0, batch: 10 },
    stats: emptyStats(),
    log: silentLogger,
    clock: () => NOW,
    account,
  });
  return { reconciler, asked, orphanChecks };
}

describe('Reconciler with several accounts', () => {
  const records = [
    unknownRecord('m-main', '101', 'main'),
    unknownRecord('m-uk', '202', 'uk'),
    unknownRecord('m-old', '303'),
  ];

  it('when the default account reconciles, then it asks about its own messages and those without an account', async () => {
    // Prepare
    const { reconciler, asked, orphanChecks } = reconcilerFor({ name: 'main', isDefault: true }, records);
    // Act
    await reconciler.run();
    // Assess
    expect(asked).toEqual(['101', '303']);
    expect(orphanChecks).toEqual(['main']);
  });

  it('when another account reconciles, then it asks only about its own messages and leaves orphans to the default', async () => {
    // Prepare
    const { reconciler, asked, orphanChecks } = reconcilerFor({ name: 'uk', isDefault: false }, records);
    // Act
    await reconciler.run();
    // Assess
    expect(asked).toEqual(['202']);
    expect(orphanChecks).toEqual([]);
  });
});
