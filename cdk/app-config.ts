import { isIPv4 } from 'node:net';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { ConfigError } from '#core/domain/errors.ts';
import { isSmscHost, SMSC_HOST_RULE } from '#core/domain/provider/smsc-host.ts';
import { AccountsFileError, accountsFromContextFile } from './accounts-file.ts';
import {
  type CheckedSmppField,
  defaultSenderProblem,
  smppProblems,
} from './constructs/accounts/sender-login.ts';
import type { SmsSenderProps } from './constructs/props.ts';

// Settings of this repository's own app, from CDK context (`cdk deploy -c smppSystemType=MCON2`,
// or cdk.json / cdk.context.json), with the provider's defaults. Nothing here needs AWS credentials:
// the secret, topic, bus and key are referenced by name or ARN, never looked up.

export type ContextReader = (key: string) => unknown;

/** A CDK context value of this app is invalid; the message names the context key. */
export class AppConfigError extends ConfigError {}

function text(read: ContextReader, key: string): string | undefined {
  const value = read(key);
  // Blank counts as unset, as in the components' environment (core/config/load-env.ts isGiven).
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return undefined;
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new AppConfigError(`context ${key}: expected a string, got ${JSON.stringify(value)}`);
  }
  return String(value);
}

function int(read: ContextReader, key: string, min = 1): number | undefined {
  const value = text(read, key);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) {
    throw new AppConfigError(`context ${key}: expected an integer >= ${min}, got "${value}"`);
  }
  return number;
}

function bool(read: ContextReader, key: string): boolean | undefined {
  const value = text(read, key);
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new AppConfigError(`context ${key}: expected true or false, got "${value}"`);
}

function list(read: ContextReader, key: string): string[] | undefined {
  const value = read(key);
  if (Array.isArray(value)) return value.map(String);
  return text(read, key)
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export const APP_DEFAULTS = {
  stackName: 'SmsSender',
  smppHost: 'smpp.smscentre.com',
  smppBackupHost: 'smpp2.smscentre.com',
  smppTls: true,
  smppSecretName: 'sms-sender/smpp',
} as const;

/**
 * An SMSC host from context, refused at synth as the bind-service would refuse it at start (a task
 * that never starts rolls the deployment back only after its health checks fail).
 */
function smscHost(read: ContextReader, key: 'smppHost' | 'smppBackupHost', fallback: string): string {
  const host = text(read, key) ?? fallback;
  if (!isSmscHost(host))
    throw new AppConfigError(`context ${key}: ${SMSC_HOST_RULE}; give the port in smppPort`);
  return host;
}

/** `-c smppBackupHost=none`: no fail-over host, even with the provider's primary. */
const NO_BACKUP_HOST = 'none';

/**
 * The fail-over host. smpp2.smscentre.com is the provider's second host for its own primary only:
 * behind another smppHost it would be a different SMSC, which the task would then bind to with the
 * same login and password when the chosen host fails.
 */
function backupHostOf(read: ContextReader, host: string): string | undefined {
  const given = text(read, 'smppBackupHost');
  if (given === NO_BACKUP_HOST) return undefined;
  // Host names are case-insensitive (and may end with the root's dot): `SMPP.smscentre.com` is the
  // provider's primary still, and must keep its fail-over.
  if (given === undefined && host.toLowerCase().replace(/\.$/, '') !== APP_DEFAULTS.smppHost)
    return undefined;
  return smscHost(read, 'smppBackupHost', APP_DEFAULTS.smppBackupHost);
}

/** The login context keys: with `accountsFile` the file describes every login instead. */
const SMPP_KEYS = [
  'smppHost',
  'smppBackupHost',
  'smppTls',
  'smppPort',
  'smppSystemType',
  'smppBinds',
  'smppWindow',
  'smppThroughput',
  'smppSecretName',
  'smppSecretArn',
  'smppTlsSecretName',
  'smppTlsServerName',
] as const;

/** The context key of each login field the bind-service checks at start (smppProblems). */
const CONTEXT_KEY_OF: Readonly<Record<CheckedSmppField, (typeof SMPP_KEYS)[number]>> = {
  host: 'smppHost',
  backupHost: 'smppBackupHost',
  port: 'smppPort',
  systemType: 'smppSystemType',
  binds: 'smppBinds',
  windowSize: 'smppWindow',
  throughput: 'smppThroughput',
};

/**
 * The login's values the bind-service would refuse at start (a port above 65535, a rate above its
 * cap), or TLS settings with smppTls=false, which would deploy a login without the certificate meant
 * for it: refused here, naming the context key.
 */
function checkSmpp(read: ContextReader, smpp: NonNullable<SmsSenderProps['smpp']>): void {
  const [problem] = smppProblems(smpp);
  if (problem) throw new AppConfigError(`context ${CONTEXT_KEY_OF[problem.field]}: ${problem.problem}`);
  if (smpp.tls) return;
  const tlsOnly = (['smppTlsSecretName', 'smppTlsServerName'] as const).filter(
    (key) => text(read, key) !== undefined,
  );
  if (tlsOnly.length > 0) {
    throw new AppConfigError(
      `context ${tlsOnly.join(', ')}: used only with TLS, but smppTls is false; set smppTls=true or leave ${tlsOnly.length > 1 ? 'them' : 'it'} out`,
    );
  }
}

/** `-c accountsFile=…`: several logins; the `smpp*` keys stay unset (one of the two would lose). */
function accountsOf(scope: Construct, read: ContextReader, file: string): Pick<SmsSenderProps, 'accounts'> {
  const given = SMPP_KEYS.filter((key) => text(read, key) !== undefined);
  if (given.length > 0) {
    throw new AppConfigError(
      `context ${given.join(', ')}: not used with accountsFile; describe every login in ${file}`,
    );
  }
  try {
    return { accounts: accountsFromContextFile(scope, file) };
  } catch (error) {
    if (!(error instanceof AccountsFileError)) throw error;
    throw new AppConfigError(`context accountsFile: ${error.message}`, [], { cause: error });
  }
}

/**
 * `-c defaultSender=…`: what a message without `from` is sent as, by the one login or by every
 * account of accountsFile (a deployment setting, not a login's). Both the bind-service and the API
 * would refuse a bad one at start, so the synth refuses it first, naming the key.
 */
function defaultSenderOf(read: ContextReader): string | undefined {
  const defaultSender = text(read, 'defaultSender');
  const problem = defaultSenderProblem(defaultSender);
  if (problem) throw new AppConfigError(`context defaultSender: ${problem}`);
  return defaultSender;
}

/** The logins: several from accountsFile (the shared default sender in `submit`), or the one login. */
function loginsOf(
  scope: Construct,
  read: ContextReader,
): Pick<SmsSenderProps, 'smpp' | 'accounts' | 'submit'> {
  const accountsFile = text(read, 'accountsFile');
  const defaultSender = defaultSenderOf(read);
  if (!accountsFile) return smppOf(scope, read, defaultSender);
  return {
    ...accountsOf(scope, read, accountsFile),
    // `submit` is what every account shares; the one login carries its own in `smpp`.
    ...(defaultSender !== undefined ? { submit: { defaultSender } } : {}),
  };
}

/** The one login (the `default` account) from the `smpp*` keys, with the provider's defaults. */
function smppOf(
  scope: Construct,
  read: ContextReader,
  defaultSender: string | undefined,
): Pick<SmsSenderProps, 'smpp'> {
  const secretArn = text(read, 'smppSecretArn');
  const secretName = text(read, 'smppSecretName') ?? APP_DEFAULTS.smppSecretName;
  const tlsSecretName = text(read, 'smppTlsSecretName');
  const tlsServerName = text(read, 'smppTlsServerName');
  const binds = int(read, 'smppBinds');
  const windowSize = int(read, 'smppWindow');
  const throughput = int(read, 'smppThroughput');
  const port = int(read, 'smppPort');
  const host = smscHost(read, 'smppHost', APP_DEFAULTS.smppHost);
  const backupHost = backupHostOf(read, host);
  const smpp: NonNullable<SmsSenderProps['smpp']> = {
    host,
    ...(backupHost ? { backupHost } : {}),
    tls: bool(read, 'smppTls') ?? APP_DEFAULTS.smppTls,
    systemType: text(read, 'smppSystemType') ?? '',
    // A name gives a partial ARN: the grant then matches the `-xxxxxx` suffix Secrets Manager appends.
    credentials: secretArn
      ? secretsmanager.Secret.fromSecretCompleteArn(scope, 'SmppSecret', secretArn)
      : secretsmanager.Secret.fromSecretNameV2(scope, 'SmppSecret', secretName),
    ...(tlsSecretName
      ? {
          tlsClientCertificate: secretsmanager.Secret.fromSecretNameV2(scope, 'SmppTlsSecret', tlsSecretName),
        }
      : {}),
    ...(tlsServerName ? { tlsServerName } : {}),
    ...(port ? { port } : {}),
    ...(binds ? { binds } : {}),
    ...(windowSize ? { windowSize } : {}),
    ...(throughput ? { throughput } : {}),
    ...(defaultSender !== undefined ? { defaultSender } : {}),
  };
  checkSmpp(read, smpp);
  return { smpp };
}

/** The stack's props from context; `scope` owns the imported secret/topic/bus references. */
export function senderPropsFromContext(scope: Construct, read: ContextReader): SmsSenderProps {
  const alarmTopicArn = text(read, 'alarmTopicArn');
  const alarmEmails = list(read, 'alarmEmail');
  for (const email of alarmEmails ?? []) {
    // SNS accepts any string and the confirmation mail would just never arrive: refuse at synth.
    if (!/^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/.test(email)) {
      throw new AppConfigError(`context alarmEmail: "${email}" is not an e-mail address`);
    }
  }
  const encryptionKeyArn = text(read, 'encryptionKeyArn');
  const accountLogRole = bool(read, 'apiGatewayAccountRole');
  const eventBusName = text(read, 'eventBusName');
  const callbackSecretName = text(read, 'callbackSigningSecretName');
  const eipAllocationId = text(read, 'egressIpAllocationId');
  const eipAddress = text(read, 'egressIpAddress');
  if ((eipAllocationId === undefined) !== (eipAddress === undefined)) {
    throw new AppConfigError('context egressIpAllocationId and egressIpAddress go together');
  }
  // The address is published as the EgressIp output that the SMSC logins are whitelisted from, as
  // given: a typo would have the provider whitelist an address no task sends from.
  if (eipAllocationId !== undefined && !/^eipalloc-[0-9a-f]+$/.test(eipAllocationId)) {
    throw new AppConfigError(
      `context egressIpAllocationId: "${eipAllocationId}" is not an Elastic IP allocation id (eipalloc-…)`,
    );
  }
  if (eipAddress !== undefined && !isIPv4(eipAddress)) {
    throw new AppConfigError(`context egressIpAddress: "${eipAddress}" is not an IPv4 address`);
  }
  const desiredCount = int(read, 'desiredCount', 0);
  const allowedPrincipalArns = list(read, 'allowedPrincipals');
  const api = {
    ...(allowedPrincipalArns ? { allowedPrincipalArns } : {}),
    ...(accountLogRole !== undefined ? { accountLogRole } : {}),
  };
  return {
    ...loginsOf(scope, read),
    ...(desiredCount !== undefined ? { bindService: { desiredCount } } : {}),
    ...(Object.keys(api).length > 0 ? { api } : {}),
    ...(alarmTopicArn ? { alarmTopic: sns.Topic.fromTopicArn(scope, 'AlarmTopic', alarmTopicArn) } : {}),
    ...(alarmEmails?.length ? { alarmEmails } : {}),
    ...(encryptionKeyArn
      ? { encryptionKey: kms.Key.fromKeyArn(scope, 'EncryptionKey', encryptionKeyArn) }
      : {}),
    ...(eventBusName ? { eventBus: events.EventBus.fromEventBusName(scope, 'EventBus', eventBusName) } : {}),
    ...(callbackSecretName
      ? {
          callbackSigningSecret: secretsmanager.Secret.fromSecretNameV2(
            scope,
            'CallbackSecret',
            callbackSecretName,
          ),
        }
      : {}),
    ...(eipAllocationId && eipAddress
      ? { egressIp: { allocationId: eipAllocationId, publicIp: eipAddress } }
      : {}),
  };
}
