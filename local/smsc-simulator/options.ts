// The simulator's options with every default filled in, resolved once at construction.
import { DEFAULT_MCCMNC, DEFAULT_MCCMNC_BY_PREFIX, NetworkLookup } from './messages/network.ts';
import type { HlrRecord, OutcomeRule, SimulatorAccount, SimulatorOptions, SimulatorTls } from './types.ts';

export interface ResolvedOptions {
  accounts: SimulatorAccount[];
  host: string;
  windowSize: number;
  idleTimeoutMs: number;
  receiptDelayMs: number;
  receiptResponseTimeoutMs: number;
  receiptRetryMs: number;
  multipartWindowMs: number;
  duplicateWindowMs: number;
  floodLimit: number;
  floodGapMs: number;
  tls?: SimulatorTls;
  outcomeRules: OutcomeRule[];
  record: boolean;
  pricePerPart: number;
  network: NetworkLookup;
  hlr: (destination: string) => HlrRecord;
  firstMessageId: number;
  unbindGraceMs: number;
  idPadding: { answer: number; receipt: number };
}

export const DEFAULT_RATE = 30;

export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const record = options.record ?? true;
  const network = new NetworkLookup(
    options.mccmncByPrefix ?? DEFAULT_MCCMNC_BY_PREFIX,
    options.defaultMccmnc ?? DEFAULT_MCCMNC,
  );
  const resolved: ResolvedOptions = {
    accounts: options.accounts,
    host: options.host ?? '127.0.0.1',
    windowSize: options.windowSize ?? 300,
    idleTimeoutMs: options.idleTimeoutMs ?? 120_000,
    receiptDelayMs: options.receiptDelayMs ?? 100,
    receiptResponseTimeoutMs: options.receiptResponseTimeoutMs ?? 10_000,
    receiptRetryMs: options.receiptRetryMs ?? 1000,
    multipartWindowMs: options.multipartWindowMs ?? 60_000,
    // Both rules remember every recent message; a benchmark (record: false) must not grow memory.
    duplicateWindowMs: options.duplicateWindowMs ?? (record ? 60_000 : 0),
    floodLimit: options.floodLimit ?? (record ? 50 : 0),
    floodGapMs: options.floodGapMs ?? 30_000,
    outcomeRules: options.outcomeRules ?? [],
    record,
    pricePerPart: options.pricePerPart ?? 1.5,
    network,
    hlr: options.hlr ?? ((destination) => network.hlr(destination)),
    firstMessageId: options.firstMessageId ?? 100_000,
    unbindGraceMs: options.unbindGraceMs ?? 200,
    idPadding: { answer: options.idPadding?.answer ?? 0, receipt: options.idPadding?.receipt ?? 0 },
  };
  if (options.tls) resolved.tls = options.tls;
  return resolved;
}
