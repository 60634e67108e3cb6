// Part (c) as the harness writes it for a clean run at issue 11's conditions (window 2000, 20,000
// queued, the bundle with the task's NODE_OPTIONS), for the targets' and the validity rules' tests.

/** The task's NODE_OPTIONS the runs below were made with. */
export const TASK_NODE_OPTIONS = '--max-old-space-size=256 --max-semi-space-size=4';

export const cleanMemory = {
  backlog: 20_000,
  window: 2000,
  completed: true,
  submitted: 20_000,
  runtime: 'bundle',
  nodeOptions: TASK_NODE_OPTIONS,
  taskNodeOptions: TASK_NODE_OPTIONS,
};
