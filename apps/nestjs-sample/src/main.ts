import { Logger } from '@nestjs/common';
import { devCredentials } from '@aps-ssa/emulator';
import { createApp } from './app.js';

const DEFAULT_PORT = 3002;
const logger = new Logger('Bootstrap');

// No APS_* variables set: run against the APS emulator, started in this process (it ends with it).
const { env } = await devCredentials({ log: (line) => logger.log(line) });
const app = await createApp({ env });
// SIGINT/SIGTERM: stop taking requests, then close the token provider (SsaModule does it on shutdown).
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT || DEFAULT_PORT));
logger.log(`Listening on ${await app.getUrl()}: try /me, /whoami and /healthz`);
