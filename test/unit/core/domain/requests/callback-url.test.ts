import { describe, expect, it } from 'vitest';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { codesOf } from '../support.ts';

// Callback URLs the callbacks Lambda refuses to call (callbackTargetProblem: this host and its
// link-local neighbours) are refused when the message is sent, not answered 202 and then never called.

const MINIMAL = { to: '+79991234567', text: 'Hello' };

describe('callback URLs naming this host or its link-local neighbours', () => {
  it.each([
    'https://169.254.169.254/latest/meta-data',
    'https://[::ffff:127.0.0.1]/cb',
    'https://[::ffff:169.254.169.254]/cb',
    'https://127.0.0.2/cb',
    'https://0.0.0.0/cb',
    'https://[fe80::1]/cb',
    'https://[::]/cb',
  ])('when callbackUrl is %s, then it is invalid_url', (callbackUrl) => {
    // Act
    const codes = codesOf(sendMessageSchema, { ...MINIMAL, callbackUrl });
    // Assess: before, accepted (202), and the callbacks Lambda refused every post to it.
    expect(codes).toEqual([{ code: 'invalid_url', path: ['callbackUrl'] }]);
  });

  it.each(['http://localhost:3000/cb', 'https://127.0.0.1/cb', 'http://[::1]/cb', 'https://10.0.0.7/cb'])(
    'when callbackUrl is %s, then the schema takes it (loopback is for local mode: the API decides)',
    (callbackUrl) => {
      // Act
      const request = sendMessageSchema.parse({ ...MINIMAL, callbackUrl });
      // Assess
      expect(request.callbackUrl).toBe(callbackUrl);
    },
  );
});
