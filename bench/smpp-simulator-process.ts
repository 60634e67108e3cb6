// The simulator side of the SMPP benchmark, in its own process (as a real SMSC would be), so the
// engine and the simulator each get a core and their CPU time can be measured apart.
// Talks to the parent over IPC: {type:'listening', port} once, then answers {type:'cpu'} requests
// and {type:'delay', ms} to script answer latency.
import { SmscSimulator } from '#local/smsc-simulator/index.ts';

type Request = { type: 'cpu' } | { type: 'delay'; ms: number } | { type: 'stop' };

const simulator = new SmscSimulator({
  accounts: [{ systemId: 'bench', password: 'bench-only', rate: 0 }],
  windowSize: 100_000,
  record: false,
  duplicateWindowMs: 0,
});

const port = await simulator.listen(0);
process.send?.({ type: 'listening', port });

process.on('message', (request: Request) => {
  if (request.type === 'cpu') {
    const usage = process.cpuUsage();
    process.send?.({ type: 'cpu', micros: usage.user + usage.system });
  } else if (request.type === 'delay') {
    simulator.clearFaults();
    if (request.ms > 0) simulator.fault({ type: 'slow', delayMs: request.ms });
    process.send?.({ type: 'delay-set' });
  } else {
    void simulator.close().then(() => process.exit(0));
  }
});
