// The error a call throws, typed, for tests that assert on its fields (code, path, variables).

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** The `ErrorClass` error `act` throws; any other error is rethrown, no error fails the test. */
export function errorThrownBy<E extends Error>(act: () => unknown, ErrorClass: ErrorClass<E>): E {
  try {
    act();
  } catch (error) {
    if (error instanceof ErrorClass) return error;
    throw error;
  }
  throw new Error(`expected a ${ErrorClass.name}, nothing was thrown`);
}
