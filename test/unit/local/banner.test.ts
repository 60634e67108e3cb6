import { describe, expect, it } from 'vitest';
import { tableNames } from '#core/aws/resources/resource-definitions.ts';
import { banner } from '#local/banner.ts';

// `npm start`'s banner: the local stack keeps everything in memory, and a user must learn that
// before pressing Ctrl-C with messages on their way, not after.

describe('the local stack’s start banner', () => {
  it('when the stack is up, then the banner says a stop discards the data kept in memory', () => {
    // Prepare
    const stack = {
      apiUrl: 'http://127.0.0.1:3000',
      smpp: {
        simulated: true,
        host: '127.0.0.1',
        port: 2775,
        systemId: 'local',
        password: 'fake-pw-not-real',
        throughput: 10,
      },
      endpoints: { dynamodb: 'http://127.0.0.1:8000', sqs: 'http://127.0.0.1:9324' },
      tables: tableNames('local'),
    };
    // Act
    const text = banner(stack);
    // Assess
    expect(text).toContain('Everything is kept in memory only: a stop discards every record');
  });
});
