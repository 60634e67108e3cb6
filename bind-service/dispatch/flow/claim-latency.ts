// How long a lane's claim writes take, smoothed as TCP smooths a round trip (RFC 6298: srtt and
// rttvar, gains 1/8 and 1/4), so that the claim gate can keep enough messages claimed ahead of their
// rate token to cover the store's latency, stalls included. Too few and the rate falls to what the
// claims let through (rate x 0.5 s ahead sustained 30 of 60 msg/s while DynamoDB Local answered
// claims in about 1 s); too many and a crash leaves more claimed-but-unsent messages `unknown`. So
// the cover has a floor (what a fast store needs) and a ceiling (the exposure we accept).

/** The cover without samples, and never less: rate x this many seconds claimed ahead. */
export const COVER_FLOOR_SECONDS = 0.5;
/** Never more: at most rate x this many seconds of messages claimed and not yet sent. */
export const COVER_CEILING_SECONDS = 2;

export class ClaimLatency {
  private smoothedMs: number | undefined;
  private deviationMs = 0;

  /** One claim write's duration, from the call to its answer. */
  observe(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    if (this.smoothedMs === undefined) {
      this.smoothedMs = ms;
      this.deviationMs = ms / 2;
      return;
    }
    this.deviationMs = 0.75 * this.deviationMs + 0.25 * Math.abs(this.smoothedMs - ms);
    this.smoothedMs = 0.875 * this.smoothedMs + 0.125 * ms;
  }

  /** Seconds of the rate to keep claimed ahead: smoothed latency + 4 deviations, within the bounds. */
  coverSeconds(): number {
    if (this.smoothedMs === undefined) return COVER_FLOOR_SECONDS;
    const seconds = (this.smoothedMs + 4 * this.deviationMs) / 1000;
    return Math.min(COVER_CEILING_SECONDS, Math.max(COVER_FLOOR_SECONDS, seconds));
  }
}
