// The body of /healthz, read from the parts the service composed: binds (with a TLS problem when a
// bind keeps failing its handshake), lane lag, the limiter's rate and the dispatch counters.
import type { SmppClient } from '#bind-service/smpp/index.ts';
import type { ConnectProblem, ConnectWatch } from '../dispatch/binds/connect-watch.ts';
import type { RateLimiter } from '../dispatch/flow/rate-limiter.ts';
import type { DispatchStats } from '../dispatch/flow/stats.ts';
import type { Lanes } from '../dispatch/intake/lanes.ts';
import type { HealthReport } from './health.ts';

export interface HealthSources {
  clients: readonly SmppClient[];
  watches: readonly ConnectWatch[];
  /** Shown for a bind that was never bound. */
  firstHost: string;
  lanes: Pick<Lanes, 'lagMs'>;
  rate: Pick<RateLimiter, 'currentRate'>;
  stats: DispatchStats;
  /** Why a session whose login the SMSC refused is not bound. */
  refusedLogin?: (client: SmppClient) => ConnectProblem | undefined;
}

export function healthReporter(sources: HealthSources): () => HealthReport {
  const { clients, watches, lanes, rate, stats } = sources;
  return () => ({
    status: clients.some((client) => client.isBound) ? 'ok' : 'unavailable',
    binds: clients.map((client, index) => {
      const problem = sources.refusedLogin?.(client) ?? watches[index]?.problem;
      return {
        host: client.boundTo?.host ?? sources.firstHost,
        state: client.state,
        inFlight: client.inFlight,
        ...(problem ? { problem } : {}),
      };
    }),
    lag: lanes.lagMs(),
    rate: Math.round(rate.currentRate * 100) / 100,
    throttled: stats.throttled,
    submitted: stats.submitted,
    unknown: stats.unknown,
    failed: stats.failed,
    rejected: stats.rejected,
  });
}
