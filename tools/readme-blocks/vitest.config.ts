import { projectConfig } from '../../vitest.shared.mjs';

// Packing, one install and one tsc run take a minute or two on a busy machine; a block gets BLOCK_TIMEOUT (60 s).
export default projectConfig(import.meta.dirname, { test: { testTimeout: 120_000, hookTimeout: 600_000 } });
