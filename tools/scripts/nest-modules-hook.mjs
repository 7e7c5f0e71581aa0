// `node --import <this file>` with NEST_MODULES_DIR set: the packages installed there resolve from there, as if
// imported by a file in that directory (see nest-modules.mjs). Needs module.registerHooks (Node.js >= 22.15).
import { registerHooks } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nestModulesDir, redirectedBy } from './nest-modules.mjs';

const dir = nestModulesDir();
if (dir !== undefined) {
  if (typeof registerHooks !== 'function') throw new Error(`NEST_MODULES_DIR needs module.registerHooks (Node.js >= 22.15); this is Node.js ${process.version}`);
  const redirected = redirectedBy(dir);
  const parentURL = pathToFileURL(join(dir, 'package.json')).href;
  registerHooks({
    resolve: (specifier, context, nextResolve) => nextResolve(specifier, redirected(specifier) ? { ...context, parentURL } : context),
  });
}
