// bind_transceiver / bind_transmitter / bind_receiver as the provider answers them.
import type { PDU } from '#bind-service/smpp/codec.ts';
import { CommandStatus } from '#core/domain/provider/command-status.ts';
import type { BindMode, SimulatorStats } from '../types.ts';
import type { SessionRegistry } from './registry.ts';
import type { SimSession } from './session.ts';

export interface BindDeps {
  registry: SessionRegistry;
  stats: SimulatorStats;
  /** A status every bind is refused with (scripted by a test), 0 = none. */
  refusedWith: () => number;
  /** Ends a session the login limit pushed out. */
  evict: (session: SimSession) => void;
  onBound: (session: SimSession) => void;
  onRefused: (session: SimSession, systemId: string, commandStatus: number) => void;
}

export function bindMode(command: PDU['command']): BindMode | undefined {
  switch (command) {
    case 'bind_transceiver':
      return 'transceiver';
    case 'bind_transmitter':
      return 'transmitter';
    case 'bind_receiver':
      return 'receiver';
    default:
      return undefined;
  }
}

export function handleBind(deps: BindDeps, session: SimSession, pdu: PDU, mode: BindMode): void {
  const systemId = pdu.system_id ?? '';
  if (session.state !== 'open') {
    session.send(pdu.response({ command_status: CommandStatus.ESME_RALYBND }));
    return;
  }
  const status = deps.refusedWith() || deps.registry.authenticate(systemId, pdu.password ?? '');
  if (status !== 0) {
    deps.stats.bindFailures += 1;
    session.send(pdu.response({ command_status: status }));
    deps.onRefused(session, systemId, status);
    return;
  }
  session.bind(mode, systemId, pdu.system_type ?? '', pdu.interface_version ?? 0);
  session.send(pdu.response({ system_id: 'SMSC' }));
  deps.stats.binds += 1;
  // The newer bind wins, as at the provider: the oldest sessions beyond the MCON limit are ended.
  for (const evicted of deps.registry.attach(session)) deps.evict(evicted);
  deps.onBound(session);
}
