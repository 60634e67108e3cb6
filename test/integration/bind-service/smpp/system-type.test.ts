import { describe, expect, it } from 'vitest';
import { engineFor, startBound, startSimulator, useCleanup } from './fixtures.ts';

describe('engine: system_type longer than SMPP 3.4 allows', () => {
  const defer = useCleanup();

  it('when system_type is MCON2,ISO,SINGLE (16 characters), then the bind carries it whole', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port, { systemType: 'MCON2,ISO,SINGLE' });
    // Act
    await startBound(client);
    // Assess
    expect(simulator.boundSessions().map((session) => session.systemType)).toEqual(['MCON2,ISO,SINGLE']);
  });
});
