// ESME_RINVBNDSTS (to a submit, in a generic_nack, or to enquire_link) says the SMSC holds the
// session unbound though the link is up: it takes nothing and sends nothing (no receipts) on it.
// Nothing more is sent on it; the answers still due come, then it binds again (closed at once,
// those submits would end 'unknown' though refused).
export class RebindOwed {
  private owed = false;

  constructor(
    private readonly inFlight: () => number,
    private readonly rebind: () => void,
  ) {}

  get isOwed(): boolean {
    return this.owed;
  }

  /** The SMSC answered ESME_RINVBNDSTS. */
  hold(): void {
    this.owed = true;
    this.rebindIfIdle();
  }

  /** Binds again once nothing is in flight, if a rebind is owed. */
  rebindIfIdle(): void {
    if (!this.owed || this.inFlight() > 0) return;
    this.owed = false;
    this.rebind();
  }

  /** A bind came up: the rebind owed happened, whoever ended the link. */
  clear(): void {
    this.owed = false;
  }
}
