import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesised, synthesise } from './synth.ts';

// What `cdk deploy` would upload: the bundled Lambda code (small, for cold starts) and the Docker
// build context of the bind-service (only what its build stage needs; synth stages it, never builds).

const MAX_LAMBDA_BUNDLE_BYTES = 1_000_000;
const MAX_DOCKER_CONTEXT_BYTES = 2_000_000;

interface DockerImageAsset {
  source: { directory: string; dockerFile: string; platform: string };
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(directory, entry))
    .filter((path) => statSync(path).isFile());
}

function lambdaCodeDirectory(synth: Synthesised, idPrefix: string): string {
  const [fn] = Object.entries(synth.template.findResources('AWS::Lambda::Function'))
    .filter(([id]) => id.startsWith(idPrefix))
    .map(([, resource]) => resource as { Properties: { Code: { S3Key: string } } });
  if (!fn) throw new Error(`no function ${idPrefix}`);
  return join(synth.outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
}

describe('deployment assets', () => {
  let synth: Synthesised;
  let image: DockerImageAsset;

  beforeAll(() => {
    synth = synthesise({ bundle: true });
    const manifest = JSON.parse(readFileSync(join(synth.outdir, 'SmsSender.assets.json'), 'utf8')) as {
      dockerImages: Record<string, DockerImageAsset>;
    };
    const [only] = Object.values(manifest.dockerImages);
    if (!only) throw new Error('no Docker image asset');
    image = only;
  });

  it.each([
    ['api', 'SmsSenderApiHandlerFunction'],
    ['status-stream', 'SmsSenderStatusStreamHandlerFunction'],
    ['sweeper', 'SmsSenderSweeperHandlerFunction'],
  ])('when the %s Lambda is bundled, then its code is one ES module of at most 1 MB', (_name, idPrefix) => {
    // Act
    const files = filesUnder(lambdaCodeDirectory(synth, idPrefix));
    // Assess
    expect(files.map((file) => file.split('/').pop())).toEqual(['index.mjs']);
    expect(statSync(files[0] ?? '').size).toBeLessThanOrEqual(MAX_LAMBDA_BUNDLE_BYTES);
  });

  it('when the bind-service image is staged, then it is built for ARM64 from bind-service/Dockerfile', () => {
    // Assess
    expect(image.source).toMatchObject({ dockerFile: 'bind-service/Dockerfile', platform: 'linux/arm64' });
  });

  it('when the Docker context is staged, then it holds only the build inputs and stays small', () => {
    // Prepare
    const directory = join(synth.outdir, image.source.directory);
    // Act
    const files = filesUnder(directory).map((path) => relative(directory, path));
    const bytes = filesUnder(directory).reduce((sum, path) => sum + statSync(path).size, 0);
    const topLevel = new Set(files.map((path) => path.split('/')[0]));
    // Assess
    expect([...topLevel].sort()).toEqual([
      '.dockerignore',
      'bind-service',
      'core',
      'package-lock.json',
      'package.json',
      'patches',
      'scripts',
      'tsconfig.json',
    ]);
    expect(files).toContain('bind-service/main.ts');
    // `npm ci --ignore-scripts` in the image applies no patch by itself: the Dockerfile does.
    expect(files.filter((path) => path.startsWith('patches/'))).toEqual(['patches/smpp+0.5.1.patch']);
    expect(files.filter((path) => path.endsWith('.test.ts'))).toEqual([]);
    expect(bytes).toBeLessThan(MAX_DOCKER_CONTEXT_BYTES);
  });
});
