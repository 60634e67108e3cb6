// Every environment variable a component reads, with what it means: the one place its name is
// written. The loaders (bind-service/config.ts, lambdas/*/config.ts), the local stack that builds the
// components' environments and the CDK constructs that set them all name variables through `VAR`,
// so a rename or a typo is a type error instead of a setting silently not reaching its reader.

export const VARIABLES = {
  // SMSC connection and account (bind-service)
  SMPP_ACCOUNTS:
    'a JSON file listing the provider logins (accounts); the first is the default; unset: one from SMPP_*',
  SMPP_ACCOUNTS_JSON:
    'the SMPP_ACCOUNTS file’s JSON inline (CDK sets it in AWS); give one of the two, not both',
  SMPP_CONFIG_FILE:
    'a file holding the provider’s Kannel `group = smsc` block, read as the SMPP_* variables its keys stand for',
  SMPP_HOST:
    'the SMSC host name or IP address, no port (required unless SMPP_ACCOUNTS); locally, unset means the simulator',
  SMPP_PORT: 'the SMSC port; default 3700, or 3443 with SMPP_TLS (smscentre.com: a mismatch is warned about)',
  SMPP_BACKUP_HOST:
    'a second SMSC host (name or IP address, no port) on the same port, tried when the first fails',
  SMPP_SYSTEM_ID:
    'the SMPP login; with SMPP_SECRET_ARN the secret then needs only the password (a systemId in it must be this one)',
  SMPP_PASSWORD:
    'the SMPP password (local mode; in AWS from SMPP_SECRET_ARN); over 8 characters: a start-up warning',
  SMPP_SECRET_ARN:
    'Secrets Manager secret {"systemId","password"} holding the SMPP login ({"password"} with SMPP_SYSTEM_ID)',
  SMPP_SYSTEM_TYPE: 'the provider flags sent in the bind: MCONn, ISO, SINGLE, comma-separated',
  SMPP_TLS: 'true: connect with TLS (certificate verification on)',
  SMPP_TLS_CA: 'path of a PEM CA bundle to trust for SMPP_TLS',
  SMPP_TLS_CERT: 'path of the PEM client certificate presented to the SMSC (with SMPP_TLS_KEY)',
  SMPP_TLS_KEY: 'path of the PEM key of SMPP_TLS_CERT',
  SMPP_TLS_SECRET_ARN: 'Secrets Manager secret {"cert","key","ca"?} (PEM) holding the client certificate',
  SMPP_TLS_SERVERNAME: 'the name both SMSC hosts’ certificates must carry, when not each host’s own name',
  SMPP_THROUGHPUT: 'the login rate cap in msg/s over all tasks, shared by slots held (provider default 30)',
  SMPP_WINDOW: 'unanswered SUBMIT_SM per bind',
  SMPP_BINDS: 'SMPP sessions of the login across all bind-service tasks; more than 1 needs MCONn',
  SMPP_ENQUIRE_LINK_SECONDS: 'keep-alive interval, below the provider’s 120 s idle limit',
  SMPP_LOGIN_RECHECK_SECONDS: 'after a refused login: how often the secret is read again for a new password',
  SMPP_RESPONSE_TIMEOUT_SECONDS:
    'a submit unanswered this long becomes `unknown` (never resent); an enquire_link as long (max 10 s) rebinds',
  RECONCILE_SECONDS:
    'how often the reconciler asks QUERY_SM about unknown messages with SMSC ids; 0 turns it off',
  RECONCILE_MIN_AGE_SECONDS: 'how long a message stays unknown before the reconciler asks about it',
  RECONCILE_BATCH:
    'unknown messages the reconciler looks at per run and list; a run that fills one is followed by the next a second later',
  SMPP_MESSAGE_ID_BASE:
    'how the SMSC writes message ids: decimal (the provider, default) or hex; never guessed',
  SMPP_DEFAULT_SENDER:
    'source_addr of messages without `from` (not mail), which the duplicate rule compares them by; in AWS: -c defaultSender',
  SMPP_SOURCE_ADDR_AUTODETECT:
    'Kannel’s source-addr-autodetect: "+digits" go as TON 1, names as TON 5/NPI 0 (default true)',
  SMPP_SOURCE_ADDR_TON: 'TON of senders autodetect leaves alone, or of all without it (default 5)',
  SMPP_SOURCE_ADDR_NPI: 'NPI of senders autodetect leaves alone, or of all without it (default 1)',
  SMPP_PARTS_WINDOW_SECONDS:
    'every part of a long message goes out within this of the first (provider: one minute; default 55)',
  SMPP_RECEIPT_TEXT_FALLBACK:
    'true: a delivery marked neither by esm_class nor by TLVs is a receipt if its text reads as one',
  // What the API and the bind-service must read alike (the 202's encoding and parts are what is sent)
  DYNAMODB_REQUEST_TIMEOUT_MS: 'API: bound on one DynamoDB call in ms (default 2000; 3 attempts)',
  SQS_REQUEST_TIMEOUT_MS: 'API: bound on one SQS call in ms (default 3000; 2 attempts)',
  BATCH_ENQUEUE_BUDGET_MS:
    'API: ms a batch request may store and publish, from its start; the rest is enqueue_failed (default 10000)',
  MAX_PARTS: 'the most parts one message may take',
  ANTI_LOOP_DUPLICATE_SECONDS:
    'an identical message to the same number inside this window is refused (default 60; 0: off)',
  ANTI_LOOP_FLOOD_LIMIT:
    'messages to one number, each under ANTI_LOOP_FLOOD_GAP_SECONDS apart, before refusal (default 50; 0: off)',
  ANTI_LOOP_FLOOD_GAP_SECONDS: 'the gap of the flood rule (default 30)',
  // Resources
  MESSAGES_TABLE: 'DynamoDB table of message records, lookups, idempotency records and the lease',
  INBOUND_TABLE: 'DynamoDB table of incoming (MO) messages',
  URGENT_QUEUE_URL: 'SQS queue of the urgent lane',
  BULK_QUEUE_URL: 'SQS queue of the bulk lane',
  URGENT_DLQ_URL: 'dead-letter queue of the urgent lane',
  BULK_DLQ_URL: 'dead-letter queue of the bulk lane',
  ACCOUNT_QUEUES:
    'JSON {"<account>":{"urgent","bulk","urgentDlq","bulkDlq"}}: queue URLs of each account but the first',
  CALLBACK_QUEUE_URL: 'SQS queue of callback jobs (status-stream sends, the callback worker consumes)',
  EVENT_BUS_NAME: 'EventBridge bus that receives MessageStatusChanged events',
  EVENT_RESOURCE_ARN:
    'the messages table’s ARN, put in every event’s resources: each stack’s rules match its own',
  // bind-service runtime
  SQS_WAIT_SECONDS: 'ReceiveMessage long-poll wait, 0 to 20 s; a stop waits for the open poll',
  HEALTH_HOST: 'address the health endpoint listens on',
  HEALTH_PORT: 'port of the health endpoint; 0 picks a free one',
  DRAIN_SECONDS:
    'how long a stop or a slot handover waits for in-flight submits and long messages’ later parts',
  LEASE_TTL_SECONDS: 'lifetime of the login slot and task roster leases, renewed every sixth of it',
  LEASE_RETRY_SECONDS: 'how often a task tries again for a slot assigned to it that another still holds',
  LOG_LEVEL: 'debug, info, warn or error',
  METRICS_NAMESPACE: 'CloudWatch namespace of the EMF metrics; unset: no metrics',
  METRICS_SERVICE: 'the Service dimension of the metrics',
  METRICS_INTERVAL_SECONDS: 'how often metrics are written',
  FAULT_CRASH_AT:
    'testing only (fault suite): a named point where the bind-service kills itself; see bind-service/crash-points.ts',
  // Status callbacks (status-stream enqueues them; the callback worker signs and posts)
  CALLBACK_SIGNING_SECRET: 'HMAC key of callback signatures (local mode)',
  CALLBACK_SIGNING_SECRET_ARN: 'Secrets Manager secret holding the HMAC key of callback signatures',
  ALLOW_LOOPBACK_CALLBACKS: 'true: callbacks may go to loopback addresses (local mode only)',
  CALLBACK_TIMEOUT_MS: 'how long a callback receiver has to answer',
  // Sweeper (accepted records whose enqueue never happened are enqueued again)
  SWEEP_AGE_SECONDS:
    'an `accepted` record this old is enqueued again (default 300, at least 30, at most a day)',
  SWEEP_LOOKBACK_HOURS: 'how many hours back the sweeper looks in the index (default 24)',
  SWEEP_MAX_PER_RUN: 'records one sweep handles at most (default 1000)',
  SWEEP_CONCURRENCY: 'records one sweep handles at once (default 8)',
  SWEEP_INTERVAL_SECONDS: 'how often `npm start` sweeps (default 60; in AWS a 2-minute schedule)',
  // AWS
  AWS_REGION: 'the AWS region (set by Lambda and ECS)',
  AWS_ENDPOINT_URL_DYNAMODB: 'DynamoDB endpoint override (local mode: DynamoDB Local)',
  AWS_ENDPOINT_URL_SQS: 'SQS endpoint override (local mode: fauxqs)',
  AWS_ENDPOINT_URL_SECRETS_MANAGER: 'Secrets Manager endpoint override',
  AWS_ENDPOINT_URL_EVENTBRIDGE: 'EventBridge endpoint override',
  // Local stack (`npm start`)
  PORT: 'port of the local HTTP API; default 3000',
  EVENTS_URL: 'an http(s) URL each status event is POSTed to in the EventBridge envelope (local mode)',
} as const satisfies Record<string, string>;

export type VariableName = keyof typeof VARIABLES;

/** Each variable's name, typed as itself: `VAR.SMPP_HOST` is `'SMPP_HOST'`. */
export const VAR = Object.fromEntries(Object.keys(VARIABLES).map((name) => [name, name])) as {
  readonly [Name in VariableName]: Name;
};
