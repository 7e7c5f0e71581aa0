// Shared Vitest settings for every project in the workspace (each project's vitest.config.ts imports it).
// Each project writes a JSON report that tools/scripts/run-tests.mjs sums into the closing
// "N passed, N failed" line that CI reads. SWC compiles the tests so that NestJS decorators
// (legacy decorators with metadata) work the same way in every package.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig, mergeConfig } from 'vitest/config';
import { nestModulesDir, redirectedBy } from './tools/scripts/nest-modules.mjs';

/**
 * @param {string} projectRoot absolute path of the project (pass `import.meta.dirname`)
 * @param {import('vitest/config').UserConfig} [overrides]
 */
export function projectConfig(projectRoot, overrides = {}) {
  const base = defineConfig({
    root: projectRoot,
    plugins: [
      swc.vite({
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        },
      }),
    ],
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 30_000,
      hookTimeout: 30_000,
      reporters: ['default', 'json'],
      outputFile: { json: resolve(projectRoot, 'test-results/vitest.json') },
    },
  });
  return mergeConfig(base, overrides);
}

/**
 * Overrides for the NestJS projects' configs: with NEST_MODULES_DIR set (tools/scripts/node-matrix.sh sets it for
 * its NestJS 12 pass), @nestjs/* and the packages NestJS shares with the app resolve into that directory, both in the
 * code Vitest runs and in the processes the tests spawn (NODE_OPTIONS loads tools/scripts/nest-modules-hook.mjs).
 * Without it, an empty object: the workspace's node_modules.
 * @returns {import('vitest/config').UserConfig}
 */
export function nestModules() {
  const dir = nestModulesDir();
  if (dir === undefined) return {};
  const redirected = redirectedBy(dir);
  const importer = join(dir, 'package.json');
  const hook = pathToFileURL(resolve(import.meta.dirname, 'tools/scripts/nest-modules-hook.mjs')).href;
  return {
    plugins: [
      {
        name: 'aps-ssa:nest-modules',
        enforce: 'pre',
        async resolveId(source, _importer, options) {
          if (!redirected(source)) return null;
          const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
          // No falling back to the workspace's copy: that would run the tests on the wrong NestJS.
          if (resolved === null) this.error(`NEST_MODULES_DIR=${dir}: ${source} is not installed there`);
          return resolved;
        },
      },
    ],
    test: { env: { NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${hook}`].filter(Boolean).join(' ') } },
  };
}
