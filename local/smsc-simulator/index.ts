// The SMSC simulator's public surface, for tests, benchmarks and the local stack.
export type { MoMessage } from './deliveries/mo.ts';
export { formatCost, formatHlrText, formatReceiptText, receiptDate } from './deliveries/receipt-text.ts';
export { SmscSimulator } from './simulator.ts';
export type {
  BindMode,
  BoundSessionInfo,
  Fault,
  HlrRecord,
  LoggedSubmit,
  MessageKind,
  Outcome,
  OutcomeRule,
  PlantedMessage,
  ReceiptEvent,
  ReceiptStat,
  ReceivedMessage,
  ReceivedSubmit,
  SessionClosedEvent,
  SimulatorAccount,
  SimulatorEvents,
  SimulatorOptions,
  SimulatorStats,
  SubmitDecision,
} from './types.ts';
