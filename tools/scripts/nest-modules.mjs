// The NestJS that tools/scripts/node-matrix.sh tests besides the lockfile's: with NEST_MODULES_DIR set (a directory
// where `npm install` put @nestjs/* and the packages NestJS shares with the app: rxjs, reflect-metadata, passport),
// every import of a package that directory's package.json depends on resolves into it, one copy each, instead of
// into the workspace's node_modules. vitest.shared.mjs's `nestModules()` does it for the code Vitest runs;
// nest-modules-hook.mjs (loaded with `node --import`) for the processes the tests spawn.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The NEST_MODULES_DIR in effect (absolute), or undefined when the workspace's own packages are used. */
export function nestModulesDir(env = process.env) {
  return env.NEST_MODULES_DIR ? resolve(env.NEST_MODULES_DIR) : undefined;
}

/**
 * Whether `specifier` names one of the packages installed in `dir` (the package itself or a subpath of it).
 * @param {string} dir
 * @returns {(specifier: string) => boolean}
 */
export function redirectedBy(dir) {
  const { dependencies = {} } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const names = Object.keys(dependencies);
  if (names.length === 0) throw new Error(`NEST_MODULES_DIR=${dir}: its package.json lists no dependencies (install @nestjs/* there with npm install --prefix)`);
  return (specifier) => names.some((name) => specifier === name || specifier.startsWith(`${name}/`));
}
