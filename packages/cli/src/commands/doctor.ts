import {
  configFromEnv,
  DEFAULT_BASE_URL,
  diagnoseAssertion,
  exchangeAssertion,
  loadPrivateKey,
  loadPrivateKeyFile,
  SsaApiError,
  SsaConfigError,
} from '@aps-ssa/core';
import type { AssertionSigner, SsaConfigProblem } from '@aps-ssa/core';
import { configFromEnvWithoutKey, decodeJwt, describeSkew, environmentFetch, judgeClockSkew, proxyFor, proxySettings, showProxy } from '@aps-ssa/core/adapter';
import type { ServiceAccount, ServiceAccountKey } from '@aps-ssa/core/admin';
import type { KeyObject } from 'node:crypto';
import { adminFromEnv } from '../admin-context.js';
import { measureClockOffset } from '../clock-offset.js';
import type { CommandContext, CommandSpec } from '../command.js';
import { formatDuration, formatIso, lastUsed } from '../human-time.js';
import { describeError, writeJson, writeLines } from '../output.js';
import { commandEnv } from '../service-account-config.js';
import type { SigningConfig } from '../service-account-config.js';
import { SIGNER_FLAG, loadSignerModule } from '../signer-module.js';
import { signAssertion } from './assertion.js';

type StepStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One check of the doctor: what it found and, when something is wrong, how to fix it. */
interface Step {
  readonly name: string;
  readonly status: StepStatus;
  readonly detail: string;
  readonly fix?: string;
}

const SYMBOLS: Record<StepStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '–' };
const PLAIN_VARIABLES = ['APS_CLIENT_ID', 'APS_CLIENT_SECRET', 'APS_SA_ID', 'APS_SA_KEY_ID', 'APS_SCOPES', 'APS_BASE_URL'];
const KEY_VARIABLES = ['APS_SA_PRIVATE_KEY', 'APS_SA_PRIVATE_KEY_FILE'];
const CREDENTIALS_FIX = 'Set APS_CLIENT_ID and APS_CLIENT_SECRET to the id and secret of the app that owns the service account.';
const NETWORK_FIX = 'Check APS_BASE_URL, the network and any proxy.';
const DOCTOR_ADVICE = 'Run `npx aps-ssa doctor` to check the configuration step by step.';
const NEEDS_CONFIG = 'skipped: needs every variable above to be valid.';

export const doctorCommand: CommandSpec = {
  name: 'doctor',
  summary: 'check the configuration step by step, say what is wrong and how to fix it',
  description:
    'Checks the service account configuration the way APS will judge it, step by step: each APS_* variable,\n' +
    'the private key (RSA, 2048 bits or more), the service account and key through the admin API (when the\n' +
    "app's credentials may read them), the assertion it would send against the documented causes of \"The\n" +
    '\'assertion\' is invalid.", this clock against the server\'s, and finally a real exchange. Each step is\n' +
    '✓ (passed), ! (works but looks wrong), ✗ (failed, with a fix) or – (skipped, with why).\n' +
    'Exits 0 only when a token was obtained. No secret is printed. With --signer MODULE, the key is held by that\n' +
    "signer (an HSM, a KMS): the key variables are not read, and the key id is the signer's kid.",
  flags: SIGNER_FLAG,
  examples: ['aps-ssa doctor --env-file .env', 'aps-ssa doctor --json', 'aps-ssa doctor --env-file .env --signer ./hsm-signer.mjs'],
  async run(context) {
    const steps = await diagnose(context);
    const ok = steps.at(-1)?.name === 'exchange' && steps.at(-1)?.status === 'ok';
    if (context.json) writeJson(context.io, { ok, steps });
    else writeLines(context.io, render(steps, ok));
    return ok ? 0 : 1;
  },
};

async function diagnose(context: CommandContext): Promise<Step[]> {
  const signer = await loadSignerModule(context);
  try {
    return await diagnoseWith(context, signer);
  } finally {
    await signer?.close?.();
  }
}

async function diagnoseWith(context: CommandContext, signer: AssertionSigner | undefined): Promise<Step[]> {
  const env = commandEnv(context);
  if (signer !== undefined) env.APS_SA_KEY_ID = signer.kid;
  const { config, problems, warnings } = tryConfig(env, signer);
  const steps = variableSteps(env, { problems, warnings });
  steps.push(signer === undefined ? await keyStep(env, config, problems) : signerStep(signer));

  const valid = (name: string) => problems.every((p) => p.variable !== name);
  const { now } = context.io;
  steps.push(...(await adminSteps(env, valid, now)));

  const assertion = config === undefined ? undefined : await signAssertion(config, context.io, signer);
  steps.push(
    config === undefined || assertion === undefined
      ? { name: 'assertion', status: 'skip', detail: NEEDS_CONFIG }
      : assertionStep(assertion, config, now),
  );
  if (valid('APS_BASE_URL')) steps.push(proxyStep(env, config?.baseUrl ?? (env.APS_BASE_URL || DEFAULT_BASE_URL)));
  steps.push(
    valid('APS_BASE_URL')
      ? await clockStep(config?.baseUrl ?? (env.APS_BASE_URL || DEFAULT_BASE_URL).replace(/\/+$/, ''), now, env)
      : { name: 'clock', status: 'skip', detail: 'skipped: APS_BASE_URL is not valid.' },
  );
  steps.push(
    config === undefined || assertion === undefined
      ? { name: 'exchange', status: 'skip', detail: NEEDS_CONFIG }
      : await exchangeStep(config, assertion, now, env),
  );
  return steps;
}

/**
 * The proxy the doctor's requests go through: core's reading (`proxyFor`) of the command's environment (this shell's
 * variables overlaid with the `--env-file`s), which every request of the doctor is sent with, so that the report and
 * the route agree. Shown without its credentials.
 */
function proxyStep(env: NodeJS.ProcessEnv, baseUrl: string): Step {
  const url = new URL(baseUrl);
  const proxy = proxyFor(url, env);
  if (proxy !== undefined) {
    const { noProxy } = proxySettings(env);
    return { name: 'proxy', status: 'ok', detail: `${url.host} is reached through the proxy ${showProxy(proxy)}${noProxy ? ` (NO_PROXY=${noProxy})` : ''}.` };
  }
  const set = proxyFor(url, { ...env, NO_PROXY: '', no_proxy: '' });
  return set === undefined
    ? { name: 'proxy', status: 'ok', detail: `none (no ${url.protocol === 'https:' ? 'HTTPS_PROXY or HTTP_PROXY' : 'HTTP_PROXY'}): ${url.host} is reached directly.` }
    : { name: 'proxy', status: 'ok', detail: `${showProxy(set)} is set, but NO_PROXY lists ${url.hostname}: reached directly.` };
}

interface ConfigReading {
  readonly config?: SigningConfig;
  readonly problems: readonly SsaConfigProblem[];
  readonly warnings: readonly SsaConfigProblem[];
}

function tryConfig(env: NodeJS.ProcessEnv, signer: AssertionSigner | undefined): ConfigReading {
  try {
    const config = signer === undefined ? configFromEnv(env) : configFromEnvWithoutKey(env, {});
    return { config, problems: [], warnings: config.warnings };
  } catch (error) {
    if (!(error instanceof SsaConfigError)) throw error;
    return { problems: error.problems, warnings: [] };
  }
}

function variableSteps(env: NodeJS.ProcessEnv, { problems, warnings }: ConfigReading): Step[] {
  const steps: Step[] = PLAIN_VARIABLES.map((name) => {
    const problem = problems.find((p) => p.variable === name);
    if (problem !== undefined) return { name, status: 'fail', ...splitFix(problem.message) };
    const detail = shownValue(name, env[name]);
    const warning = warnings.find((w) => w.variable === name);
    return warning === undefined ? { name, status: 'ok', detail } : { name, status: 'warn', detail, fix: warning.message };
  });
  for (const warning of warnings) {
    if (!PLAIN_VARIABLES.includes(warning.variable)) {
      steps.push({ name: warning.variable, status: 'warn', ...splitFix(warning.message) });
    }
  }
  return steps;
}

function shownValue(name: string, value: string | undefined): string {
  if (name === 'APS_CLIENT_SECRET') return 'set (not shown)';
  if (name === 'APS_BASE_URL' && !value) return `not set: ${DEFAULT_BASE_URL} (the default)`;
  return value ?? '';
}

/** Core's problems read "is not set; set it to …": the part after the first "; " is the fix. */
function splitFix(message: string): { detail: string; fix?: string } {
  const at = message.indexOf('; ');
  if (at < 0) return { detail: message };
  const fix = message.slice(at + 2);
  return { detail: `${message.slice(0, at)}.`, fix: `${fix.charAt(0).toUpperCase()}${fix.slice(1)}` };
}

function signerStep(signer: AssertionSigner): Step {
  return { name: 'private key', status: 'ok', detail: `held by the --signer module (kid ${signer.kid}); the exchange below proves it signs.` };
}

async function keyStep(env: NodeJS.ProcessEnv, config: SigningConfig | undefined, problems: readonly SsaConfigProblem[]): Promise<Step> {
  const problem = problems.find((p) => KEY_VARIABLES.includes(p.variable));
  if (problem !== undefined) {
    return { name: 'private key', status: 'fail', ...splitFix(`${problem.variable} ${problem.message}`) };
  }
  const file = env.APS_SA_PRIVATE_KEY_FILE;
  const source = file ? `APS_SA_PRIVATE_KEY_FILE (${file})` : 'APS_SA_PRIVATE_KEY';
  // configFromEnv stops at the first problem of any variable; the key may still be readable on its own.
  const key: KeyObject =
    config?.privateKey ?? (file ? await loadPrivateKeyFile(file) : loadPrivateKey(env.APS_SA_PRIVATE_KEY ?? ''));
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return { name: 'private key', status: 'ok', detail: `RSA ${bits}-bit private key from ${source}.` };
}

/**
 * The service account and the key, through the admin API. It cannot show a key's public half, so "the key
 * matches" here means the key id exists and is ENABLED; the exchange proves the pairing with the private key.
 */
async function adminSteps(env: NodeJS.ProcessEnv, valid: (name: string) => boolean, now: () => number): Promise<Step[]> {
  const id = env.APS_SA_ID ?? '';
  if (!['APS_CLIENT_ID', 'APS_CLIENT_SECRET', 'APS_SA_ID', 'APS_BASE_URL'].every(valid)) {
    const detail = 'skipped: needs valid APS_CLIENT_ID, APS_CLIENT_SECRET, APS_SA_ID and APS_BASE_URL.';
    return [{ name: 'service account', status: 'skip', detail }, { name: 'key', status: 'skip', detail }];
  }
  const admin = adminFromEnv(env);
  let account: ServiceAccount;
  try {
    account = await admin.getServiceAccount(id);
  } catch (error) {
    return [
      adminFailure('service account', error, id),
      { name: 'key', status: 'skip', detail: 'skipped: the service account could not be read.' },
    ];
  }
  if (account.status !== 'ENABLED') {
    return [
      {
        name: 'service account',
        status: 'fail',
        detail: `${id} (${account.email}) is ${account.status}: APS refuses its assertions.`,
        fix: `Enable it: aps-ssa accounts enable ${id}`,
      },
      { name: 'key', status: 'skip', detail: 'skipped: the keys of a service account that is not enabled cannot be listed.' },
    ];
  }
  const accountStep: Step = { name: 'service account', status: 'ok', detail: `${id} (${account.email}) is ENABLED.` };
  if (!valid('APS_SA_KEY_ID')) {
    return [accountStep, { name: 'key', status: 'skip', detail: 'skipped: APS_SA_KEY_ID is not valid.' }];
  }
  let keys: readonly ServiceAccountKey[];
  try {
    keys = await admin.listKeys(id);
  } catch (error) {
    return [accountStep, adminFailure('key', error, id)];
  }
  return [accountStep, keyIdStep(env.APS_SA_KEY_ID ?? '', id, keys, now)];
}

function keyIdStep(kid: string, id: string, keys: readonly ServiceAccountKey[], now: () => number): Step {
  const key = keys.find((k) => k.kid === kid);
  if (key === undefined) {
    const others = keys.length === 0 ? 'it has none' : `its keys: ${keys.map((k) => `${k.kid} (${k.status})`).join(', ')}`;
    return {
      name: 'key',
      status: 'fail',
      detail: `APS_SA_KEY_ID ${kid} is not a key of service account ${id} (${others}).`,
      fix:
        'Set APS_SA_KEY_ID to the key id that Create Key returned with your private key, or create a new key: ' +
        `aps-ssa keys create --account ${id} --out key.pem`,
    };
  }
  if (key.status !== 'ENABLED') {
    return {
      name: 'key',
      status: 'fail',
      detail: `Key ${kid} is ${key.status}: APS refuses assertions signed with it.`,
      fix: `Enable it: aps-ssa keys enable ${kid} --account ${id}`,
    };
  }
  return {
    name: 'key',
    status: 'ok',
    detail:
      `${kid} is ENABLED (created ${formatIso(key.createdAt.getTime())}, last used ${lastUsed(key.accessedAt, now())}). ` +
      'Whether it pairs with the private key only the exchange can tell.',
  };
}

/** A failed admin call: a wrong id, refused credentials or no connection fail the step; anything else (no admin access) skips it. */
function adminFailure(name: string, error: unknown, id: string): Step {
  const code = (error as { code?: string }).code;
  const detail = describeError(error);
  if (error instanceof SsaApiError && error.status === 404) {
    return { name, status: 'fail', detail, fix: `Check APS_SA_ID (${id}): aps-ssa accounts list shows the app's service accounts.` };
  }
  if (code === 'ERR_SSA_INVALID_CLIENT') {
    return { name, status: 'fail', detail, fix: CREDENTIALS_FIX };
  }
  if (code === 'ERR_SSA_NETWORK' || code === 'ERR_SSA_TIMEOUT') return { name, status: 'fail', detail, fix: NETWORK_FIX };
  return { name, status: 'skip', detail: `skipped: the admin API did not tell (${detail}); the exchange below still tests the configuration.` };
}

function assertionStep(assertion: string, config: SigningConfig, now: () => number): Step {
  const { claims, issues } = diagnoseAssertion(assertion, { now, clientId: config.clientId });
  if (issues.length > 0) {
    return { name: 'assertion', status: 'fail', detail: issues.map((i) => `${i.cause}: ${i.message}`).join(' ') };
  }
  const exp = typeof claims?.exp === 'number' ? ` expiring in ${formatDuration(claims.exp - Math.floor(now() / 1000))},` : '';
  return {
    name: 'assertion',
    status: 'ok',
    detail:
      `RS256, kid ${config.keyId},${exp} scope ${JSON.stringify(config.scopes)}: none of the documented causes of ` +
      `"The 'assertion' is invalid." is visible.`,
  };
}

async function clockStep(baseUrl: string, now: () => number, env: NodeJS.ProcessEnv): Promise<Step> {
  let measured;
  try {
    measured = await measureClockOffset(baseUrl, now, environmentFetch(env));
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    return { name: 'clock', status: 'fail', detail: `Could not reach ${baseUrl} (${reason}).`, fix: NETWORK_FIX };
  }
  if (measured === undefined) {
    return { name: 'clock', status: 'skip', detail: `skipped: ${baseUrl} sent no Date header to compare with.` };
  }
  const detail = `This machine's clock is ${describeSkew(measured.offsetMs)} the server's (Date header of ${measured.url}).`;
  const fix = "Synchronise this machine's clock (NTP, e.g. `timedatectl set-ntp true`): APS judges the assertion's exp by its clock.";
  const judged = judgeClockSkew(measured.offsetMs);
  if (judged === 'refused') return { name: 'clock', status: 'fail', detail, fix };
  return judged === 'notable' ? { name: 'clock', status: 'warn', detail, fix } : { name: 'clock', status: 'ok', detail };
}

async function exchangeStep(config: SigningConfig, assertion: string, now: () => number, env: NodeJS.ProcessEnv): Promise<Step> {
  try {
    const { baseUrl, clientId, clientSecret } = config;
    const result = await exchangeAssertion({ baseUrl, clientId, clientSecret, assertion, now, fetch: environmentFetch(env) });
    const jti = decodeJwt(result.accessToken)?.claims.jti;
    return {
      name: 'exchange',
      status: 'ok',
      detail:
        `Got an access token${typeof jti === 'string' ? ` (jti ${jti})` : ''}, expiring in ${formatDuration(result.expiresIn)}, ` +
        `scope ${JSON.stringify(result.scopes)}.`,
    };
  } catch (error) {
    // The error's closing advice is to run the doctor: this is the doctor.
    const detail = describeError(error).replace(` ${DOCTOR_ADVICE}`, '');
    return { name: 'exchange', status: 'fail', detail, ...exchangeFix(error as { code?: string; issues?: readonly unknown[] }, config) };
  }
}

function exchangeFix({ code, issues }: { code?: string; issues?: readonly unknown[] }, config: SigningConfig): { fix?: string } {
  switch (code) {
    case 'ERR_SSA_ASSERTION_INVALID':
      if (issues !== undefined && issues.length > 0) return { fix: 'Fix what the assertion step names: APS refused what it shows.' };
      return {
        fix:
          'If the steps above pass, the private key is not the one of key APS_SA_KEY_ID: use the private key that Create Key ' +
          `returned with ${config.keyId}, or create a new key (aps-ssa keys create --account ${config.serviceAccountId} --out key.pem).`,
      };
    case 'ERR_SSA_INVALID_CLIENT':
      return { fix: CREDENTIALS_FIX };
    case 'ERR_SSA_INVALID_GRANT':
      return { fix: `Enable the service account: aps-ssa accounts enable ${config.serviceAccountId}` };
    case 'ERR_SSA_NETWORK':
    case 'ERR_SSA_TIMEOUT':
      return { fix: NETWORK_FIX };
    default:
      return {};
  }
}

function render(steps: readonly Step[], ok: boolean): string[] {
  const width = Math.max(...steps.map((s) => s.name.length));
  const lines = steps.flatMap((step) => [
    `${SYMBOLS[step.status]} ${step.name.padEnd(width)}  ${step.detail}`,
    ...(step.fix === undefined ? [] : [`  ${' '.repeat(width)}  fix: ${step.fix}`]),
  ]);
  lines.push(
    '',
    ok ? 'A token was obtained: this configuration works.' : 'No token was obtained: fix the first ✗ above, then run aps-ssa doctor again.',
  );
  return lines;
}
