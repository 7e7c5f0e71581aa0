import { PROGRAM } from '../command.js';
import type { CliIo } from '../io.js';

export const EMULATOR_SUMMARY = 'run a local APS authentication emulator (same flags as aps-emulator)';

/**
 * `aps-ssa emulator`: the emulator's own command line (`runEmulatorCli`), same flags as `aps-emulator`. Its
 * `--write-env PATH` writes the seeded variables, and refuses to replace a file the emulator did not write.
 * `--env-file` keeps the one meaning it has in every other command and in Node.js (read a file), so the emulator
 * refuses it and names `--write-env` instead.
 */
export async function runEmulatorCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const command = `${PROGRAM} emulator`;
  // Loaded on demand: the other commands start faster without the emulator's modules.
  const { runEmulatorCli } = await import('@aps-ssa/emulator');
  return runEmulatorCli(argv, {
    stdout: io.stdout,
    stderr: io.stderr,
    programName: command,
    ...(io.signal === undefined ? {} : { signal: io.signal }),
  });
}
