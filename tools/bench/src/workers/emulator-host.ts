// The emulator in a process of its own, so that its work (verifying assertions, signing tokens)
// does not run on the event loop whose latency is being measured. argv[2]: the emulator's options as JSON.
import { startEmulator } from '@aps-ssa/emulator';
import { serveCommands } from './commands.js';

const emulator = await startEmulator(JSON.parse(process.argv[2] ?? '{}'));

serveCommands(
  {
    setTokenLifetime: ({ seconds }: { seconds: number }) => emulator.setTokenLifetime(seconds),
  },
  // A spread copies the real values: the seed hides its secrets only from JSON and inspect.
  { url: emulator.url, env: { ...emulator.seed.env } },
  () => emulator.close(),
);
