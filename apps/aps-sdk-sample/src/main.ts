import { devCredentials } from '@aps-ssa/emulator';
import { runSample } from './sample.js';

// With no APS_* variables set, this starts the APS emulator in this process (and says so);
// otherwise it returns the environment as it is, and the sample talks to APS.
const dev = await devCredentials();
try {
  const { created, buckets, hubs } = await runSample({ env: dev.env });
  console.log(`created bucket ${created}`);
  console.log(`buckets: ${buckets.join(', ')}`);
  console.log(`hubs: ${hubs.length === 0 ? '(none)' : hubs.join(', ')}`);
} finally {
  await dev.close();
}
