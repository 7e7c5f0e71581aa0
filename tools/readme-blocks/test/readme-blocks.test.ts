import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockId, planOf, prepareBlocks, runBlock, saveNamedFiles, selectBlocks, summarize } from '../run.mjs';

// Every ts, js and sh block of the READMEs, one test each (named file:line), run in a scratch project that installs
// the packed packages (see run.mjs). README_BLOCKS_FILE=packages/core/README.md (comma-separated) picks READMEs.
const blocks = selectBlocks(process.env.README_BLOCKS_FILE?.split(',').filter(Boolean) ?? []);
const results: Awaited<ReturnType<typeof runBlock>>[] = [];
let session: Awaited<ReturnType<typeof prepareBlocks>>;

beforeAll(async () => {
  session = await prepareBlocks(blocks);
  saveNamedFiles(blocks, session);
});
afterAll(async () => {
  await session?.close();
  console.log(summarize(results));
});

describe('README blocks', () => {
  for (const block of blocks) {
    const plan = planOf(block);
    const name = `${blockId(block)} (${block.lang}, ${plan.mode})`;
    if (plan.mode === 'skip') {
      results.push({ id: blockId(block), mode: 'skip', ok: true, ms: 0 });
      it.skip(`${name}: ${plan.reason}`, () => {});
      continue;
    }
    it(name, async () => {
      const result = await runBlock(block, session);
      results.push(result);
      expect(result.failure ?? '').toBe('');
    });
  }
});
