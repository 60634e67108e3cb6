import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { isSharedTurnTest } from './shared-turn-tests.ts';

/**
 * Vitest's order (longest or largest first), with the files that share their turn all before the
 * ones that run alone: mixed, a file waiting to run alone would keep the other worker idle each time
 * it met a shared one still running (test/file-turns/turn-keeper.ts).
 */
export class SharedFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const isShared = (spec: TestSpecification): boolean => isSharedTurnTest(relative(root, spec.moduleId));
    return [...sorted.filter(isShared), ...sorted.filter((spec) => !isShared(spec))];
  }
}
