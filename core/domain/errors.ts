// One error class per failure kind. Each carries a stable machine-readable `code` (used by the HTTP
// API's problem+json answers and by logs) and, where a field of the request is at fault, its `path`.
export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly path: readonly (string | number)[];

  constructor(message: string, path: readonly (string | number)[] = []) {
    super(message);
    this.name = new.target.name;
    this.path = path;
  }
}
