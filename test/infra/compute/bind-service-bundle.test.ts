import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
