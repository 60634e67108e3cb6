import { describe, expect, it } from 'vitest';
import { BindServiceConfigError } from '#bind-service/config.ts';
import { RateLimiterClosedError } from '#bind-service/dispatch/flow/rate-limiter.ts';
import {
  BindCredentialsError,
  ConnectError,
  ConnectionLostError,
  InvalidAddressError,
  NotBoundError,
  ResponseTimeoutError,
  SessionConfigError,
  SmppError,
  SmscRejectedError,
} from '#bind-service/smpp/index.ts';
import {
  DuplicateMessageIdError,
  IdempotencyConflictError,
  MessageNotFoundError,
  QueuePublishError,
  RepositoryUnavailableError,
} from '#core/aws/errors.ts';
import { CallbackError } from '#core/callbacks/callback.ts';
import { CallbackRefusedError } from '#core/callbacks/callback-sender.ts';
import { TooManyPartsError } from '#core/domain/encoding/errors.ts';
import { AdapterError, AppError, ConfigError, DomainError } from '#core/domain/errors.ts';
import { InvalidSystemTypeError } from '#core/domain/provider/system-type.ts';
import { ReceiptParseError } from '#core/domain/receipts/receipt.ts';
import { ConfigError as ApiConfigError } from '#lambdas/api/config.ts';
import { ApiProblem } from '#lambdas/api/http/problem.ts';
import { StatusStreamConfigError } from '#lambdas/status-stream/config.ts';
import { UnreadableImageError } from '#lambdas/status-stream/status-event.ts';
import { DynamoDbLocalStartError } from '#local/dynamodb-local.ts';
import { SessionGoneError } from '#local/smsc-simulator/sessions/session.ts';
import { AppConfigError } from '../../../../cdk/app-config.ts';
import { BindLimitsError } from '../../../../cdk/constructs/compute/bind-limits.ts';

const BRANCHES = { DomainError, AdapterError, ConfigError } as const;
type Branch = keyof typeof BRANCHES;

// Every error class the system throws, with the branch that says whose fault it is and its code.
const CASES: readonly [AppError, Branch, string][] = [
  [new TooManyPartsError(12, 10), 'DomainError', 'too_many_parts'],
  [new ReceiptParseError('no id'), 'DomainError', 'receipt_unparseable'],
  [new InvalidSystemTypeError('unknown flag'), 'DomainError', 'invalid_system_type'],
  [new InvalidAddressError('not E.164', ['to']), 'DomainError', 'SMPP_INVALID_ADDRESS'],
  [new CallbackRefusedError('loopback address'), 'DomainError', 'callback_refused'],
  [new RateLimiterClosedError(), 'DomainError', 'RATE_LIMITER_CLOSED'],
  [new RepositoryUnavailableError('throttled'), 'AdapterError', 'repository_unavailable'],
  [new MessageNotFoundError('m1'), 'AdapterError', 'message_not_found'],
  [new DuplicateMessageIdError('m1'), 'AdapterError', 'duplicate_message_id'],
  [new IdempotencyConflictError('k1'), 'AdapterError', 'idempotency_conflict'],
  [new QueuePublishError('2 failed', []), 'AdapterError', 'queue_publish_failed'],
  [new SmscRejectedError('submit_sm', 0x58), 'AdapterError', 'SMSC_REJECTED'],
  [new BindCredentialsError(0x0e), 'AdapterError', 'SMPP_BAD_CREDENTIALS'],
  [new NotBoundError(), 'AdapterError', 'SMPP_NOT_BOUND'],
  [new ResponseTimeoutError('submit_sm', 30_000), 'AdapterError', 'SMPP_RESPONSE_TIMEOUT'],
  [new ConnectionLostError('socket closed'), 'AdapterError', 'SMPP_CONNECTION_LOST'],
  [new ConnectError('refused', 'ECONNREFUSED'), 'AdapterError', 'SMPP_CONNECT_FAILED'],
  [new UnreadableImageError('status'), 'AdapterError', 'unreadable_image'],
  [new CallbackError('answered 500', 500), 'AdapterError', 'callback_failed'],
  [new DynamoDbLocalStartError('java not found'), 'AdapterError', 'dynamodb_local_start_failed'],
  [new SessionGoneError('unbound'), 'AdapterError', 'session_gone'],
  [new SessionConfigError('hosts: empty', ['hosts']), 'ConfigError', 'SMPP_CONFIG_INVALID'],
  [new BindServiceConfigError('SMPP_HOST: is required', ['SMPP_HOST']), 'ConfigError', 'config_invalid'],
  [new ApiConfigError('MESSAGES_TABLE: is required'), 'ConfigError', 'config_invalid'],
  [new StatusStreamConfigError('EVENT_BUS_NAME: is required'), 'ConfigError', 'config_invalid'],
  [new AppConfigError('context smppPort: not a number'), 'ConfigError', 'config_invalid'],
  [new BindLimitsError('3 sessions, but the login allows 1'), 'ConfigError', 'bind_limits_invalid'],
];

describe('error root', () => {
  it.each(CASES.map(([error, branch, code]) => [error.constructor.name, branch, code, error] as const))(
    'when a %s is thrown, then it is an AppError of the %s branch with code %s',
    (name, branch, code, error) => {
      // Act
      const branches = (Object.keys(BRANCHES) as Branch[]).filter((key) => error instanceof BRANCHES[key]);
      // Assess
      expect(error).toBeInstanceOf(AppError);
      expect(branches).toEqual([branch]);
      expect(error.code).toBe(code);
      expect(error.name).toBe(name);
    },
  );

  it('when an SMPP error is the link’s, then it is an SmppError; a bad address or config is not', () => {
    // Act / Assess
    expect(new ConnectionLostError('reset')).toBeInstanceOf(SmppError);
    expect(new InvalidAddressError('x')).not.toBeInstanceOf(SmppError);
    expect(new SessionConfigError('x')).not.toBeInstanceOf(SmppError);
  });

  it('when an error translates a lower-level one, then the cause is kept', () => {
    // Prepare
    const cause = new Error('ECONNRESET');
    // Act
    const error = new CallbackError('callback failed', undefined, { cause });
    // Assess
    expect(error.cause).toBe(cause);
  });

  it('when a request is answered with a problem, then it is not counted as an application error', () => {
    // Act
    const problem = new ApiProblem({ status: 400, code: 'invalid_json', title: 'Bad', detail: 'no JSON' });
    // Assess
    expect(problem).not.toBeInstanceOf(AppError);
  });
});
