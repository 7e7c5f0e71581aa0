import { ENDPOINTS, type EndpointName } from './endpoints.js';

/**
 * Requests answered per outcome: `ok`, `rate_limited`, the APS `error` code (`invalid_grant`,
 * `invalid_request`, `invalid_credentials`, …), `unauthorized`/`forbidden` for resources, or `fault:<kind>`.
 */
export type OutcomeCounts = Readonly<Record<string, number>>;

/**
 * A snapshot of what the emulator served since start (or the last reset).
 *
 * @example
 * ```ts
 * expect(emulator.counters()['token:jwt-bearer'].ok).toBe(1);
 * expect(emulator.counters().exchanges).toBe(1);
 * ```
 */
export type EmulatorCounters = { readonly [E in EndpointName]: OutcomeCounts } & {
  /** jwt-bearer exchanges answered, whatever the outcome (faults included). */
  readonly exchanges: number;
};

export class Counters {
  #counts = new Map<EndpointName, Record<string, number>>();

  constructor() {
    this.reset();
  }

  record(endpoint: EndpointName, outcome: string): void {
    const counts = this.#counts.get(endpoint)!;
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }

  reset(): void {
    this.#counts = new Map(ENDPOINTS.map((e) => [e, { ok: 0, rate_limited: 0 }]));
  }

  snapshot(): EmulatorCounters {
    const byEndpoint = Object.fromEntries([...this.#counts].map(([e, counts]) => [e, { ...counts }])) as Record<
      EndpointName,
      OutcomeCounts
    >;
    const exchanges = Object.values(byEndpoint['token:jwt-bearer']).reduce((sum, n) => sum + n, 0);
    return { ...byEndpoint, exchanges };
  }
}
