#!/usr/bin/env node
// Proves that the packages work the way users install them: builds and `npm pack`s every publishable
// package, installs the tarballs (with their peers, at the versions the workspace pins) into throwaway
// copies of the ESM, CommonJS and TypeScript projects beside this file, then compiles and runs them.
// Each project does real work against the packed emulator. Prints a summary; exits 1 on any failure.
//
// Usage: node tools/consumers/run.mjs [--keep]   (--keep leaves the temporary directory for inspection)
// Also run by test/consumers.test.ts (`npm test -w tools/consumers`).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const HERE = import.meta.dirname;
const ROOT = join(HERE, '..', '..');
const ROOT_MANIFEST = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** The publishable packages, by directory under packages/. */
export const PACKAGES = ['core', 'emulator', 'express-middleware', 'nestjs-module', 'passport-strategy', 'fastify', 'hono', 'koa', 'aps-sdk', 'redis-store', 'cli', 'pkcs11', 'opentelemetry', 'undici', 'axios'];

// Frameworks a user installs beside our packages (their peers); versions come from the root devDependencies.
export const PEERS = ['express', '@nestjs/common', '@nestjs/core', '@nestjs/platform-express', 'reflect-metadata', 'rxjs', 'passport', 'fastify', 'hono', '@hono/node-server', 'koa', 'ioredis', '@opentelemetry/api', 'undici', 'axios'];
export const TYPES = ['typescript', '@types/node', '@types/express', '@types/passport'];
const NODE = process.execPath;

/** The consumer projects: their template directory here, what they install besides the tarballs, their steps. */
export const PROJECTS = {
  esm: { extra: PEERS, steps: [{ name: 'run', args: ['index.js'] }] },
  cjs: { extra: PEERS, steps: [{ name: 'run', args: ['index.js'] }] },
  typescript: {
    extra: [...PEERS, ...TYPES],
    steps: [
      { name: 'compile', args: ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'] },
      { name: 'run', args: ['dist/index.js'] },
    ],
  },
};

const STEP_TIMEOUT = 5 * 60_000;

/**
 * Builds and packs the packages into a new temporary directory and starts a throwaway redis-server
 * when there is one. Resolves to what {@link runConsumer} needs, and `close()`.
 */
export async function prepare({ keep = false } = {}) {
  const workDir = mkdtempSync(join(tmpdir(), 'aps-ssa-consumers-'));
  const removeWorkDir = () => keep || rmSync(workDir, { recursive: true, force: true });
  try {
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const build = await run('build', NODE, [tsc, '-b', ...PACKAGES.map((dir) => join(ROOT, 'packages', dir))], ROOT);
    if (!build.ok) throw new Error(`tsc -b of the packages failed:\n${build.output}`);
    const tarballDir = join(workDir, 'tarballs');
    mkdirSync(tarballDir);
    const workspaces = PACKAGES.flatMap((dir) => ['-w', `packages/${dir}`]);
    const pack = await run('pack', 'npm', ['pack', '--json', '--pack-destination', tarballDir, ...workspaces], ROOT);
    if (!pack.ok) throw new Error(`npm pack failed:\n${pack.output}`);
    const packed = JSON.parse(pack.stdout);
    const redis = await startRedis();
    return {
      workDir,
      tarballs: Object.fromEntries(packed.map((entry) => [entry.name, join(tarballDir, entry.filename)])),
      packed: packed.map((entry) => `${entry.name}@${entry.version} (${entry.entryCount} files)`),
      redisUrl: redis?.url,
      async close() {
        redis?.stop();
        removeWorkDir();
      },
    };
  } catch (error) {
    removeWorkDir();
    throw error;
  }
}

/** Copies, installs, then compiles and runs one consumer project. Resolves to `{ name, ok, steps, failure? }`. */
export async function runConsumer(name, { workDir, tarballs, redisUrl }) {
  const project = PROJECTS[name];
  const dir = join(workDir, name);
  cpSync(join(HERE, name), dir, { recursive: true, filter: (path) => !['node_modules', 'dist'].includes(basename(path)) });
  const steps = [];
  const install = await installPacked(dir, tarballs, project.extra);
  steps.push(install);
  for (const step of install.ok ? project.steps : []) {
    const result = await run(step.name, NODE, step.args, dir, redisUrl === undefined ? {} : { REDIS_URL: redisUrl });
    steps.push(result);
    if (!result.ok) break;
  }
  const failed = steps.find((step) => !step.ok);
  return { name, ok: failed === undefined, steps, ...(failed && { failure: `${name}: ${failed.name} failed\n${failed.output}` }) };
}

/**
 * Installs the tarballs and `extra` (at the versions the root package.json pins) into the project in `dir`,
 * whose package.json exists. Resolves to the install step's result.
 */
export async function installPacked(dir, tarballs, extra) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const ours = Object.fromEntries(Object.entries(tarballs).map(([pkg, file]) => [pkg, `file:${file}`]));
  manifest.dependencies = { ...ours, ...Object.fromEntries(extra.map((pkg) => [pkg, pinned(pkg)])) };
  // The packages depend on each other by version (e.g. "@aps-ssa/core": "0.1.0"): point those at the tarballs
  // too, so that nothing is looked up in the registry under our names.
  manifest.overrides = ours;
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return run('install', 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], dir);
}

function pinned(pkg) {
  const version = ROOT_MANIFEST.devDependencies?.[pkg];
  if (version === undefined) throw new Error(`${pkg} is not pinned in the root package.json devDependencies`);
  return version;
}

/** Runs a command to completion (at most STEP_TIMEOUT), capturing its output. */
function run(name, command, args, cwd, extraEnv = {}) {
  // npm passes its own configuration to scripts as npm_* variables: the projects must not inherit the workspace's.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...env, ...extraEnv, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      output += `\n(killed after ${STEP_TIMEOUT / 1000} s)`;
      child.kill('SIGKILL');
    }, STEP_TIMEOUT);
    child.on('error', (error) => {
      output += String(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ name, ok: code === 0, ms: Date.now() - started, stdout, output });
    });
  });
}

/** A redis-server on a free loopback port, if the machine has one (the ESM project then uses @aps-ssa/redis-store for real). */
async function startRedis() {
  if (spawnSync('redis-server', ['--version']).status !== 0) return undefined;
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 50; attempt++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG') {
      return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill() };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  return undefined;
}

/** A free loopback TCP port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function main() {
  const started = Date.now();
  const session = await prepare({ keep: process.argv.includes('--keep') });
  let results;
  try {
    console.log(`packed: ${session.packed.join(', ')}`);
    console.log(`redis-store: ${session.redisUrl === undefined ? 'imported only (no redis-server on this machine)' : 'used against a throwaway redis-server'}`);
    results = await Promise.all(Object.keys(PROJECTS).map((name) => runConsumer(name, session)));
  } finally {
    await session.close();
  }
  for (const result of results) {
    const timings = result.steps.map((step) => `${step.name} ${(step.ms / 1000).toFixed(1)}s${step.ok ? '' : ' FAILED'}`).join(', ');
    console.log(`  ${result.ok ? 'ok' : 'FAIL'}  ${result.name.padEnd(10)} ${timings}`);
  }
  for (const result of results) if (!result.ok) console.log(`\n${result.failure}`);
  if (process.argv.includes('--keep')) console.log(`kept: ${session.workDir}`);
  const failed = results.filter((result) => !result.ok).length;
  console.log(`consumers took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
