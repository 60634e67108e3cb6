import { describe, expect, it } from 'vitest';
import type { PartOutcome } from '#core/aws/messages/message-item.ts';
import { summariseParts } from '#core/domain/receipts/part-outcomes.ts';

const delivered: PartOutcome = { outcome: 'delivered', errorCode: 0, at: '2030-01-01T00:00:00.000Z' };

describe('summariseParts', () => {
  it('when every known part reported, then the summary is complete', () => {
    // Act
    const summary = summariseParts(['1', '2'], { '1': delivered, '2': delivered });
    // Assess
    expect(summary).toMatchObject({ complete: true, worst: delivered });
  });

  it('when a part on the wire has no id yet, then the known parts alone do not complete it', () => {
    // Act
    const summary = summariseParts(['1'], { '1': delivered }, 2);
    // Assess
    expect(summary.complete).toBe(false);
  });
});
