import { STOP_MARGIN_SECONDS } from '#core/config/stop-budget.ts';
import { ConfigError } from '#core/domain/errors.ts';
import { InvalidSystemTypeError, parseSystemType } from '#core/domain/provider/system-type.ts';

// The arithmetic that keeps the provider's "one session per login" rule (SPEC §2) true in ECS:
// how many sessions a login may hold, whether a deployment may start the new task before stopping
// the old one, how long ECS must wait on SIGTERM, and how long a received message stays invisible.
// Pure functions, so tests can check every case without synthesising a stack.

/** The deployment's settings would break the login's session limit or Fargate's stop timeout. */
export class BindLimitsError extends ConfigError {
  override readonly code = 'bind_limits_invalid';
}

/**
 * n from an `MCONn` flag in system_type ("MCON3,ISO" → 3); undefined without one (one session). A
 * value the bind-service would refuse at start fails the synth instead of a deployment.
 */
export function mconOf(systemType: string): number | undefined {
  try {
    return parseSystemType(systemType).mcon;
  } catch (error) {
    if (!(error instanceof InvalidSystemTypeError)) throw error;
    throw new BindLimitsError(`system_type "${systemType}": ${error.message}`, [], { cause: error });
  }
}

export interface SessionPlanInput {
  readonly systemType: string;
  /** SMPP_BINDS: the login's sessions in the whole deployment, each a slot leased by one task. */
  readonly binds: number;
  /** Tasks the ECS service keeps running; 0 parks the service (e.g. until the egress IP is whitelisted). */
  readonly desiredCount: number;
}

export interface SessionPlan {
  /** Sessions the provider allows for the login: MCONn, else 1. */
  readonly sessionsAllowed: number;
  /** Sessions held in steady state: the login's binds, however many tasks share them. */
  readonly steadySessions: number;
  /** ECS deployment percentages: 100 / 200 starts the new task before the old one stops. */
  readonly minHealthyPercent: number;
  readonly maxHealthyPercent: number;
}

/**
 * The login's sessions are `binds` slots, each behind a lease that only one task holds at a time
 * (bind-service/dispatch/binds), so no count of tasks can exceed the login's sessions: a rolling
 * deployment always starts the new task first; it takes the slots the old one gives up, and a
 * task beyond the slots waits as a standby.
 */
export function planSessions(input: SessionPlanInput): SessionPlan {
  const { binds, desiredCount } = input;
  if (!Number.isInteger(binds) || binds < 1) {
    throw new BindLimitsError(`binds must be a positive integer, got ${binds}`);
  }
  if (!Number.isInteger(desiredCount) || desiredCount < 0) {
    throw new BindLimitsError(`desired count must be a non-negative integer, got ${desiredCount}`);
  }
  const sessionsAllowed = mconOf(input.systemType) ?? 1;
  const [minHealthyPercent, maxHealthyPercent] = [100, 200];
  checkRosterRoom(desiredCount, maxHealthyPercent);
  if (binds > sessionsAllowed) {
    throw new BindLimitsError(
      `${binds} binds, but the login allows ${sessionsAllowed} session(s) (system_type "${input.systemType}"); ` +
        `a further bind would end an older session. Add MCON${binds} to system_type (and to the SMSC account) or lower binds.`,
    );
  }
  return {
    sessionsAllowed,
    steadySessions: desiredCount === 0 ? 0 : binds,
    minHealthyPercent,
    maxHealthyPercent,
  };
}

/**
 * Tasks of one deployment that can share the logins' slots: the bind-service's task roster has this
 * many indices (bind-service/dispatch/binds/task-roster.ts, ROSTER_SIZE; cdk/ imports no runtime
 * code, and an infra test keeps the two equal).
 */
export const TASK_ROSTER_SIZE = 32;

/**
 * A rolling deployment runs up to desiredCount × maxHealthyPercent / 100 tasks at once (old and new);
 * each needs a roster index to be given slots. One beyond them stands by without any, so the deploy
 * would hold tasks that can never take over: refused at synth instead.
 */
function checkRosterRoom(desiredCount: number, maxHealthyPercent: number): void {
  const peak = Math.floor((desiredCount * maxHealthyPercent) / 100);
  if (peak <= TASK_ROSTER_SIZE) return;
  const most = Math.floor((TASK_ROSTER_SIZE * 100) / maxHealthyPercent);
  throw new BindLimitsError(
    `desired count ${desiredCount} runs up to ${peak} tasks during a deployment (${maxHealthyPercent} %), ` +
      `but the bind-service's task roster holds ${TASK_ROSTER_SIZE}; lower desiredCount to ${most} or less.`,
  );
}

/**
 * The slowest a task may drain one login: holding one of its `binds` slots, it sends at
 * throughput / binds (the bind-service shares the login's rate by the slots each task holds).
 */
export function slowestTaskThroughput(throughput: number, binds: number): number {
  return throughput / Math.max(1, binds);
}

/** ECS waits at most 120 s between SIGTERM and SIGKILL on Fargate. */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

/**
 * Seconds ECS waits after SIGTERM: the drain plus the last open long poll (SQS_WAIT_SECONDS, at most
 * 20 s; a stop lets it finish), the unbind, the lease releases and the last log lines; at least 60 s.
 */
export function stopTimeoutSeconds(drainSeconds: number): number {
  // The bind-service refuses DRAIN_SECONDS of 0 or less at start (it would crash-loop).
  if (!(drainSeconds > 0)) throw new BindLimitsError(`drainSeconds must be above 0, not ${drainSeconds}`);
  const wanted = Math.max(60, Math.ceil(drainSeconds) + STOP_MARGIN_SECONDS);
  if (wanted > FARGATE_MAX_STOP_TIMEOUT_SECONDS) {
    throw new BindLimitsError(
      `a ${drainSeconds} s drain needs a ${wanted} s stop timeout; Fargate allows ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} s`,
    );
  }
  return wanted;
}

export interface VisibilityInput {
  /** Unanswered SUBMIT_SM per bind. */
  readonly windowSize: number;
  /** Account rate cap, messages per second. */
  readonly throughput: number;
  /** A submit unanswered this long becomes `unknown` (bind-service SMPP_RESPONSE_TIMEOUT_SECONDS). */
  readonly responseTimeoutSeconds: number;
}

/** DynamoDB writes and SQS deletes after the answer, with room for retries. */
const VISIBILITY_MARGIN_SECONDS = 10;

/**
 * The shortest visibility timeout that "fits the window": a received message may wait for a full
 * window ahead of it to pass the rate limiter (window / throughput), then for its own answer
 * (response timeout), then for its writes. Shorter, and SQS would hand a message still in flight to
 * another receive.
 */
export function minVisibilitySeconds(input: VisibilityInput): number {
  return (
    Math.ceil(input.windowSize / input.throughput) + input.responseTimeoutSeconds + VISIBILITY_MARGIN_SECONDS
  );
}
