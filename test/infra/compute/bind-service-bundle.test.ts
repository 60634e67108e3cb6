import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../cdk/paths.ts';

// No Docker engine here: instead of building the image, CI runs its build stage's script (the very
// command the Dockerfile runs) and starts the result far enough to see it validate its config.

const BUNDLE = join(PROJECT_ROOT, 'dist/bind-service/main.mjs');

describe('bind-service bundle (the image’s build stage)', () => {
  beforeAll(() => {
    execFileSync('sh', ['scripts/build-bind-service.sh'], { cwd: PROJECT_ROOT, stdio: 'pipe' });
  }, 60_000);

  it('when the bundle starts without configuration, then it exits non-zero naming a missing variable', () => {
    // Act
    const run = spawnSync(process.execPath, [BUNDLE], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    // Assess
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/BindServiceConfigError.*SMPP_HOST/);
  });

  it('when a stack frame in the bundle is looked up in its source map, then it names the TypeScript file, and the map carries no sources', () => {
    // Prepare: where the bundle defines loadConfig (its name survives: identifiers are not minified).
    const bundle = readFileSync(BUNDLE, 'utf8');
    const payload = JSON.parse(readFileSync(`${BUNDLE}.map`, 'utf8')) as SourceMapPayload;
    const at = bundle.indexOf('function loadConfig(');
    const line = bundle.slice(0, at).split('\n').length - 1;
    const column = at - (bundle.lastIndexOf('\n', at) + 1);
    // Act
    const entry = new SourceMap(payload).findEntry(line, column);
    // Assess
    expect(at).toBeGreaterThan(-1);
    expect('originalSource' in entry ? entry.originalSource : '').toMatch(/bind-service\/config\.ts$/);
    // The task runs with --enable-source-maps, which loads the map at start: without the sources'
    // text it takes about 4 MB of RSS instead of 27 (measured on the bundle, Node 20).
    expect(payload.sourcesContent ?? []).toEqual([]);
  });

  it('when the bundle is read, then it is ASCII only, so V8 holds its source in one byte a character', () => {
    // Act
    const bundle = readFileSync(BUNDLE, 'utf8');
    // Assess
    expect(bundle.match(/[\u0080-\uffff]/g) ?? []).toEqual([]);
  });

  it('when the Dockerfile is read, then its build stage runs the same script and the image runs its output', () => {
    // Act
    const dockerfile = readFileSync(join(PROJECT_ROOT, 'bind-service/Dockerfile'), 'utf8');
    // Assess
    expect(dockerfile).toMatch(/^RUN sh scripts\/build-bind-service\.sh$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/src\/dist\/bind-service\/ \.\/$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "--enable-source-maps", "main\.mjs"\]$/m);
  });
});
