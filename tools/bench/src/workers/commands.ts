/** The worker side of `worker-process.ts`: answers the parent's commands, and exits when it disconnects. */
export type Commands = Record<string, (args: never) => unknown>;

export function serveCommands(commands: Commands, ready: unknown, onDisconnect: () => Promise<void> | void = () => undefined): void {
  process.on('message', async ({ id, command, args }: { id: number; command: string; args: object }) => {
    try {
      const handler = commands[command];
      if (handler === undefined) throw new Error(`Unknown command ${command}.`);
      process.send?.({ type: 'reply', id, result: await handler(args as never) });
    } catch (error) {
      process.send?.({ type: 'reply', id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  });
  process.on('disconnect', () => {
    void Promise.resolve(onDisconnect()).finally(() => process.exit(0));
  });
  process.send?.({ type: 'ready', result: ready });
}

