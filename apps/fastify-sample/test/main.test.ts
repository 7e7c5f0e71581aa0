import { fileURLToPath } from 'node:url';
import { describeSampleMain } from '@aps-ssa/test-support';

describeSampleMain(fileURLToPath(new URL('../dist/main.js', import.meta.url)));
