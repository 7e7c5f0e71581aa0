import { inspect } from 'node:util';

/** A leak is any run of this many characters of a secret found in an output (key material). */
export const LEAK_WINDOW = 40;

/**
 * The window for secrets whose pieces alone are dangerous (a client secret, a Basic credential, a
 * token): a truncated echo of 20 characters (an ioredis message cut short, a log line) still counts.
 */
export const PARTIAL_WINDOW = 20;

/** Where a secret was found. */
export interface Leak {
  readonly secret: string;
  readonly where: string;
}

/**
 * Finds any window-sized piece of a registered secret in a text ({@link LEAK_WINDOW} characters unless
 * a secret was registered with a smaller one). Every window of every secret goes in a map; a text is
 * scanned only inside its runs of characters that occur in secrets (so prose costs nothing), after
 * joining hex bytes printed with spaces (`<Buffer 30 82 …>`). Secrets shorter than their window are
 * matched whole (register only distinctive ones).
 */
export class LeakDetector {
  /** Window size -> window text -> label. */
  readonly #windows = new Map<number, Map<string, string>>();
  readonly #short = new Map<string, string>();
  readonly #alphabet = new Set<string>();
  #runs: RegExp | undefined;

  constructor(secrets: Readonly<Record<string, readonly string[]>> = {}) {
    for (const [label, values] of Object.entries(secrets)) for (const value of values) this.add(label, value);
  }

  /** Registers `value` (and every `window`-character piece of it) under `label`, e.g. `'client secret'`. */
  add(label: string, value: string, window = LEAK_WINDOW): this {
    if (value.length < window) {
      this.#short.set(value, label);
      return this;
    }
    for (const char of value) this.#alphabet.add(char);
    this.#runs = undefined;
    let windows = this.#windows.get(window);
    if (windows === undefined) this.#windows.set(window, (windows = new Map()));
    for (let i = 0; i + window <= value.length; i++) windows.set(value.slice(i, i + window), label);
    return this;
  }

  /** The first secret found in `text`, or `undefined`. */
  find(text: string, where = 'text'): Leak | undefined {
    for (const [value, secret] of this.#short) if (text.includes(value)) return { secret, where };
    if (this.#windows.size === 0) return undefined;
    const smallest = Math.min(...this.#windows.keys());
    this.#runs ??= new RegExp(`[${[...this.#alphabet].map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).join('')}]{${smallest},}`, 'gu');
    for (const candidate of [text, text.replace(/\b([0-9a-f]{2}) (?=[0-9a-f]{2}\b)/g, '$1')]) {
      for (const [run] of candidate.matchAll(this.#runs)) {
        for (const [window, windows] of this.#windows) {
          for (let i = 0; i + window <= run.length; i++) {
            const secret = windows.get(run.slice(i, i + window));
            if (secret !== undefined) return { secret, where };
          }
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
