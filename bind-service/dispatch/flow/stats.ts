// Counters for /healthz and the stop summary. Plain numbers: incremented on the hot path.
export interface DispatchStats {
  /** Messages whose every part the SMSC accepted and whose `submitted` state was written. */
  submitted: number;
  /**
   * SUBMIT_SM_RESPs, any status (throttled and refused included): the `Submitted` metric, so
   * ThrottlingRate is throttled answers over answers, not over messages that went through.
   */
  submitAnswers: number;
  failed: number;
  unknown: number;
  /** Invalid queue messages sent to a dead-letter queue. */
  rejected: number;
  /** Messages whose validity passed before they could be sent (never sent). */
  expired: number;
  /** Throttling answers, ESME_RTHROTTLED or ESME_RMSGQFUL (each one's part was sent again). */
  throttled: number;
  /** Claims given back because nothing went on the wire (SQS delivers the message again). */
  released: number;
  /** SQS redeliveries of messages already claimed: deleted, not sent again. */
  redeliveriesDeleted: number;
  /** SUBMIT_SM_RESPs after their timeout, written onto their `unknown` message. */
  lateAnswers: number;
  /** QUERY_SM answers the reconciler got, and the `unknown` messages it saw resolved. */
  queries: number;
  unknownResolved: number;
  /**
   * DELIVER_SMs answered ESME_RX_T_APPN unread because the most allowed were being stored already
   * (the store slower than the SMSC delivers); the SMSC sends each again later.
   */
  deliveriesDeferred: number;
  receipts: { applied: number; stale: number; orphan: number; unparsed: number; refused: number };
  incoming: { messages: number; parts: number; refused: number };
}

export function emptyStats(): DispatchStats {
  return {
    submitted: 0,
    submitAnswers: 0,
    failed: 0,
    unknown: 0,
    rejected: 0,
    expired: 0,
    throttled: 0,
    released: 0,
    redeliveriesDeleted: 0,
    lateAnswers: 0,
    queries: 0,
    unknownResolved: 0,
    deliveriesDeferred: 0,
    receipts: { applied: 0, stale: 0, orphan: 0, unparsed: 0, refused: 0 },
    incoming: { messages: 0, parts: 0, refused: 0 },
  };
}
