import { projectConfig } from '../../vitest.shared.mjs';

// The compile-only tests of the public types (`*.test-d.ts`) run through tsc.
export default projectConfig(import.meta.dirname, {
  test: { typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: 'test/tsconfig.json' } },
});
