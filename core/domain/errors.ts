// One root for every failure this system reports, so logs, metrics and the HTTP API can rely on a
// stable machine-readable `code` and a `name` that is the class's own. Three branches say whose fault
// it is, which is what a caller decides on:
// - DomainError: the data broke a rule (a request, a receipt, a text); retrying cannot help.
// - AdapterError: an outside system failed or refused (DynamoDB, SQS, the SMSC, a callback receiver).
// - ConfigError: a setting is missing or wrong; the process must not start.

export interface AppErrorOptions {
  /** The lower-level error this one translates (an SDK or socket error). */
  cause?: unknown;
}

export abstract class AppError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: AppErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The data broke a rule; `path` is the field of the request at fault, when one is. */
export abstract class DomainError extends AppError {
  readonly path: readonly (string | number)[];

  constructor(message: string, path: readonly (string | number)[] = [], options?: AppErrorOptions) {
    super(message, options);
    this.path = path;
  }
}

/** An outside system failed, timed out or refused; the adapter that talks to it translates it. */
export abstract class AdapterError extends AppError {}

/** A setting is missing or invalid; `variables` names every one at fault (environment or context). */
export class ConfigError extends AppError {
  readonly code: string = 'config_invalid';
  readonly variables: readonly string[];

  constructor(message: string, variables: readonly string[] = [], options?: AppErrorOptions) {
    super(message, options);
    this.variables = variables;
  }
}
