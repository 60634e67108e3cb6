import { describe, expect, it } from 'vitest';
import { mayUseAccount } from '#core/domain/accounts/permissions.ts';

const ROLE = 'arn:aws:iam::123456789012:role/service/orders';
const USER = 'arn:aws:iam::123456789012:user/ops/alice';

describe('mayUseAccount', () => {
  it('when the account lists no principals, then any caller may use it, an unauthenticated one too', () => {
    // Act / Assess
    expect(mayUseAccount({}, 'arn:aws:sts::123456789012:assumed-role/any/session')).toBe(true);
    expect(mayUseAccount({}, undefined)).toBe(true);
  });

  it('when a listed role signs (as an assumed-role session), then it may, whatever its path and session', () => {
    // Act / Assess
    expect(
      mayUseAccount({ principals: [ROLE] }, 'arn:aws:sts::123456789012:assumed-role/orders/task-1'),
    ).toBe(true);
  });

  it.each([
    ['another role', 'arn:aws:sts::123456789012:assumed-role/marketing/task-1'],
    ['the same role name in another AWS account', 'arn:aws:sts::210987654321:assumed-role/orders/task-1'],
    ['the same role name in another partition', 'arn:aws-cn:sts::123456789012:assumed-role/orders/task-1'],
    ['a user named like the role', 'arn:aws:iam::123456789012:user/orders'],
  ])('when %s signs, then it may not', (_, caller) => {
    // Act / Assess
    expect(mayUseAccount({ principals: [ROLE] }, caller)).toBe(false);
  });

  it('when a listed IAM user signs, then it may; another user may not', () => {
    // Act / Assess
    expect(mayUseAccount({ principals: [USER] }, USER)).toBe(true);
    expect(mayUseAccount({ principals: [USER] }, 'arn:aws:iam::123456789012:user/ops/bob')).toBe(false);
  });

  it('when the account lists principals and the caller is unauthenticated (local mode), then it may not', () => {
    // Act / Assess
    expect(mayUseAccount({ principals: [ROLE] }, undefined)).toBe(false);
  });
});
