// Public shapes of the simulator: its options, what it records, the faults and outcomes a test scripts.

export interface SimulatorAccount {
  systemId: string;
  password: string;
  /** Messages per second shared by all the account's sessions; 0 = unlimited. Default 30. */
  rate?: number;
}

export type ReceiptStat = 'DELIVRD' | 'UNDELIV' | 'EXPIRED' | 'REJECTD';
/** A receipt's `stat:`: a final one, or ENROUTE (the provider's intermediate report). */
export type ReceiptStatText = ReceiptStat | 'ENROUTE';

export interface Outcome {
  stat: ReceiptStat;
  err?: number;
  /** Delay of the (first) receipt; overrides `receiptDelayMs`. */
  delayMs?: number;
  /** Sends a second receipt (same id, DELIVRD) with the provider's extra-status TLV: 2 read, 4 clicked. */
  followUp?: 'read' | 'clicked';
  /** More receipts for the same id after the first, one `receiptDelayMs` apart: the same stat again
   * (a duplicate) or ENROUTE after a final one (a regression), as a misbehaving SMSC sends them. */
  laterReceipts?: ReceiptStatText[];
  /** Bits OR-ed into TLV 0x2001 besides the type: 1 << 5 second balance, 1 << 8 template, 9-10 its type. */
  flags?: number;
}

export interface OutcomeRule extends Outcome {
  /** A RegExp matches when it matches the destination or the text; a function gets the whole message. */
  match: RegExp | ((message: ReceivedMessage) => boolean);
}

export interface HlrRecord {
  imsi: string;
  msc: string;
  mcc: string;
  mnc: string;
  country: string;
  network: string;
  roamingCountry?: string;
  roamingNetwork?: string;
}

export interface SimulatorTls {
  key: string | Buffer;
  cert: string | Buffer;
  ca?: string | Buffer;
  requireClientCert?: boolean;
}

export interface SimulatorOptions {
  accounts: SimulatorAccount[];
  host?: string;
  /** Max unanswered submit_sm on one session before ESME_RMSGQFUL. Default 300. */
  windowSize?: number;
  /** A session receiving no PDU for this long gets unbind and is closed. Default 120 000. */
  idleTimeoutMs?: number;
  /** Default 100. */
  receiptDelayMs?: number;
  /** Time a receiving session has to answer a DELIVER_SM before it is sent again. Default 10 000. */
  receiptResponseTimeoutMs?: number;
  /** Pause before a refused or unanswered DELIVER_SM is sent again. Default 1000. */
  receiptRetryMs?: number;
  /** All parts of a long message must arrive within this time. Default 60 000. */
  multipartWindowMs?: number;
  /** Identical sends inside this window are refused; 0 disables. Default 60 000 (0 when record is false). */
  duplicateWindowMs?: number;
  /** More than this many messages to one number, each within `floodGapMs` of the previous, fail
   * with err 251; 0 disables. Default 50 (0 when record is false). */
  floodLimit?: number;
  /** Default 30 000. */
  floodGapMs?: number;
  /**
   * Serve TLS. `ca` + `requireClientCert`: like the provider's port with Kannel's
   * `ssl-client-certkey-file`, a client without a certificate from that CA is refused in the handshake.
   */
  tls?: SimulatorTls;
  outcomeRules?: OutcomeRule[];
  /** Default true; false keeps only counters (for benchmarks). */
  record?: boolean;
  /** Price of one part, for the cost TLV. Default 1.5. */
  pricePerPart?: number;
  /** Number prefix → mcc+mnc, longest prefix wins. Default { '7': '25001' }. */
  mccmncByPrefix?: Record<string, string>;
  /** Default mcc+mnc when no prefix matches. Default '25001'. */
  defaultMccmnc?: string;
  /** HLR answer for a number; default: a MTS Russia subscriber. */
  hlr?: (destination: string) => HlrRecord;
  /** First message id handed out. Default 100 000. */
  firstMessageId?: number;
  /** How long a kicked session may take to answer unbind before its socket is destroyed. Default 200. */
  unbindGraceMs?: number;
  /** Zero-pads message ids to this many digits in submit_sm_resp (`answer`) or in receipts
   * (`receipt`), as some SMSCs spell them. Default none. */
  idPadding?: { answer?: number; receipt?: number };
}

/** Who a message is from and to, each address with the TON and NPI it came with. */
export interface SmppAddresses {
  source: string;
  sourceTon: number;
  sourceNpi: number;
  destination: string;
  destTon: number;
  destNpi: number;
}

export interface ReceivedSubmit extends SmppAddresses {
  messageId: string;
  systemId: string;
  sessionId: number;
  dataCoding: number;
  esmClass: number;
  registeredDelivery: number;
  validityPeriod?: string;
  /** This part's decoded text (without UDH). */
  text: string;
  /** short_message (or message_payload) exactly as its octets came, UDH included. */
  shortMessage: Buffer;
  concat?: { reference: number; total: number; index: number };
  at: number;
}

/** What the simulator did with one SUBMIT_SM it received. */
export type SubmitDecision =
  /** Taken: answered ESME_ROK (at once or late), or with an empty id (`empty-id`). */
  | { kind: 'accepted'; messageId: string }
  /** Answered with an error status: the SMSC did not take it. */
  | {
      kind: 'refused';
      commandStatus: number;
      rule: 'bind-state' | 'window' | 'throttle' | 'fault' | 'duplicate' | 'code';
    }
  /** Answered with generic_nack (status 0 says nothing about the submit's fate). */
  | { kind: 'nack'; commandStatus: number }
  /** Never answered: a `no-answer` fault, or a session being ended (kicked, unbind/close fault). */
  | { kind: 'unanswered'; reason: 'no-answer' | 'session-ending' | 'session-fault' };

/**
 * One SUBMIT_SM as it came in, logged whatever became of it (`submitLog`): the fault suite counts
 * the sends of each part here, refused and unanswered ones included, which `submissions` (accepted
 * parts only) cannot show.
 */
export interface LoggedSubmit extends SmppAddresses {
  systemId: string;
  sessionId: number;
  dataCoding: number;
  esmClass: number;
  /** This part's decoded text (without UDH). */
  text: string;
  concat?: { reference: number; total: number; index: number };
  at: number;
  decision: SubmitDecision;
}

export interface ReceivedMessage {
  messageIds: string[];
  systemId: string;
  source: string;
  destination: string;
  /** The whole assembled text as sent to the subscriber (kind marker kept), without the comment. */
  text: string;
  comment?: string;
  kind: MessageKind;
  /** SMS billed and sent on: counted on `text`, without the comment. */
  parts: number;
  /** SUBMIT_SMs it came in (the comment may add some). */
  wireParts: number;
  dataCoding: number;
  at: number;
}

/** A message `plant()` puts at the SMSC under a login, as if that login had submitted it. */
export interface PlantedMessage {
  systemId: string;
  /** Destination digits, as in destination_addr. */
  destination: string;
  /** Default "Planted". */
  text?: string;
}

export type MessageKind =
  | 'sms'
  | 'flash'
  | 'mail'
  | 'call'
  | 'viber'
  | 'soc'
  | 'tgm'
  | 'bot'
  | 'hlr'
  | 'ping';

export type Fault =
  | { type: 'no-answer'; count?: number }
  | { type: 'generic-nack'; count?: number; commandStatus?: number }
  | { type: 'status'; commandStatus: number; count?: number }
  | { type: 'throttle'; count?: number }
  | { type: 'slow'; delayMs: number; count?: number }
  /** Accepts the submit (and sends its receipt) but answers with an empty message_id. */
  | { type: 'empty-id'; count?: number }
  | { type: 'unbind-after'; submits: number }
  | { type: 'close-after'; submits: number };

export interface SimulatorStats {
  binds: number;
  bindFailures: number;
  submits: number;
  accepted: number;
  throttled: number;
  queueFull: number;
  refused: number;
  enquireLinks: number;
  receiptsSent: number;
  receiptsAcked: number;
  receiptRetries: number;
  kicked: number;
  idleTimeouts: number;
  incompleteMessages: number;
}

export interface BoundSessionInfo {
  sessionId: number;
  systemId: string;
  systemType: string;
  interfaceVersion: number;
  remotePort: number;
  mode: BindMode;
}

export type BindMode = 'transceiver' | 'transmitter' | 'receiver';

export interface ReceiptEvent {
  messageId: string;
  sessionId: number;
  systemId: string;
  stat: ReceiptStatText;
  err: number;
  attempt: number;
}

export interface SessionClosedEvent {
  sessionId: number;
  systemId?: string;
  reason: string;
}

export interface SimulatorEvents {
  bind: [{ sessionId: number; systemId: string; systemType: string; interfaceVersion: number }];
  'bind-failed': [{ sessionId: number; systemId: string; commandStatus: number }];
  kick: [{ sessionId: number; systemId: string; reason: string }];
  submit: [ReceivedSubmit];
  /** Every SUBMIT_SM received, once decided (accepted, refused or left unanswered). */
  'submit-logged': [LoggedSubmit];
  message: [ReceivedMessage];
  incomplete: [
    { messageIds: string[]; systemId: string; destination: string; received: number; total: number },
  ];
  /** No receiving session of the account is bound: the receipt waits for the next bind. */
  'receipt-held': [ReceiptEvent];
  'receipt-sent': [ReceiptEvent];
  'receipt-acked': [ReceiptEvent];
  'session-closed': [SessionClosedEvent];
}
