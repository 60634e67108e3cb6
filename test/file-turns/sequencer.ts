import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { sharedTurnTest } from './shared-turn-tests.ts';

/**
 * The files that share their turn all before the ones that run alone, the longest of them first (as
 * measured, so a fresh clone without vitest's timings orders them so too): mixed, a file waiting to
 * run alone would keep the other workers idle each time it met a shared one still running
 * (test/file-turns/turn-keeper.ts), and a long shared file started last would run on by itself. The
 * files that run alone keep vitest's order.
 */
export class SharedFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const sharedSeconds = new Map<TestSpecification, number>();
    for (const spec of sorted) {
      const measured = sharedTurnTest(relative(root, spec.moduleId));
      if (measured) sharedSeconds.set(spec, measured.seconds);
    }
    const shared = [...sharedSeconds.keys()].sort(
      (a, b) => (sharedSeconds.get(b) ?? 0) - (sharedSeconds.get(a) ?? 0),
    );
    return [...shared, ...sorted.filter((spec) => !sharedSeconds.has(spec))];
  }
}
