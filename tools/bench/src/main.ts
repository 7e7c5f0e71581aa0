import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { currentLoadAverage, describeMachine } from './machine.js';
import { gcExposed } from './measure.js';
import { renderConsole, resultProblem, scenarioReport, writeReport } from './report.js';
import type { BenchReport, ScenarioReport } from './report.js';
import type { Scenario, ScenarioContext, ScenarioResult } from './scenario.js';
import { SCENARIOS } from './scenarios/index.js';

const USAGE = `Usage: npm run bench -- [--quick] [--only <id>[,<id>...]]

  --quick   a smoke run (under a minute): fewer, shorter runs; checks that every scenario produces its figures.
            Writes to tools/bench/results/ only.
  --only    run only these scenarios: ${SCENARIOS.map((s) => s.id).join(', ')}

A full run of every scenario also writes docs/benchmarks.md and docs/benchmarks.json.
Exits non-zero when a scenario throws, times out or produces no figures.`;

/** A scenario running longer than this has hung (a worker that never answered): fail it rather than the whole run. */
const SCENARIO_TIMEOUT = { full: 5 * 60_000, quick: 90_000 };
const RESULTS_DIRECTORY = fileURLToPath(new URL('../results/', import.meta.url));
const DOCS_DIRECTORY = fileURLToPath(new URL('../../../docs/', import.meta.url));

interface Arguments {
  readonly quick: boolean;
  readonly only: readonly Scenario[] | undefined;
}

function parseArguments(argv: readonly string[]): Arguments | string {
  let quick = false;
  let only: Scenario[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    const [name, inline] = argument.startsWith('--only=') ? ['--only', argument.slice('--only='.length)] : [argument, undefined];
    if (name === '--quick') quick = true;
    else if (name === '--only') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') return '--only needs a list of scenario ids.';
      only = [];
      for (const id of value.split(',')) {
        const scenario = SCENARIOS.find((s) => s.id === id.trim());
        if (scenario === undefined) return `Unknown scenario "${id}". Known: ${SCENARIOS.map((s) => s.id).join(', ')}.`;
        only.push(scenario);
      }
    } else return `Unknown argument "${argument}".`;
  }
  return { quick, only };
}

async function runScenario(scenario: Scenario, context: ScenarioContext, timeoutMs: number): Promise<ScenarioReport> {
  const started = performance.now();
  const loadAverage = currentLoadAverage();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
  });
  let outcome: { result: ScenarioResult } | { error: string };
  try {
    const result = await Promise.race([scenario.run(context), timeout]);
    const problem = resultProblem(result);
    outcome = problem === undefined ? { result } : { error: problem };
  } catch (error) {
    outcome = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  } finally {
    clearTimeout(timer);
  }
  return scenarioReport(scenario, { seconds: (performance.now() - started) / 1000, loadAverage }, outcome);
}

async function main(): Promise<number> {
  const parsed = parseArguments(process.argv.slice(2));
  if (typeof parsed === 'string') {
    console.error(`${parsed}\n\n${USAGE}`);
    return 2;
  }
  if (!gcExposed()) console.error('Warning: run with `node --expose-gc` (as `npm run bench` does): without it, garbage from one sample is collected during the next.');
  const { quick } = parsed;
  const scenarios = parsed.only ?? SCENARIOS;
  const machine = describeMachine();
  console.log(`aps-ssa benchmarks (${quick ? 'quick smoke run' : 'full run'}): ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node.js ${machine.node}`);
  const started = performance.now();
  const context: ScenarioContext = { quick, log: (message) => console.error(message) };
  const reports: ScenarioReport[] = [];
  for (const scenario of scenarios) {
    console.log(`\n${scenario.title}`);
    const report = await runScenario(scenario, context, quick ? SCENARIO_TIMEOUT.quick : SCENARIO_TIMEOUT.full);
    reports.push(report);
    process.stdout.write(renderConsole(report));
  }
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    quick,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    machine,
    scenarios: reports,
  };
  const written = await writeReport(report, RESULTS_DIRECTORY, `bench-${report.generatedAt.replace(/[:.]/g, '-')}${quick ? '-quick' : ''}`);
  const failed = reports.filter((r) => r.error !== undefined);
  // Only a complete, successful full run replaces the published figures.
  if (!quick && parsed.only === undefined && failed.length === 0) written.push(...(await writeReport(report, DOCS_DIRECTORY, 'benchmarks')));
  console.log(`\n${reports.length - failed.length} of ${reports.length} scenarios completed in ${report.seconds} s. Written: ${written.join(', ')}`);
  if (failed.length > 0) console.error(`Failed: ${failed.map((r) => r.id).join(', ')}`);
  return failed.length === 0 ? 0 : 1;
}

// Exit explicitly: a failed or timed-out scenario may leave a socket or a worker behind.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
