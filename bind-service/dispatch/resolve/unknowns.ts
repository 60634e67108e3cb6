// What resolves `unknown` messages, as one part of the service: late SUBMIT_SM_RESPs from every
// session (late-answers.ts) and, unless turned off, the QUERY_SM reconciler (reconciler.ts).
import type { SmppClient, SourceAddressRules } from '#bind-service/smpp/index.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { DispatchStats } from '../flow/stats.ts';
import type { LateAnswerStore, RatePort, ReconcileStore } from '../ports.ts';
import { LateAnswers } from './late-answers.ts';
import { Reconciler, type ReconcilerOptions } from './reconciler.ts';

export interface UnknownsDeps {
  /** The account's sessions now; the reconciler reads it on every run (sessions follow the slots). */
  sessions: readonly SmppClient[];
  messages: LateAnswerStore & ReconcileStore;
  rate: Pick<RatePort, 'wait' | 'onThrottled'>;
  singleIds: boolean;
  /** intervalMs 0: no reconciler. */
  reconcile: ReconcilerOptions;
  defaultSender: string | undefined;
  /** The submits' TON/NPI rules, for QUERY_SM's source. */
  sourceAddress?: SourceAddressRules;
  stats: DispatchStats;
  log: Logger;
  clock: () => Date;
  /** Whose messages this account's reconciler asks about (reconciler.ts); absent: all. */
  account?: { name: string; isDefault: boolean };
}

export interface Unknowns {
  /** Starts the reconciler's runs (once the binds are being made). */
  start(): void;
  /** Listens to a session's late answers (a session opened after the start); returns the off switch. */
  watch(session: SmppClient): () => void;
  /** No more QUERY_SM runs; resolves when the current one ended. */
  stopAsking(): Promise<void>;
  /** Waits for late answers received so far to be recorded, then stops listening. */
  settle(): Promise<void>;
}

export function resolveUnknowns(deps: UnknownsDeps): Unknowns {
  const { sessions, messages, stats, log } = deps;
  const late = new LateAnswers({
    messages,
    singleIds: deps.singleIds,
    stats,
    log: log.child({ component: 'late-answers' }),
  });
  const offs = new Set<() => void>();
  const watch = (session: SmppClient) => {
    const off = session.on('late-answer', late.handle);
    offs.add(off);
    return () => {
      off();
      offs.delete(off);
    };
  };
  for (const session of sessions) watch(session);
  const reconciler =
    deps.reconcile.intervalMs > 0
      ? new Reconciler({
          messages,
          sessions,
          rate: deps.rate,
          options: deps.reconcile,
          defaultSender: deps.defaultSender,
          ...(deps.sourceAddress ? { sourceAddress: deps.sourceAddress } : {}),
          stats,
          log: log.child({ component: 'reconciler' }),
          clock: deps.clock,
          ...(deps.account ? { account: deps.account } : {}),
        })
      : undefined;
  return {
    start: () => reconciler?.start(),
    watch,
    stopAsking: async () => reconciler?.stop(),
    settle: async () => {
      await late.settled();
      for (const off of offs) off();
    },
  };
}
