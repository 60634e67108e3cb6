// Work over many items, a few at a time (DynamoDB takes calls in parallel; one request must not
// flood the client or the table's capacity).

/**
 * Runs `work` on every item, at most `limit` at once. After a failure no further item starts, and
 * the ones under way finish before the first error is thrown: a caller that cleans up after the
 * error (marks records failed, closes anti-loop windows) never races a write still landing.
 */
export async function eachAtMost<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (let at = next++; at < items.length && !failure; at = next++) {
      try {
        await work(items[at] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
}
