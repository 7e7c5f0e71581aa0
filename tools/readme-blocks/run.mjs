#!/usr/bin/env node
// Runs the `ts`, `js` and `sh` blocks of the READMEs as a user would paste them: in one scratch project that
// installs the *packed* packages (tools/consumers packs them), each block against a freshly started emulator.
// Markers above a fence (HTML comments, see README.md) say a block is not run, or how it is run.
//
// Usage: node tools/readme-blocks/run.mjs [--file packages/core/README.md]... [--keep]
// Also run by test/readme-blocks.test.ts (`npm test -w tools/readme-blocks`; README_BLOCKS_FILE=... to pick files).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '@aps-ssa/emulator';
import { freePort, installPacked, PEERS, prepare, TYPES } from '../consumers/run.mjs';
import { extractBlocks, readmeFiles } from './blocks.mjs';
import { softHsmFor, softHsmMissing } from './softhsm.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
/** What a block may import besides the packed packages and the consumers' frameworks. */
const EXTRA = ['@nestjs/passport', '@types/koa', 'redis', '@aps_sdk/oss', '@aps_sdk/autodesk-sdkmanager', '@aps_sdk/data-management', '@aps_sdk/model-derivative'];
/** How long one block may run; a server block, how long it has to answer. */
export const BLOCK_TIMEOUT = 60_000;
/** The lines of output a failure shows. */
const TAIL_LINES = 30;

/** The tsconfig the blocks compile with: the minimal one the READMEs show for TypeScript users. */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    strict: true,
    types: ['node'],
    skipLibCheck: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    rootDir: 'src',
    outDir: 'dist',
  },
  include: ['src'],
};

/**
 * How a block is treated, from its markers: `skip` (with the reason) for `needs:` and `not-runnable:`,
 * `install` for a block of `npm install` lines, `serve` (with the path to ask, `sigterm` for `, sigterm` and
 * `apsDown` for `, aps down`) for `run: serve`, else `run`. A continuation without a `run:` marker of its own is run
 * as the block it continues. `run: softhsm2` (`run: softhsm2 token LABEL`) adds `softhsm: { token }`, or is a skip
 * where SoftHSM2 is missing (not under CI=true: there the block fails).
 */
export function planOf(block) {
  const skip = block.markers.find((marker) => marker.kind === 'needs' || marker.kind === 'not-runnable');
  if (skip) return { mode: 'skip', reason: `${skip.kind}: ${skip.value}` };
  const hsm = /^softhsm2(?:\s+token\s+(\S+))?$/.exec(block.markers.find((marker) => marker.kind === 'run' && marker.value.startsWith('softhsm2'))?.value ?? '');
  if (hsm) {
    if (softHsmMissing() && process.env.CI !== 'true') return { mode: 'skip', reason: `run: softhsm2, but ${softHsmMissing()} (CI=true makes this a failure)` };
    return { ...planOf({ ...block, markers: block.markers.filter((marker) => !marker.value.startsWith('softhsm2')) }), softhsm: { token: hsm[1] } };
  }
  const serve = [...block.markers, ...(block.base?.markers ?? [])].find((marker) => marker.kind === 'run' && marker.value.startsWith('serve'));
  if (serve) {
    const [path, ...options] = serve.value.slice('serve'.length).split(',').map((part) => part.trim());
    return { mode: 'serve', path: path || undefined, sigterm: options.includes('sigterm'), apsDown: options.includes('aps down') };
  }
  if (block.lang === 'sh' && installCommands(block.code) !== undefined) return { mode: 'install' };
  return { mode: 'run' };
}

/** The packages an `npm install` block names, or undefined when the block does anything else. */
function installCommands(code) {
  const lines = code.split('\n').map((line) => line.replace(/#.*$/, '').trim()).filter(Boolean);
  if (lines.length === 0 || !lines.every((line) => /^npm (install|i|add)\s/.test(line))) return undefined;
  return lines.flatMap((line) => line.split(/\s+/).slice(2).filter((word) => !word.startsWith('-')));
}

/** The block's id: file and line, the name its test and its files carry. */
export function blockId(block) {
  return `${block.file}:${block.line}`;
}

function slug(block) {
  return `${block.file.replace(/README\.md$/, '').replace(/[^\w]+/g, '-') || 'root-'}${block.line}`;
}

/** The blocks of the selected READMEs (all of them when `files` is empty). */
export function selectBlocks(files = []) {
  const chosen = files.length > 0 ? files.map((file) => relative(ROOT, join(ROOT, file))) : readmeFiles(ROOT);
  for (const file of chosen) if (!existsSync(join(ROOT, file))) throw new Error(`${file}: no such README`);
  return chosen.flatMap((file) => extractBlocks(ROOT, file));
}

/**
 * Packs the packages, installs them into one scratch project and compiles every `ts` block there with `tsc`.
 * Resolves to a session for {@link runBlock}, with `close()`.
 */
export async function prepareBlocks(blocks, { keep = false } = {}) {
  const session = await prepare({ keep });
  try {
    const dir = join(session.workDir, 'readme-blocks');
    mkdirSync(join(dir, 'src'), { recursive: true });
    // What `npm init -y && npm pkg set type=module` makes, which the READMEs ask for.
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'readme-blocks', version: '1.0.0', type: 'module' }, null, 2)}\n`);
    writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
    const install = await installPacked(dir, session.tarballs, [...PEERS, ...TYPES, ...EXTRA]);
    if (!install.ok) throw new Error(`npm install of the packed packages failed:\n${tail(install.output)}`);
    const installed = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies;
    const typescript = blocks.filter((block) => block.lang === 'ts' && planOf(block).mode !== 'skip');
    for (const block of typescript) writeFileSync(join(dir, 'src', `${slug(block)}.ts`), block.program ?? block.code);
    const compile = typescript.length === 0 ? { output: '' } : await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], dir);
    return { ...session, dir, installed, diagnostics: compile.output };
  } catch (error) {
    await session.close();
    throw error;
  }
}

/**
 * Runs one block: resolves to `{ id, mode, ok, ms, reason?, failure? }`. A failure names the block (file:line),
 * the command, how it ended and the tail of its output.
 */
export async function runBlock(block, session) {
  const id = blockId(block);
  const plan = planOf(block);
  const started = Date.now();
  const done = (fields) => ({ id, mode: plan.mode, ms: Date.now() - started, ...fields });
  if (plan.mode === 'skip') return done({ ok: true, reason: plan.reason });
  if (plan.mode === 'install') return done(checkInstall(block, session));
  if (block.continuationError) return done({ ok: false, failure: `${id}: marked \`continues\`, but ${block.continuationError}` });
  const continued = block.base ? ` (with the block it continues, ${blockId(block.base)}, as one program)` : '';

  if (block.lang === 'ts') {
    const errors = session.diagnostics.split('\n').filter((line) => line.startsWith(`src/${slug(block)}.ts(`));
    if (errors.length > 0) return done({ ok: false, failure: `${id}${continued}: tsc reports (tsconfig: ${JSON.stringify(TSCONFIG.compilerOptions)})\n${errors.join('\n')}` });
  }
  const cwd = join(session.dir, 'runs', slug(block));
  mkdirSync(cwd, { recursive: true });
  // The block's directory stands for the project's root, where a user runs it (`node_modules/.bin/...` works).
  if (!existsSync(join(cwd, 'node_modules'))) symlinkSync(join(session.dir, 'node_modules'), join(cwd, 'node_modules'));
  for (const named of session.files?.[block.file] ?? []) copyFileSync(named.path, join(cwd, named.name));
  const [command, args] = commandOf(block, session.dir, cwd);
  if (plan.softhsm && softHsmMissing()) return done({ ok: false, failure: `${id}: needs SoftHSM2, and CI=true forbids skipping it: ${softHsmMissing()}` });
  const emulator = await startEmulator({ port: 0 });
  // `aps down`: every token exchange of the block answers 503, so that what it does without a token shows.
  if (plan.apsDown) emulator.faults.inject({ kind: 'server-error', status: 503, endpoint: 'token', count: 1_000_000 });
  try {
    const port = await freePort();
    const importer = join(session.dir, 'node_modules', '@aps-ssa', 'pkcs11', 'bin', 'aps-ssa-pkcs11.js');
    let hsm;
    try {
      hsm = plan.softhsm && (await softHsmFor(join(cwd, 'softhsm'), { token: plan.softhsm.token, seedEnv: emulator.seed.env, importer, run }));
    } catch (error) {
      return done({ ok: false, failure: `${id}: the SoftHSM2 token it runs with could not be made: ${error.message}` });
    }
    const env = {
      ...emulator.seed.env,
      ...hsm,
      PORT: String(port),
      PATH: `${join(session.dir, 'node_modules', '.bin')}:${process.env.PATH}`,
      ...(session.redisUrl && { REDIS_URL: session.redisUrl }),
    };
    const result = await run(command, args, cwd, env, plan.mode === 'serve' ? { port, path: plan.path, sigterm: plan.sigterm, apsDown: plan.apsDown } : undefined);
    const shown = `${command === process.execPath ? 'node' : command} ${args.map((arg) => (arg.startsWith('/') ? relative(cwd, arg) : arg)).join(' ')}`;
    if (result.ok) return done({ ok: true });
    return done({ ok: false, failure: `${id}${continued}: \`${shown}\` (in ${cwd}) ${result.ending}\n${tail(result.output)}` });
  } finally {
    await emulator.close();
  }
}

/** Saves the blocks marked `<!-- file: NAME -->` so that later blocks of the same README find them in their directory. */
export function saveNamedFiles(blocks, session) {
  session.files = {};
  for (const block of blocks) {
    const name = block.markers.find((marker) => marker.kind === 'file')?.value;
    if (name === undefined) continue;
    const path = join(session.dir, 'named', slug(block), name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, block.code);
    (session.files[block.file] ??= []).push({ name, path });
  }
}

function commandOf(block, dir, cwd) {
  if (block.lang === 'ts') return [process.execPath, [join(dir, 'dist', `${slug(block)}.js`)]];
  const file = join(cwd, block.lang === 'js' ? 'block.mjs' : 'block.sh');
  writeFileSync(file, block.program ?? block.code);
  return block.lang === 'js' ? [process.execPath, [file]] : ['bash', ['-e', '-o', 'pipefail', file]];
}

/**
 * An install block names only packages the scratch project has (ours or pinned), and every package the first
 * example run after it imports (the one a reader pastes next), or that a package it names depends on.
 */
function checkInstall(block, session) {
  const specs = installCommands(block.code).map(parseSpec);
  const named = specs.map((spec) => spec.name);
  const unknown = named.filter((pkg) => !(pkg in session.installed));
  if (unknown.length > 0) return { ok: false, failure: `${blockId(block)}: installs ${unknown.join(', ')}, which is neither an @aps-ssa package nor pinned in the root package.json` };
  const otherVersion = specs.filter(({ name, version }) => version !== undefined && !matchesPin(session.installed[name], version));
  if (otherVersion.length > 0) return { ok: false, failure: `${blockId(block)}: installs ${otherVersion.map(({ name, version }) => `${name}@${version} (the root package.json pins ${session.installed[name]})`).join(', ')}` };
  const imported = new Set();
  const example = extractBlocks(ROOT, block.file).find((other) => other.line > block.line && other.lang !== 'sh' && planOf(other).mode !== 'skip');
  for (const other of example ? [example] : []) {
    for (const [, specifier] of other.code.matchAll(/^\s*import\s[^'"]*?['"]([^'"]+)['"]/gm)) {
      if (specifier.startsWith('node:') || specifier.startsWith('.')) continue;
      imported.add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
    }
  }
  const provided = new Set(named.flatMap((pkg) => [pkg, ...dependenciesOf(session.dir, pkg)]));
  const missing = [...imported].filter((pkg) => !provided.has(pkg));
  if (missing.length > 0) return { ok: false, failure: `${blockId(block)}: \`${block.code.trim()}\` does not install ${missing.join(', ')}, which the example at ${example ? blockId(example) : ''} imports` };
  return { ok: true };
}

/** `name` or `name@version` (`@nestjs/core@11`), as `npm install` reads it. */
function parseSpec(word) {
  const at = word.indexOf('@', 1);
  return at === -1 ? { name: word } : { name: word.slice(0, at), version: word.slice(at + 1) };
}

/** Whether a version an install block asks for (a major such as `11`, or an exact version) is the pinned one's. */
function matchesPin(pinned, version) {
  return pinned === version || pinned.startsWith(`${version}.`);
}

function dependenciesOf(dir, pkg) {
  const manifest = JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8'));
  return Object.keys(manifest.dependencies ?? {});
}

/**
 * Runs a command in its own process group until it exits (ok when it exits 0) or, with `serve`, until
 * `http://127.0.0.1:PORT/path` answers (2xx when a path is given; 503 with `serve.apsDown`), then kills the group
 * (with `serve.sigterm`: sends the command SIGTERM first, and it passes only if it then exits 0). At most BLOCK_TIMEOUT.
 */
function run(command, args, cwd, extraEnv = {}, serve = undefined) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_') && !key.startsWith('APS_')));
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...env, ...extraEnv, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    let settled = false;
    const finish = (ok, ending) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group has already exited.
      }
      resolve({ ok, ending, output });
    };
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    // With `sigterm`, once the server has answered it gets SIGTERM and must exit 0 (close what it opened) by itself.
    let terminated = false;
    const timer = setTimeout(() => finish(false, `did not ${terminated ? 'exit after SIGTERM' : serve ? 'answer' : 'finish'} within ${BLOCK_TIMEOUT / 1000} s (killed)`), BLOCK_TIMEOUT);
    child.on('error', (error) => finish(false, `could not start: ${error.message}`));
    child.on('close', (code, signal) => {
      if (terminated) finish(code === 0, `exited with ${signal ?? code} on SIGTERM`);
      else finish(!serve && code === 0, serve ? `exited (${signal ?? code}) before it answered on PORT` : `exited with ${signal ?? code}`);
    });
    const answered = (ending) => {
      if (!serve.sigterm) return finish(true, ending);
      terminated = true;
      child.kill('SIGTERM');
    };
    if (serve) poll(serve, () => settled || terminated, answered, finish);
  });
}

async function poll({ port, path, apsDown }, stopped, answered, finish) {
  const url = `http://127.0.0.1:${port}${path ?? '/'}`;
  while (!stopped()) {
    try {
      // With APS down, a request waits for the provider's retries (20 s by default) before it is answered.
      const response = await fetch(url, { signal: AbortSignal.timeout(apsDown ? BLOCK_TIMEOUT : 10_000) });
      const body = await response.text();
      if (path === undefined || (apsDown ? response.status === 503 : response.ok)) return answered(`answered ${response.status}`);
      return finish(false, `answered GET ${path ?? '/'} with ${response.status}${apsDown ? ' (APS down: 503 expected)' : ''}: ${body.slice(0, 500)}`);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function tail(output) {
  const lines = output.trimEnd().split('\n');
  return lines.slice(-TAIL_LINES).map((line) => `  | ${line}`).join('\n');
}

/** The one line the harness ends with: run, marked, failed, and per README. */
export function summarize(results) {
  const byFile = new Map();
  for (const result of results) {
    const file = result.id.slice(0, result.id.lastIndexOf(':'));
    const counts = byFile.get(file) ?? { run: 0, marked: 0, failed: 0 };
    if (result.mode === 'skip') counts.marked++;
    else counts.run++;
    if (!result.ok) counts.failed++;
    byFile.set(file, counts);
  }
  const run = results.filter((result) => result.mode !== 'skip').length;
  const failed = results.filter((result) => !result.ok).length;
  const lines = [...byFile].map(([file, counts]) => `  ${file}: ${counts.run} run, ${counts.marked} marked${counts.failed ? `, ${counts.failed} FAILED` : ''}`);
  return `${lines.join('\n')}\nREADME blocks: ${run} run, ${results.length - run} marked (not run here), ${failed} failed`;
}

async function main() {
  const started = Date.now();
  const argv = process.argv.slice(2);
  const files = argv.flatMap((arg, index) => (argv[index - 1] === '--file' ? [arg] : []));
  const blocks = selectBlocks(files);
  const session = await prepareBlocks(blocks, { keep: argv.includes('--keep') });
  saveNamedFiles(blocks, session);
  const results = [];
  try {
    for (const block of blocks) {
      const result = await runBlock(block, session);
      console.log(`  ${result.ok ? (result.mode === 'skip' ? 'marked' : 'ok    ') : 'FAIL  '} ${result.id} (${result.mode}${result.reason ? `, ${result.reason}` : ''}) ${(result.ms / 1000).toFixed(1)}s`);
      results.push(result);
    }
  } finally {
    await session.close();
  }
  for (const result of results) if (!result.ok) console.log(`\n${result.failure}`);
  console.log(summarize(results));
  console.log(`readme blocks took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exitCode = results.every((result) => result.ok) ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
