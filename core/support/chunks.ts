/**
 * `items` in order, cut into calls a batch API takes: at most `maxCount` items, and items whose
 * `sizeOf` adds up to at most `maxBytes`. An item too large on its own goes alone: the service
 * refuses that one item, not its neighbours.
 */
export function chunksWithin<T>(
  items: readonly T[],
  limits: { maxCount: number; maxBytes: number },
  sizeOf: (item: T) => number,
): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (chunk.length === limits.maxCount || (chunk.length > 0 && bytes + size > limits.maxBytes)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
