import { LogFormatter, LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type {
  ConstructorOptions,
  LogAttributes,
  UnformattedAttributes,
} from '@aws-lambda-powertools/logger/types';
import type { LogFields, Logger, LogLevel, LogWriter } from './logger.ts';
import { describeError, redactField } from './redaction.ts';

// The one log format of the project, for the Lambdas and the bind-service alike: one JSON object per
// line on stdout, `{level, msg, time, service, ...fields}`, so one log query reads every component.
// Built on Powertools Logger through its extension points: a LogFormatter shapes the line and
// describes errors, a JSON replacer applies the redaction rules (redaction.ts) to every key, and
// printLog sends the finished line to a writer instead of the console.

export interface JsonLoggerOptions {
  /** Names the component in every line (`api`, `status-stream`, `bind-service`, ...). */
  service: string;
  /** Default info. Lambda's own log-level control (AWS_LAMBDA_LOG_LEVEL) still wins, as Powertools does. */
  level?: LogLevel;
  /** Default stdout. Tests and the local stack collect lines instead. */
  write?: LogWriter;
}

/**
 * The caller's fields travel to the formatter under this one key, so that Powertools' reserved
 * names (`message`, `service`, `level`, `timestamp`) in them are kept, not dropped with a warning.
 */
const FIELDS_KEY = 'fields';

const writeToStdout: LogWriter = (line) => {
  // Not console.*: in Lambda it would prefix a timestamp and request id and break the JSON line.
  process.stdout.write(`${line}\n`);
};

class LineFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const line: LogAttributes = {
      level: attributes.logLevel.toLowerCase(),
      msg: attributes.message,
      time: attributes.timestamp.toISOString(),
      service: attributes.serviceName,
    };
    if (attributes.xRayTraceId) line.xrayTraceId = attributes.xRayTraceId;
    // The fixed keys come first in the line and are never overwritten by a field of the same name.
    // Plain loops, not spreads: this runs for every line written.
    for (const key in additional) if (key !== FIELDS_KEY && !(key in line)) line[key] = additional[key];
    const fields = additional[FIELDS_KEY] as LogFields | undefined;
    for (const key in fields) if (!(key in line)) line[key] = fields[key];
    return new LogItem({ attributes: line });
  }

  override formatError(error: Error): LogAttributes {
    return describeError(error);
  }
}

class LineLogger extends PowertoolsLogger {
  // Not a #private field: Powertools may print (a warning) from inside its own constructor, before
  // this subclass's fields exist; such a line goes to stdout.
  private writer: LogWriter | undefined;

  constructor(options: ConstructorOptions, write: LogWriter) {
    super(options);
    this.writer = write;
  }

  protected override printLog(_logLevel: number, log: LogItem): void {
    (this.writer ?? writeToStdout)(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }
}

export function createLogger(options: JsonLoggerOptions): Logger {
  const powertools = new LineLogger(
    {
      serviceName: options.service,
      logLevel: options.level ?? 'info',
      logFormatter: new LineFormatter(),
      jsonReplacerFn: redactField,
    },
    options.write ?? writeToStdout,
  );
  return bound(powertools, {});
}

/** The port over one Powertools instance; a child only adds fields, it needs no instance of its own. */
function bound(powertools: PowertoolsLogger, base: LogFields): Logger {
  const line = (fields: LogFields | undefined) => ({ [FIELDS_KEY]: fields ? { ...base, ...fields } : base });
  return {
    debug: (msg, fields) => powertools.debug(msg, line(fields)),
    info: (msg, fields) => powertools.info(msg, line(fields)),
    warn: (msg, fields) => powertools.warn(msg, line(fields)),
    error: (msg, fields) => powertools.error(msg, line(fields)),
    child: (fields) => bound(powertools, { ...base, ...fields }),
  };
}
