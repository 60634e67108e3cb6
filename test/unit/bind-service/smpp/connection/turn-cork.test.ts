import { describe, expect, it } from 'vitest';
import { TurnCork } from '#bind-service/smpp/connection/turn-cork.ts';

/** Records cork and uncork calls, and the flush the cork asked to run at the end of the turn. */
function recordingSocket() {
  const calls: string[] = [];
  const turnEnds: (() => void)[] = [];
  const socket = { cork: () => calls.push('cork'), uncork: () => calls.push('uncork') };
  const cork = new TurnCork(socket, (flush) => turnEnds.push(flush));
  const endTurn = () => {
    for (const flush of turnEnds.splice(0)) flush();
  };
  return { calls, cork, endTurn };
}

describe('TurnCork', () => {
  it('when several PDUs are written in one turn, then the socket is corked once and uncorked once as the turn ends', () => {
    // Prepare
    const { calls, cork, endTurn } = recordingSocket();
    // Act
    cork.hold();
    cork.hold();
    cork.hold();
    const beforeTurnEnd = [...calls];
    endTurn();
    // Assess
    expect(beforeTurnEnd).toEqual(['cork']);
    expect(calls).toEqual(['cork', 'uncork']);
  });

  it('when a later turn writes again, then it corks again', () => {
    // Prepare
    const { calls, cork, endTurn } = recordingSocket();
    cork.hold();
    endTurn();
    // Act
    cork.hold();
    endTurn();
    // Assess
    expect(calls).toEqual(['cork', 'uncork', 'cork', 'uncork']);
  });

  it('when the socket is flushed before it is destroyed, then what is held goes at once and the turn end does nothing more', () => {
    // Prepare
    const { calls, cork, endTurn } = recordingSocket();
    cork.hold();
    // Act
    cork.flush();
    endTurn();
    cork.flush();
    // Assess
    expect(calls).toEqual(['cork', 'uncork']);
  });

  it('when used with a real turn of the event loop, then the socket is uncorked before the next timer', async () => {
    // Prepare
    const calls: string[] = [];
    const cork = new TurnCork({ cork: () => calls.push('cork'), uncork: () => calls.push('uncork') });
    // Act: writes from promise callbacks of the same turn, as the answers of one stored batch.
    await Promise.all([1, 2, 3].map(async () => cork.hold()));
    const afterCallbacks = [...calls];
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Assess
    expect(afterCallbacks).toEqual(['cork']);
    expect(calls).toEqual(['cork', 'uncork']);
  });
});
