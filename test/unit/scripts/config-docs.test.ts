import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../cdk/paths.ts';
import { CONFIG_DOC, configRows, REGENERATE, renderConfigDoc } from '../../../scripts/config-docs/render.ts';

// docs/configuration.md is rendered here in memory from the VAR catalogue, the components' schemas
// and the Kannel block's keys, and compared with what is committed: a variable added, a default
// changed or a meaning reworded without `npm run docs:config` fails this test.

describe('docs/configuration.md', () => {
  it('when the reference is rendered from the code, then the committed file is the same', () => {
    // Prepare
    const committed = readFileSync(join(PROJECT_ROOT, CONFIG_DOC), 'utf8');
    // Act
    const rendered = renderConfigDoc();
    // Assess
    expect(rendered, `${CONFIG_DOC} is out of date: run \`${REGENERATE}\``).toBe(committed);
  });

  it('when the catalogue is listed, then every variable has a component that reads it', () => {
    // Act
    const unread = configRows().filter((row) => row.readers.length === 0);
    // Assess
    expect(unread.map((row) => row.name)).toEqual([]);
  });

  it('when a variable has a default in its schema, then the reference shows it', () => {
    // Act
    const rows = Object.fromEntries(configRows().map((row) => [row.name, row]));
    // Assess
    expect(rows.SMPP_THROUGHPUT?.defaults).toBe('`30`');
    expect(rows.SMPP_SOURCE_ADDR_AUTODETECT?.defaults).toBe('`true`');
    expect(rows.SMPP_SYSTEM_TYPE?.readers).toEqual(['bind-service', 'api']);
    expect(rows.MESSAGES_TABLE?.defaults).toBe('required');
    expect(rows.DRAIN_SECONDS?.defaults).toBe('bind-service: `20`; local stack: `5`');
  });
});
