// Kept free of dependencies: the status-stream Lambda needs this check without pulling the request
// schemas (zod, libphonenumber metadata) into its bundle.
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a callback URL points at this machine: fine in local mode, a request forgery risk in AWS. */
export function isLoopbackUrl(url: string): boolean {
  return URL.canParse(url) && LOOPBACK_HOSTS.has(new URL(url).hostname);
}
