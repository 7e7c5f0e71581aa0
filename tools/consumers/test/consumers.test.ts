import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECTS, prepare, runConsumer } from '../run.mjs';

// The packed packages, installed into throwaway ESM, CommonJS and TypeScript projects as users
// install them, then compiled and run (see run.mjs).
let session: Awaited<ReturnType<typeof prepare>>;

beforeAll(async () => {
  session = await prepare();
});
afterAll(() => session?.close());

describe.concurrent('the packed packages', () => {
  it.each(Object.keys(PROJECTS))('work in the %s consumer project', async (name) => {
    const result = await runConsumer(name, session);
    // On failure, the output of the step that failed (install, compile or run).
    expect(result.failure ?? '').toBe('');
    expect(result.steps.map((step: { name: string }) => step.name)).toContain('run');
  });
});
