import { describe, expect, it } from 'vitest';
import { KnownOwners } from '#core/aws/messages/receipts/known-owners.ts';

describe('KnownOwners: the SMSC-id owners this process wrote itself', () => {
  it('when a message with two SMSC ids is remembered, then each id names it', () => {
    // Prepare
    const known = new KnownOwners(10);
    const owner = { messageId: 'm1', smscIdCount: 2, channel: 'sms' as const };
    // Act
    known.remember(['101', '102'], owner);
    // Assess
    expect(known.get('101')).toEqual(owner);
    expect(known.get('102')).toEqual(owner);
    expect(known.get('103')).toBeUndefined();
  });

  it('when one is forgotten, then only that id is gone', () => {
    // Prepare
    const known = new KnownOwners(10);
    known.remember(['101', '102'], { messageId: 'm1', smscIdCount: 2 });
    // Act
    known.forget('101');
    // Assess
    expect(known.get('101')).toBeUndefined();
    expect(known.get('102')?.messageId).toBe('m1');
    expect(known.size).toBe(1);
  });

  it('when more are remembered than it holds, then the oldest go first and the size stays at the capacity', () => {
    // Prepare
    const known = new KnownOwners(3);
    for (const id of ['1', '2', '3']) known.remember([id], { messageId: `m${id}`, smscIdCount: 1 });
    // Act: '1' renewed, so '2' is now the oldest; two more push out '2' and '3'.
    known.remember(['1'], { messageId: 'm1', smscIdCount: 1 });
    known.remember(['4', '5'], { messageId: 'm45', smscIdCount: 2 });
    // Assess
    expect(known.size).toBe(3);
    expect(['1', '2', '3', '4', '5'].map((id) => known.get(id)?.messageId)).toEqual([
      'm1',
      undefined,
      undefined,
      'm45',
      'm45',
    ]);
  });

  it('when its capacity is 0, then it remembers nothing', () => {
    // Prepare
    const known = new KnownOwners(0);
    // Act
    known.remember(['1'], { messageId: 'm1', smscIdCount: 1 });
    // Assess
    expect(known.size).toBe(0);
    expect(known.get('1')).toBeUndefined();
  });
});
