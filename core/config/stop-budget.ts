// What a bind-service stop may take beyond its drain (DRAIN_SECONDS), shared by the task's own
// deadline (bind-service/main.ts) and the stop timeout CDK gives ECS (cdk/constructs/compute/
// bind-limits.ts), so the task always ends on its own before ECS would SIGKILL it.

/** ECS's stop timeout is the drain plus this (at least 60 s). */
export const STOP_MARGIN_SECONDS = 40;

/**
 * The task gives up on a stop this long after its drain: the last open long poll (at most 20 s),
 * the unbind and the lease releases fit well inside it; only writes to a store that does not answer
 * (a network partition) outlast it. 5 s short of the margin, so the task's last lines are written.
 */
export const STOP_DEADLINE_AFTER_DRAIN_SECONDS = STOP_MARGIN_SECONDS - 5;
