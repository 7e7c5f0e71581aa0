import { diagnoseAssertion } from '@aps-ssa/core';
import type { AssertionIssue } from '@aps-ssa/core';
import { APS_TOKEN_AUDIENCE } from '@aps-ssa/core/adapter';
import { CliError } from '../cli-error.js';
import type { CommandSpec } from '../command.js';
import { formatIso, formatRelative } from '../human-time.js';
import type { CliIo } from '../io.js';
import { table, writeJson, writeLines } from '../output.js';

const TIME_CLAIMS = ['exp', 'iat', 'nbf', 'auth_time'] as const;

/** A JWT's decoded parts (signature not verified) and the SSA-assertion issues core sees in it. */
interface DecodedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly signatureBytes: number;
  /** Meaningful only for an SSA assertion (whose `aud` is the APS token URL). */
  readonly issues: readonly AssertionIssue[];
}

export const decodeCommand: CommandSpec = {
  name: 'decode',
  summary: 'show the header and claims of a JWT (assertion or access token)',
  description:
    'Decodes a JWT without verifying its signature and shows its header and claims, with exp, iat and nbf in\n' +
    'ISO time and relative to now. When it is an SSA assertion (aud is the APS token URL), also lists which\n' +
    'documented causes of "The \'assertion\' is invalid." it shows; with APS_CLIENT_ID set, iss is checked\n' +
    'against it too. Give - to read the JWT from stdin (a leading "Bearer " is ignored).',
  arguments: [{ name: 'JWT', description: 'the JWT, or - to read it from stdin' }],
  examples: [
    'aps-ssa decode eyJraWQiOi...',
    'aps-ssa assertion --env-file .env | aps-ssa decode -',
    'aps-ssa token --env-file .env | aps-ssa decode - --json',
  ],
  async run(context) {
    const { io } = context;
    const input = context.args[0] === '-' ? await readStdin(io) : (context.args[0] ?? '');
    const text = input.trim().replace(/^Bearer\s+/i, '');
    const clientId = context.env.APS_CLIENT_ID;
    const { header, claims, issues } = diagnoseAssertion(text, { now: io.now, ...(clientId ? { clientId } : {}) });
    if (header === undefined || claims === undefined) {
      throw new CliError(
        'ERR_CLI_NOT_A_JWT',
        'The input is not a JWT: it needs three base64url parts (header.claims.signature), the first two JSON objects.',
      );
    }
    const decoded: DecodedJwt = { header, claims, signatureBytes: Buffer.from(text.split('.')[2] ?? '', 'base64url').length, issues };
    const now = io.now();
    const assertion = isSsaAssertion(decoded.claims);
    const times = Object.fromEntries(
      TIME_CLAIMS.flatMap((name) => {
        const value = decoded.claims[name];
        return typeof value === 'number' ? [[name, { iso: formatIso(value * 1000), relative: relativeTime(name, value, now) }]] : [];
      }),
    );
    if (context.json) {
      writeJson(io, {
        header: decoded.header,
        claims: decoded.claims,
        times,
        signatureBytes: decoded.signatureBytes,
        ssaAssertion: assertion,
        ...(assertion ? { issues: decoded.issues } : {}),
      });
    } else {
      writeLines(io, humanLines(decoded, times, assertion));
    }
    return 0;
  },
};

function isSsaAssertion(claims: Readonly<Record<string, unknown>>): boolean {
  const { aud } = claims;
  return aud === APS_TOKEN_AUDIENCE || (Array.isArray(aud) && aud.includes(APS_TOKEN_AUDIENCE));
}

function relativeTime(name: string, seconds: number, now: number): string {
  return formatRelative(seconds * 1000, now, name === 'exp' ? 'expired' : undefined);
}

function humanLines(decoded: DecodedJwt, times: Record<string, { iso: string; relative: string }>, assertion: boolean): string[] {
  const rows = (record: Readonly<Record<string, unknown>>) =>
    table(
      Object.entries(record).map(([name, value]) => {
        const time = times[name];
        return [name, `${JSON.stringify(value)}${time === undefined ? '' : `  ${time.iso} (${time.relative})`}`] as const;
      }),
    );
  const lines = ['Header', rows(decoded.header), '', 'Claims', rows(decoded.claims), ''];
  lines.push(`Signature: ${decoded.signatureBytes} bytes, not verified`);
  if (assertion) {
    lines.push('', `SSA assertion checks (the causes of "The 'assertion' is invalid." visible locally):`);
    if (decoded.issues.length === 0) {
      lines.push('  ✓ none visible (APS also checks the signature, the key id / private key pairing and the key and account states)');
    }
    for (const issue of decoded.issues) lines.push(`  ✗ ${issue.cause}: ${issue.message}`);
  }
  return lines;
}

async function readStdin(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk));
  } catch (error) {
    throw new CliError('ERR_CLI_STDIN', `Cannot read the JWT from stdin (${(error as Error).message}).`);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new CliError('ERR_CLI_STDIN', 'Nothing was read from stdin; pipe a JWT in, e.g. `aps-ssa assertion | aps-ssa decode -`.');
  return text;
}
