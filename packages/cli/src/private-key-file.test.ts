import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrivateKeyFile } from './private-key-file.js';

// The durability order is observed on the real system calls of a real process (strace), not on a mocked fs.
const STRACE = spawnSync('strace', ['-V']).status === 0;
const BUILT = new URL('../dist/private-key-file.js', import.meta.url).href;

/** The key file's steps, in the order the process made them: `strace` lines reduced to what matters. */
function durabilitySteps(trace: string, dir: string): string[] {
  const steps: string[] = [];
  let temporary: string | undefined;
  let directory: string | undefined;
  for (const line of trace.split('\n')) {
    const call = line.replace(/^\d+\s+/, '');
    const opened = /^openat\(AT_FDCWD, "([^"]+)", .*\) = (\d+)$/.exec(call);
    if (opened?.[1]?.startsWith(`${dir}/.key.pem.`)) [temporary, steps[steps.length]] = [opened[2], 'create temporary'];
    else if (opened?.[1] === dir) [directory, steps[steps.length]] = [opened[2], 'open directory'];
    const fd = /^(fsync|fdatasync|close)\((\d+)\)/.exec(call);
    if (fd !== null) {
      const which = fd[2] === temporary ? 'temporary' : fd[2] === directory ? 'directory' : undefined;
      if (which !== undefined && fd[1] !== 'close') steps.push(`fsync ${which}`);
      if (which === 'temporary' && fd[1] === 'close') temporary = undefined;
      if (which === 'directory' && fd[1] === 'close') directory = undefined;
    }
    const named = /^(link|linkat|rename|renameat2?)\(.*"([^"]+)"(, \w+)?\) = 0$/.exec(call);
    if (named?.[2] === `${dir}/key.pem`) steps.push(named[1]!.startsWith('link') ? 'link' : 'rename');
  }
  return steps;
}

describe('PrivateKeyFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aps-ssa-keyfile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the key with mode 0600 and leaves nothing else behind', async () => {
    const file = await PrivateKeyFile.reserve(join(dir, 'key.pem'), false);
    await file.write('PEM');
    expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe('PEM');
    expect(statSync(join(dir, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['key.pem']);
  });

  it('refuses an existing file before any key is created, unless forced', async () => {
    writeFileSync(join(dir, 'key.pem'), 'OLD');
    await expect(PrivateKeyFile.reserve(join(dir, 'key.pem'), false)).rejects.toMatchObject({
      code: 'ERR_CLI_OUT_FILE',
      message: `${join(dir, 'key.pem')} already exists and may hold another key; choose another --out path, or add --force to replace it.`,
    });
    const forced = await PrivateKeyFile.reserve(join(dir, 'key.pem'), true);
    expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe('OLD');
    await forced.write('NEW');
    expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe('NEW');
  });

  it('does not clobber a file that appeared after the reservation', async () => {
    const file = await PrivateKeyFile.reserve(join(dir, 'key.pem'), false);
    writeFileSync(join(dir, 'key.pem'), 'OTHER');
    await expect(file.write('PEM')).rejects.toMatchObject({ code: 'ERR_CLI_OUT_FILE', message: `Cannot write the private key file ${join(dir, 'key.pem')} (EEXIST).` });
    expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe('OTHER');
    expect(readdirSync(dir)).toEqual(['key.pem']);
  });

  it('names an unwritable place, and discard() leaves nothing behind', async () => {
    await expect(PrivateKeyFile.reserve(join(dir, 'missing', 'key.pem'), false)).rejects.toMatchObject({
      code: 'ERR_CLI_OUT_FILE',
      message: `Cannot write the private key file ${join(dir, 'missing', 'key.pem')} (ENOENT).`,
    });
    const file = await PrivateKeyFile.reserve(join(dir, 'key.pem'), false);
    await file.discard();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves neither a partial key nor the temporary file when moving it into place fails', async () => {
    mkdirSync(join(dir, 'key.pem'));
    writeFileSync(join(dir, 'key.pem', 'inside'), 'x');
    const file = await PrivateKeyFile.reserve(join(dir, 'key.pem'), true);
    await expect(file.write('PEM')).rejects.toMatchObject({ code: 'ERR_CLI_OUT_FILE' });
    expect(readdirSync(dir)).toEqual(['key.pem']);
    expect(readdirSync(join(dir, 'key.pem'))).toEqual(['inside']);
  });

  it.skipIf(!STRACE).each([
    ['link', ''],
    ['rename', 'force'],
  ])('flushes the key to disk before its name points at it (%s), then flushes the directory (observed with strace)', (move, force) => {
    const script = `const { PrivateKeyFile } = await import(${JSON.stringify(BUILT)});
      const file = await PrivateKeyFile.reserve(process.argv[1] + '/key.pem', process.argv[2] === 'force');
      await file.write('PEM');`;
    const output = `${dir}.trace`;
    const calls = 'trace=openat,fsync,fdatasync,close,link,linkat,rename,renameat,renameat2';
    const traced = spawnSync('strace', ['-f', '-qq', '-e', calls, '-o', output, process.execPath, '--input-type=module', '-e', script, dir, force], {
      encoding: 'utf8',
    });
    expect(traced.status, traced.stderr).toBe(0);
    const trace = readFileSync(output, 'utf8');
    rmSync(output);
    expect(durabilitySteps(trace, dir)).toEqual(['create temporary', 'fsync temporary', move, 'open directory', 'fsync directory']);
    expect(readFileSync(join(dir, 'key.pem'), 'utf8')).toBe('PEM');
    expect(readdirSync(dir)).toEqual(['key.pem']);
  });
});
