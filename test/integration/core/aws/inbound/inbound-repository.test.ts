import { beforeEach, describe, expect, it } from 'vitest';
import { InboundRepository } from '#core/aws/inbound/inbound-repository.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';

describe('InboundRepository (DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true });
  let tables: { inbound: string };

  beforeEach(async () => {
    tables = await aws.freshTables();
  });

  describe('incoming messages', () => {
    const mo = {
      id: 'in-1',
      from: '+37255512345',
      to: 'Acme',
      text: 'STOP',
      receivedAt: '2030-01-01T00:00:00.000Z',
      parts: 1,
      smscId: '0002748',
    };

    it('when the SMSC redelivers an incoming message, then it is stored once', async () => {
      // Prepare
      const inbound = new InboundRepository(aws.document, tables.inbound);
      // Act
      const first = await inbound.recordInbound(mo);
      const again = await inbound.recordInbound({
        ...mo,
        id: 'in-2',
        // The same decimal id spelt without padding: the id base is a setting, never guessed per id.
        smscId: '2748',
        receivedAt: '2030-01-01T00:00:05.000Z',
      });
      // Assess
      expect([first, again]).toEqual(['recorded', 'duplicate']);
      expect(await inbound.find({ id: 'in-2', smscId: '2748' })).toEqual({ ...mo, smscId: '2748' });
    });

    it('when incoming messages carry no SMSC id, then each one is stored under its own id', async () => {
      // Prepare
      const inbound = new InboundRepository(aws.document, tables.inbound);
      const { smscId: _none, ...withoutSmscId } = mo;
      // Act
      const results = [
        await inbound.recordInbound(withoutSmscId),
        await inbound.recordInbound({ ...withoutSmscId, id: 'in-2' }),
      ];
      // Assess
      expect(results).toEqual(['recorded', 'recorded']);
      expect(await inbound.find({ id: 'in-2' })).toMatchObject({ id: 'in-2', text: 'STOP' });
    });
  });
});
