import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What `app.listen` needs, for Express 4 and 5 alike. */
interface Listening {
  listen(port: number, host: string, callback: () => void): Server;
}

/** Listens on a free loopback port; returns the base URL and a close that drops open connections. */
export async function listen(app: Listening): Promise<{ url: string; close(): Promise<void> }> {
  let server!: Server;
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', resolve);
  });
  return served(server);
}

/** The base URL of a `server` listening on loopback, and a close that drops open connections. */
export function served(server: Server): { url: string; close(): Promise<void> } {
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
