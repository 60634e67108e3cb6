import type { MessageStatusChanged } from '#lambdas/status-stream/status-event.ts';

// The local stack's status events as server-sent events (GET /local/events, local/event-feed.ts).

export async function* localEvents(
  endpoint: string,
  signal: AbortSignal,
  onSubscribed: () => void,
): AsyncGenerator<MessageStatusChanged> {
  const response = await fetch(new URL('/local/events', endpoint), {
    headers: { accept: 'text/event-stream' },
    signal,
  });
  if (!response.ok || !response.body) {
    throw new Error(
      `${endpoint} has no event feed (HTTP ${response.status}): is it the local stack (npm start)? For AWS give --event-bus`,
    );
  }
  // The feed never ends while the stack runs: an end, clean or cut, means the stack went away.
  const closed = (cause?: unknown) =>
    new Error(`the event feed at ${endpoint} closed (did the local stack stop?)`, { cause });
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body.getReader();
  const read = () =>
    reader.read().catch((error: unknown) => {
      throw signal.aborted ? error : closed(error);
    });
  try {
    for (;;) {
      const { done, value } = await read();
      if (done) {
        if (signal.aborted) return;
        throw closed();
      }
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(': subscribed')) onSubscribed();
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (data) yield JSON.parse(data) as MessageStatusChanged;
        end = buffer.indexOf('\n\n');
      }
    }
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  } finally {
    reader.releaseLock();
  }
}
