import { pkcs11Main } from './pkcs11-cli.js';

process.exitCode = await pkcs11Main(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`), (line) => process.stderr.write(`${line}\n`));
