import type { Command } from 'commander';
import { SmscApiError } from '#client/errors.ts';
import { type ClientOptions, createClient, type SmscClient } from '#client/index.ts';
import { isLocalEndpoint, regionOfEndpoint } from '#client/signing.ts';
import { scrub } from '#core/observability/redaction.ts';

// What every command shares: the global options (as the AWS CLI names them), the client built from
// them, and one way of reporting a failure.

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:3000';

export interface GlobalOptions {
  endpoint: string;
  region?: string;
  profile?: string;
  json?: boolean;
}

export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/** `overrides`: client options of one command's own (e.g. fewer retries). */
export function clientFor(
  options: GlobalOptions,
  overrides: Pick<ClientOptions, 'retries'> = {},
): SmscClient {
  return createClient({
    endpoint: options.endpoint,
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...overrides,
  });
}

/**
 * The region of the AWS calls the CLI makes itself (SQS, EventBridge): `--region`, else the one the
 * endpoint names, as the API client signs for; undefined leaves it to the SDK (AWS_REGION, profile).
 */
export function awsRegionOf(options: GlobalOptions): string | undefined {
  return options.region ?? regionOfEndpoint(new URL(options.endpoint));
}

export function isLocal(options: GlobalOptions): boolean {
  return isLocalEndpoint(new URL(options.endpoint));
}

/** The exit status of a command line refused before anything ran (README.md's exit statuses). */
export const USAGE_EXIT = 2;

/** A CLI failure the user can act on: printed without a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * A failure with an exit status of its own (README.md's CLI section lists them). Not `exitCode`,
 * the member of commander's own errors (CommanderError), which printed themselves.
 */
export class ExitStatusError extends Error {
  override name = 'ExitStatusError';
  constructor(
    message: string,
    readonly exitStatus: number,
  ) {
    super(message);
  }
}

export function reportError(error: unknown): number {
  if (error instanceof SmscApiError) {
    const { problem } = error;
    // The API's words may quote the recipient ("+7… is a fixed-line number"): masked as `batch` and
    // the logs mask them.
    process.stderr.write(`error: ${problem.status} ${problem.code}: ${scrub(problem.detail)}\n`);
    const issues = problem.errors ?? [];
    // One issue is the detail already; several are listed.
    if (issues.length > 1 || (issues[0] && issues[0].message !== problem.detail)) {
      for (const issue of issues) process.stderr.write(`  - ${scrub(issue.message)} (${issue.code})\n`);
    }
    // The client gives up on a Retry-After too long to wait (a flood gap may be an hour): say when.
    // Not for a 409 duplicate_request, whose Retry-After ends a window in which resending is the fault.
    if (error.retryAfterSeconds !== undefined && (problem.status === 429 || problem.status >= 500)) {
      process.stderr.write(`  the API asks to wait ${error.retryAfterSeconds} s before trying again\n`);
    }
    return 1;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n`);
    return USAGE_EXIT;
  }
  if (error instanceof ExitStatusError) {
    process.stderr.write(`error: ${error.message}\n`);
    return error.exitStatus;
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
