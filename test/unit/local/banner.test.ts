import { describe, expect, it } from 'vitest';
import { tableNames } from '#core/aws/resources/resource-definitions.ts';
import { banner } from '#local/banner.ts';

// `npm start`'s banner: the local stack keeps everything in memory, and a user must learn that
// before pressing Ctrl-C with messages on their way, not after.

/** The stack as the banner reads it. */
const STACK = {
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

describe('the local stack’s start banner', () => {
  it('when the stack is up, then the banner says a stop discards the data kept in memory', () => {
    // Act
    const text = banner(STACK);
    // Assess
    expect(text).toContain('Everything is kept in memory only: a stop discards every record');
  });

  it('when a user runs the banner’s examples in turn, then the second sends a text of its own, not one the duplicate rule refuses', () => {
    // Act
    const text = banner(STACK);
    // Assess: every POST's text; before, both examples sent "Привет" and the second, within a
    // minute of the first, got 409 duplicate_request, then GET /v1/messages/<that body>
    const texts = [...text.matchAll(/"text":"(.*?)"\}'/g)].map((match) => match[1]);
    expect(texts).toEqual(['Привет', `Привет, '"$(date +%T)"'`]);
    expect(text).toContain('409 duplicate_request');
  });
});
