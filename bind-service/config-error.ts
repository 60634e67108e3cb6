// The bind-service's configuration error, in its own module so that the pieces config.ts builds on
// (the TLS settings) can name a variable at fault without importing config.ts back.
import { type ConfigSource, variableError } from '#core/config/load-env.ts';
import { ConfigError } from '#core/domain/errors.ts';

/** A setting the bind-service cannot start with; names the environment variables at fault. */
export class BindServiceConfigError extends ConfigError {}

export const CONFIG_SOURCE: ConfigSource<BindServiceConfigError> = {
  component: 'bind-service',
  error: BindServiceConfigError,
};

export function configError(variable: string | readonly string[], problem: string): BindServiceConfigError {
  return variableError(CONFIG_SOURCE, variable, problem);
}
