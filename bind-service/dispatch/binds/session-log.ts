// The SMPP engine does not log; it emits lifecycle events. This turns one bind's events into log
// lines (hosts and reasons only: never credentials, never message content).
import type { SmppClient } from '#bind-service/smpp/index.ts';
import type { Logger } from '#core/observability/logger.ts';
import { classifyConnectFailure } from './connect-watch.ts';

export function logSessionEvents(client: SmppClient, log: Logger): () => void {
  const offs = [
    client.on('connecting', (e) => log.debug('smpp connecting', e)),
    // TLS failures get one error line per streak from ConnectWatch, not a warning per attempt.
    client.on('connect-failed', (e) =>
      classifyConnectFailure(e.code)
        ? log.debug('smpp connect failed', e)
        : log.warn('smpp connect failed', e),
    ),
    client.on('bind-failed', (e) => log.warn('smpp bind refused', e)),
    client.on('bound', (e) => log.info('smpp bound', e)),
    client.on('disconnected', (e) => log.warn('smpp disconnected', e)),
    client.on('reconnect-scheduled', (e) => log.debug('smpp reconnect scheduled', e)),
    client.on('bind-not-permitted', (e) =>
      log.warn('smpp bind withheld: the slot lease is not ours, or a slot beyond the binds is held', e),
    ),
    client.on('stopped', (e) => log.info('smpp session stopped', e)),
    client.on('unexpected-pdu', (e) => log.debug('smpp unexpected pdu', e)),
    // A DELIVER_SM the SMSC will keep sending: the provider is the one to ask about it.
    client.on('unreadable-pdu', (e) =>
      log.error('smpp PDU unreadable; answered, the session goes on', { ...e }),
    ),
    client.on('deliver', (e) => {
      if (!e.answered) log.warn('deliver_sm answer not written: the link was gone; the SMSC will resend', {});
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
