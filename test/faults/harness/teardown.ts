// Stops what a fault stack started, newest first, each step whatever became of the others: a failure
// while stopping (or half-way through starting) must not leave a DynamoDB Local JVM, fauxqs, the API
// or a bind-service child behind for the next case.

export class Teardown {
  private readonly steps: { name: string; stop: () => unknown }[] = [];

  /** Registers what to stop once its part has started. */
  add(name: string, stop: () => unknown): void {
    this.steps.push({ name, stop });
  }

  /** Runs every step once, newest first; then throws if any failed (all of them named). */
  async run(): Promise<void> {
    const errors: Error[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.stop();
      } catch (error) {
        errors.push(new Error(`stopping ${step.name} failed: ${String(error)}`, { cause: error }));
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1)
      throw new AggregateError(errors, `stopping failed: ${errors.map((error) => error.message).join('; ')}`);
  }
}
