/** A setting the bind-service cannot start with; names the environment variables at fault. */
export class BindServiceConfigError extends Error {
  constructor(
    message: string,
    /** The environment variables at fault. */
    readonly variables: readonly string[],
  ) {
    super(message);
    this.name = 'BindServiceConfigError';
  }
}
