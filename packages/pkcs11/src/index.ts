export { openPkcs11Signer } from './pkcs11-signer.js';
export type { Pkcs11Signer, Pkcs11SignerOptions } from './pkcs11-signer.js';
export { importKeyToToken } from './import-key.js';
export type { ImportKeyOptions } from './import-key.js';
export { moveKeyFileToToken } from './move-key-file.js';
export type { MoveKeyFileOptions } from './move-key-file.js';
export type { TokenOptions } from './pkcs11-session.js';
export { readTokenPin, PIN_VARIABLE, PIN_FILE_VARIABLE } from './token-pin.js';
export type { TokenPinSource } from './token-pin.js';
