import type { Server } from 'node:http';

/** Starts `server` on a free loopback port; its base URL, e.g. http://127.0.0.1:41234. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the server has no TCP address');
  return `http://127.0.0.1:${address.port}`;
}
