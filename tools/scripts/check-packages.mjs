#!/usr/bin/env node
// Checks every publishable package (packages/*, not "private") the way a user receives it: packs it
// with npm, then checks the manifest, the tarball's contents, publint and Are The Types Wrong, that
// `npm publish --dry-run` accepts it, and that its README says how to install it (from npm, and from
// the packed tarball until it is published).
// Needs the builds (`npm run build`, or `npm test`, which builds). Prints a summary; exits 1 on any failure.
//
//   node tools/scripts/check-packages.mjs [package-dir-name...]
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const attwBin = join(root, 'node_modules', '.bin', 'attw');

// attw judges with TypeScript 5.6, which predates require(esm). Our packages are ESM-only and declare
// `engines.node >= 20.19`, where `require()` of an ES module works unflagged, and TypeScript >= 5.8 with
// `module: nodenext` types such a require too. So "CJSResolvesToESM" (a require() resolving to ESM) is
// the intended shape, not a fault. Every other rule, node10 resolution included, stays on.
const ATTW_IGNORED = { 'cjs-resolves-to-esm': 'CJSResolvesToESM' };

// Files that must never be published: tests and their output, sources and build state, secrets.
const FORBIDDEN = [
  [/(^|\/)[^/]*\.(test|spec|test-d)\.(d\.)?[cm]?[jt]sx?(\.map)?$/, 'a test file'],
  [/\.tsbuildinfo$/, 'TypeScript build state'],
  [/^(src|test|tests|test-results|coverage|node_modules)\//, 'a source, test or dependency folder'],
  [/(^|\/)(tsconfig[^/]*\.json|vitest\.config\.[cm]?[jt]s)$/, 'a build or test config'],
  [/(^|\/)\.env(\.|$)/, 'an env file'],
  [/\.(pem|key|p8|p12|pfx|der|jwk)$/i, 'a key file'],
  [/(^|\/)\.aps-emulator\//, 'emulator state'],
];
// A PEM private key body (not a mention of the BEGIN line in docs or code).
const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----\s*(\\n|\n|\r\n)?\s*[A-Za-z0-9+/]{40}/;

const only = process.argv.slice(2);
const packages = readdirSync(join(root, 'packages'))
  .filter((name) => existsSync(join(root, 'packages', name, 'package.json')))
  .filter((name) => only.length === 0 || only.includes(name))
  .map((name) => ({ name, dir: join(root, 'packages', name), manifest: JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) }))
  .filter((pkg) => pkg.manifest.private !== true);

if (packages.length === 0) {
  console.error('check-packages: no publishable package found.');
  process.exit(1);
}

const workDir = mkdtempSync(join(tmpdir(), 'aps-ssa-pack-'));
const results = [];
try {
  // Two at a time: attw and npm pack are CPU-bound, and CI has two cores.
  for (let i = 0; i < packages.length; i += 2) results.push(...(await Promise.all(packages.slice(i, i + 2).map(checkPackage))));
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

let failed = 0;
console.log('\nPackage checks');
for (const { name, checks } of results) {
  const bad = checks.filter((c) => c.level === 'fail');
  failed += bad.length;
  console.log(`\n${bad.length === 0 ? 'ok  ' : 'FAIL'} ${name}`);
  for (const check of checks) {
    const mark = check.level === 'fail' ? '  x' : check.level === 'warn' ? '  !' : '  -';
    if (check.level !== 'pass' || process.env.CHECK_PACKAGES_VERBOSE) console.log(`${mark} ${check.name}${check.detail ? `: ${check.detail}` : ''}`);
  }
  console.log(`    ${checks.filter((c) => c.level === 'pass').length} checks passed`);
}
console.log(`\n${results.length} packages, ${failed} failed check(s)`);
process.exit(failed > 0 ? 1 : 0);

async function checkPackage(pkg) {
  const checks = [];
  const check = (name, ok, detail = '', level = 'fail') => checks.push({ name, level: ok ? 'pass' : level, detail: ok ? '' : detail });
  const { manifest, dir } = pkg;
  const label = manifest.name ?? pkg.name;

  const entryFiles = entryPoints(manifest);
  const missingBuild = entryFiles.filter((file) => !existsSync(join(dir, file)));
  check('built', missingBuild.length === 0, `missing ${missingBuild.join(', ')}: run \`npm run build\` first`);
  checkManifest(manifest, dir, check);
  if (missingBuild.length > 0) return { name: label, checks };

  let tarball;
  let files;
  try {
    const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    const [packed] = JSON.parse(stdout);
    tarball = join(workDir, packed.filename);
    files = packed.files.map((f) => f.path);
  } catch (err) {
    check('npm pack', false, String(err.stderr || err.message).trim().split('\n').slice(-3).join(' '));
    return { name: label, checks };
  }
  checkContents(files, entryFiles, dir, check);
  checkInstallDocs(manifest, dir, basename(tarball), check);

  try {
    // Scoped packages are private on npm unless published with public access.
    const { stdout, stderr } = await run('npm', ['publish', '--dry-run', '--ignore-scripts', '--access', 'public'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    const published = `+ ${manifest.name}@${manifest.version}`;
    check('npm publish --dry-run', `${stdout}\n${stderr}`.includes(published), `npm did not report "${published}"`);
  } catch (err) {
    check('npm publish --dry-run', false, String(err.stderr || err.message).trim().split('\n').slice(-3).join(' '));
  }

  // publint packs again itself: that way it also sees files that exist but are not published.
  const { messages } = await publint({ pkgDir: dir, pack: 'npm', strict: true, level: 'suggestion' });
  for (const type of ['error', 'warning', 'suggestion']) {
    const found = messages.filter((m) => m.type === type).map((m) => formatMessage(m, manifest, { color: false }) ?? m.code);
    check(`publint ${type}s`, found.length === 0, found.join(' | '), type === 'suggestion' ? 'warn' : 'fail');
  }

  const ignored = Object.keys(ATTW_IGNORED);
  try {
    await run(attwBin, [tarball, '--format', 'json', '--ignore-rules', ...ignored], { maxBuffer: 64 * 1024 * 1024 });
    check('attw (types resolve for node10, node16 ESM/CJS, bundler)', true);
  } catch (err) {
    let detail = String(err.stderr || err.message).trim();
    try {
      const kinds = new Set(Object.values(ATTW_IGNORED));
      const problems = Object.values(JSON.parse(err.stdout).problems ?? {}).flat().filter((p) => !kinds.has(p.kind));
      detail = problems.map((p) => `${p.kind} (${p.entrypoint ?? ''} ${p.resolutionKind ?? ''})`.trim()).join(', ') || detail;
    } catch {
      // Not JSON: keep attw's own words.
    }
    check('attw (types resolve for node10, node16 ESM/CJS, bundler)', false, detail);
  }
  return { name: label, checks };
}

function checkManifest(manifest, dir, check) {
  check('"type": "module"', manifest.type === 'module', `is ${JSON.stringify(manifest.type)}`);
  check('engines.node', typeof manifest.engines?.node === 'string', 'missing: say which Node.js versions are supported');
  check('license', typeof manifest.license === 'string' && manifest.license !== '' && manifest.license !== 'UNLICENSED', 'missing "license" (an SPDX id, e.g. "MIT")');
  check('LICENSE file', readdirSync(dir).some((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f)), 'no LICENSE file in the package folder: npm publishes only what is in it (copy the root LICENSE)');
  check('README', readdirSync(dir).some((f) => /^readme\.md$/i.test(f)), 'no README.md in the package folder');
  check('files whitelist', Array.isArray(manifest.files) && manifest.files.includes('dist'), `"files" must list "dist" (is ${JSON.stringify(manifest.files)})`);
  for (const field of ['dependencies', 'peerDependencies']) {
    const pinned = Object.entries(manifest[field] ?? {}).filter(([, spec]) => /^v?\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec));
    check(`${field} are ranges`, pinned.length === 0, `${pinned.map(([name, spec]) => `${name}@${spec}`).join(', ')} pinned exactly: users get duplicate copies; declare a caret range (^x.y.z) and let the lockfile pin`);
  }
  // A `register` entry (`node --import <pkg>/register`) exists for its side effect, and may be the only one listed.
  const registersOnly = Array.isArray(manifest.sideEffects) && manifest.sideEffects.every((f) => /\/register\.js$/.test(f));
  check('sideEffects: false', manifest.sideEffects === false || registersOnly, `is ${JSON.stringify(manifest.sideEffects)}: importing an entry point must not do anything, so declare "sideEffects": false (or list only register.js files)`);
  const root = manifest.exports?.['.'];
  check('exports["."]', typeof root === 'object' && root !== null, `"exports" must map "." to conditions (is ${JSON.stringify(manifest.exports)})`);
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (typeof target !== 'object' || target === null) continue;
    const keys = Object.keys(target);
    check(`exports["${subpath}"]: types first, default last`, keys[0] === 'types' && keys.at(-1) === 'default', `condition order is ${keys.join(', ')}`);
  }
  for (const [name, file] of Object.entries(binsOf(manifest))) {
    const path = join(dir, file);
    check(`bin ${name} has a node shebang`, existsSync(path) && /^#!.*\bnode\b/.test(readFileSync(path, 'utf8')), `${file} does not start with a #! line running node`);
  }
}

function checkContents(files, entryFiles, dir, check) {
  for (const [pattern, what] of FORBIDDEN) {
    const found = files.filter((file) => pattern.test(file));
    check(`no ${what} in the tarball`, found.length === 0, found.slice(0, 5).join(', ') + (found.length > 5 ? ` (+${found.length - 5})` : ''));
  }
  const required = ['package.json', ...entryFiles.map((f) => f.replace(/^\.\//, ''))];
  const missing = required.filter((file) => !files.includes(file));
  check('entry points, bins and package.json in the tarball', missing.length === 0, `missing ${missing.join(', ')}`);
  check('README in the tarball', files.some((f) => /^readme\.md$/i.test(f)), 'README.md is not published');
  check('LICENSE in the tarball', files.some((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f)), 'no LICENSE file is published');
  check('dist in the tarball', files.some((f) => f.startsWith('dist/')), 'nothing from dist/ is published');
  const withKeys = files.filter((file) => PRIVATE_KEY_BLOCK.test(readFileSync(join(dir, file), 'latin1')));
  check('no private key in any published file', withKeys.length === 0, withKeys.join(', '));
  // Source maps point at ../src, which is not published: they resolve to nothing for users.
  const maps = files.filter((file) => file.endsWith('.map'));
  check('no source maps without their sources', maps.length === 0 || files.some((f) => f.startsWith('src/')), `${maps.length} .map files point at src/, which is not published (add "!dist/**/*.map" to "files", or publish src/)`, 'warn');
}

/** The README's install section: `npm install <name>` from npm and, until it is published, `npm pack` and the tarball. */
function checkInstallDocs(manifest, dir, tarballName, check) {
  const readme = readdirSync(dir).find((f) => /^readme\.md$/i.test(f));
  const text = readme === undefined ? '' : readFileSync(join(dir, readme), 'utf8');
  const installs = text.split('\n').some((line) => line.startsWith('npm install ') && line.split(/\s+/).includes(manifest.name));
  check('README: install from npm', installs, `README.md has no \`npm install ${manifest.name}\` line`);
  // The tarball's name without its version, which `nx release` changes.
  const tarball = tarballName.slice(0, tarballName.length - `${manifest.version}.tgz`.length);
  check(
    'README: install from the packed tarball',
    text.includes('npm pack') && new RegExp(`/${tarball.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^/\\s]+\\.tgz`).test(text),
    `README.md does not show \`npm pack\` and installing its ${tarballName} (until the package is on npm)`,
  );
}

/** Every file the manifest points at: main, types, each export target, each bin. */
function entryPoints(manifest) {
  const targets = new Set();
  const walk = (value) => {
    if (typeof value === 'string') targets.add(value);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) walk(v);
  };
  walk(manifest.exports);
  for (const field of ['main', 'types', 'module']) if (typeof manifest[field] === 'string') targets.add(manifest[field]);
  for (const file of Object.values(binsOf(manifest))) targets.add(file);
  return [...targets].filter((t) => !t.includes('*')).map((t) => t.replace(/^\.\//, ''));
}

function binsOf(manifest) {
  if (typeof manifest.bin === 'string') return { [manifest.name]: manifest.bin };
  return manifest.bin ?? {};
}
