import type { SimulatorStats } from './types.ts';

// The counters a simulator starts with; tests read them off `SmscSimulator.stats`.

export function emptyStats(): SimulatorStats {
  return {
    binds: 0,
    bindFailures: 0,
    submits: 0,
    accepted: 0,
    throttled: 0,
    queueFull: 0,
    refused: 0,
    enquireLinks: 0,
    receiptsSent: 0,
    receiptsAcked: 0,
    receiptRetries: 0,
    kicked: 0,
    idleTimeouts: 0,
    incompleteMessages: 0,
  };
}
