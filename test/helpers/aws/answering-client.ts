/**
 * An SDK client whose every `send` gets `answer`'s result (or its throw): for tests of how our code
 * reads AWS's answers (partial failures, a refused call), which local servers cannot be made to give.
 */
export function answeringClient<Client>(answer: () => Promise<unknown>): Client {
  return { send: answer } as unknown as Client;
}
