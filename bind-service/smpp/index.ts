// The public face of the SMPP engine: dispatch/ and main.ts use the engine through this file.

export {
  DEFAULT_ENQUIRE_LINK_TIMEOUT_MS,
  describeSessionConfig,
  PROVIDER_IDLE_LIMIT_MS,
  parseSessionConfig,
  type ReconnectSettings,
  type ResolvedSessionConfig,
  type SessionConfig,
  type SmppHost,
  type TlsSettings,
} from './config.ts';
export { socketOptions } from './connection/connection.ts';
export type { DeliverHandler, DeliveryAnswer } from './connection/deliveries.ts';
export type { QuerySource } from './connection/requests.ts';
export type { WindowPriority } from './connection/window.ts';
export {
  BindCredentialsError,
  ConnectError,
  ConnectionLostError,
  InvalidAddressError,
  NotBoundError,
  ResponseTimeoutError,
  SessionConfigError,
  SmppError,
  SmscRejectedError,
} from './errors.ts';
export type {
  DisconnectReason,
  SessionEventName,
  SessionEvents,
  StopReason,
  UnreadablePdu,
} from './events.ts';
export { PARTS_MINUTE_MS } from './parts-to-come.ts';
export {
  type AddressOverrides,
  addressFor,
  destinationAddress,
  PROVIDER_SOURCE_RULES,
  type SmppAddress,
  type SourceAddressRules,
} from './pdu/address.ts';
export type {
  DeliverAddress,
  DeliverSm,
  QueryResult,
  SubmitFields,
  SubmitOutcome,
  SubmitTag,
} from './pdu/pdu-mapping.ts';
export { commandStatusName, isThrottling, Status } from './pdu/status.ts';
export {
  type ReportedState,
  type SessionState,
  SmppClient,
  type SmppClientOptions,
  type StopOptions,
} from './session.ts';
