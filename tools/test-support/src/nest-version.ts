import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT_MANIFEST = join(import.meta.dirname, '..', '..', '..', 'package.json');

/**
 * The NestJS major a run must load: EXPECT_NEST_MAJOR (tools/scripts/node-matrix.sh's NestJS 12 pass sets it, with
 * NEST_MODULES_DIR), else the major the root package.json pins (the lockfile's NestJS).
 */
function expectedNestMajor(): string {
  if (process.env.EXPECT_NEST_MAJOR !== undefined) return process.env.EXPECT_NEST_MAJOR;
  const pinned: string = JSON.parse(readFileSync(ROOT_MANIFEST, 'utf8')).devDependencies['@nestjs/core'];
  return pinned.split('.')[0]!;
}

/**
 * A test that proves which NestJS the project's tests ran on: the `@nestjs/core` they import (resolved as their
 * imports are) is the module at the path it names, and its package.json has the expected major. Its title names
 * the version loaded, which tools/scripts/node-matrix.sh reads from the JSON report.
 */
export function itLoadsExpectedNest(): void {
  const entry = import.meta.resolve('@nestjs/core');
  const { version } = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('@nestjs/core/package.json')), 'utf8')) as { version: string };
  const expected = expectedNestMajor();
  it(`loads @nestjs/core ${version} (NestJS ${expected} expected) from ${dirname(fileURLToPath(entry))}`, async () => {
    const imported = await import('@nestjs/core');
    const atEntry = await import(entry);
    expect(atEntry.NestFactory).toBe(imported.NestFactory);
    expect(version.split('.')[0]).toBe(expected);
  });
}
