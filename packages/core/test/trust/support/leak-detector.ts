import { inspect } from 'node:util';

/** A leak is any run of this many characters of a secret found in an output. */
export const LEAK_WINDOW = 40;

/** Where a secret was found. */
export interface Leak {
  readonly secret: string;
  readonly where: string;
}

/**
 * Finds any {@link LEAK_WINDOW}-character piece of a registered secret in a text. Every window of
 * every secret goes in a map; a text is scanned only inside its runs of characters that occur in
 * secrets (so prose costs nothing), after joining hex bytes printed with spaces (`<Buffer 30 82 …>`).
 * Secrets shorter than the window are matched whole (register only distinctive ones).
 */
export class LeakDetector {
  readonly #windows = new Map<string, string>();
  readonly #short = new Map<string, string>();
  readonly #alphabet = new Set<string>();
  #runs: RegExp | undefined;

  constructor(secrets: Readonly<Record<string, readonly string[]>> = {}) {
    for (const [label, values] of Object.entries(secrets)) for (const value of values) this.add(label, value);
  }

  /** Registers `value` (and every window of it) under `label`, e.g. `'client secret'`. */
  add(label: string, value: string): this {
    if (value.length < LEAK_WINDOW) {
      this.#short.set(value, label);
      return this;
    }
    for (const char of value) this.#alphabet.add(char);
    this.#runs = undefined;
    for (let i = 0; i + LEAK_WINDOW <= value.length; i++) this.#windows.set(value.slice(i, i + LEAK_WINDOW), label);
    return this;
  }

  /** The first secret found in `text`, or `undefined`. */
  find(text: string, where = 'text'): Leak | undefined {
    for (const [value, secret] of this.#short) if (text.includes(value)) return { secret, where };
    if (this.#windows.size === 0) return undefined;
    this.#runs ??= new RegExp(`[${[...this.#alphabet].map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).join('')}]{${LEAK_WINDOW},}`, 'gu');
    for (const candidate of [text, text.replace(/\b([0-9a-f]{2}) (?=[0-9a-f]{2}\b)/g, '$1')]) {
      for (const [run] of candidate.matchAll(this.#runs)) {
        for (let i = 0; i + LEAK_WINDOW <= run.length; i++) {
          const secret = this.#windows.get(run.slice(i, i + LEAK_WINDOW));
          if (secret !== undefined) return { secret, where };
        }
      }
    }
    return undefined;
  }

  /** The first secret found in any rendering of `value` (see {@link renderings}). */
  findIn(value: unknown, where = 'value'): Leak | undefined {
    for (const [how, text] of renderings(value)) {
      const leak = this.find(text, `${where} (${how})`);
      if (leak !== undefined) return leak;
    }
    return undefined;
  }
}

/**
 * Every text a value shows to a logger or a user without being asked for a secret by name:
 * `util.inspect` (plain, and with hidden properties, getters and depth: an error's stack, message,
 * own properties and `cause` chain included), `JSON.stringify` (of it and of a spread copy, as
 * loggers do) and `String()`.
 */
export function renderings(value: unknown): Array<[string, string]> {
  const texts: Array<[string, string]> = [
    ['inspect', inspect(value)],
    ['inspect showHidden', inspect(value, { showHidden: true, depth: 8, getters: true })],
    ['JSON', safe(() => JSON.stringify(value) ?? '')],
    ['String', safe(() => String(value))],
  ];
  if (typeof value === 'object' && value !== null) texts.push(['JSON of a spread copy', safe(() => JSON.stringify({ ...value }))]);
  return texts;
}

function safe(render: () => string): string {
  try {
    return render();
  } catch (err) {
    return `<render threw ${String(err)}>`;
  }
}
