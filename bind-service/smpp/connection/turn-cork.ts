// The PDUs written in one turn of the event loop leave the socket together, in one writev. With
// TCP_NODELAY each PDU was a syscall of its own, and a batch of receipts stored at once is answered
// at once (dozens of deliver_sm_resp in a turn): ~25 µs a write on loopback, where the kernel also
// does the receiving side's work, 3% of the bind-service's busy time in a CPU profile of the
// pipeline benchmark's part (c). The socket is uncorked at the end of the turn (process.nextTick:
// after the turn's promise callbacks, before any I/O or timer), so no PDU waits for a later event,
// and at once before the socket is ended or destroyed, which would otherwise drop what is held.

export interface Corkable {
  cork(): void;
  uncork(): void;
}

export class TurnCork {
  private corked = false;

  constructor(
    private readonly socket: Corkable,
    private readonly atTurnEnd: (flush: () => void) => void = (flush) => process.nextTick(flush),
  ) {}

  /** Before each write: the first of a turn corks the socket until the turn ends. */
  hold(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    this.atTurnEnd(this.flush);
  }

  /** Lets what is held go now (before the socket is ended or destroyed); nothing when not corked. */
  readonly flush = (): void => {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  };
}
