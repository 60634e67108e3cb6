import { createLogger } from '#core/observability/json-logger.ts';
import type { Logger, LogLevel, LogWriter } from '#core/observability/logger.ts';

// The bind-service's logger: the project's one format and redaction (core/observability), under the
// service name `bind-service`. Its parts get `child({ component })` loggers from the service.

export type { LogLevel };

export function bindServiceLogger(level: LogLevel = 'info', write?: LogWriter): Logger {
  return createLogger({ service: 'bind-service', level, ...(write ? { write } : {}) });
}
