// The TLS server options for the simulator: plain TCP without `tls`; with `requireClientCert`, a
// client must present a certificate issued by `ca` or the handshake fails.
import type { SimulatorTls } from '../types.ts';

export function tlsServerOptions(tls: SimulatorTls | undefined): Record<string, unknown> {
  if (!tls) return {};
  return {
    key: tls.key,
    cert: tls.cert,
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.requireClientCert ? { requestCert: true, rejectUnauthorized: true } : {}),
  };
}
