// The tests `npm run mutation` runs for the file it mutates (MUTATION_FILE; see stryker.config.mjs): only those that
// exercise it, so that a mutant every test covers (a module-level constant) does not run a whole package's suite.
import { resolve } from 'node:path';
import { MUTATED } from './stryker.config.mjs';
import { projectConfig } from './vitest.shared.mjs';

const file = process.env.MUTATION_FILE;
if (file === undefined) throw new Error('Set MUTATION_FILE to one of the files listed in stryker.config.mjs (tools/mutation/run.mjs does).');
const [dir, include] = MUTATED[file];
const config = projectConfig(resolve(import.meta.dirname, dir));

// No JSON report: the package's own test-results/vitest.json is `npm test`'s.
export default { ...config, test: { ...config.test, include, reporters: ['default'], outputFile: undefined } };
