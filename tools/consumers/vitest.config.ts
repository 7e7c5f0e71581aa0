import { projectConfig } from '../../vitest.shared.mjs';

// Installing, compiling and running three projects takes a minute or two on a busy machine.
export default projectConfig(import.meta.dirname, { test: { testTimeout: 300_000, hookTimeout: 120_000 } });
