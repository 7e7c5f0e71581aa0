import { projectConfig } from '../../tools/scripts/vitest-config.mjs';

export default projectConfig(import.meta.dirname);
