import { inspect } from 'node:util';
import { expect } from 'vitest';

const FRAGMENT = 24;

/**
 * Every text a leak could hide in: the message, JSON.stringify, util.inspect (hidden properties and
 * causes included) and each own property of the value (and of its causes).
 */
export function renderings(value: unknown): string[] {
  const texts = [inspect(value, { depth: 10, showHidden: true }), safeJson(value)];
  const seen = new Set<unknown>();
  let current: unknown = value;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    if (current instanceof Error) texts.push(current.message, String(current.stack));
    for (const key of Reflect.ownKeys(current)) {
      const property = (current as Record<PropertyKey, unknown>)[key];
      texts.push(typeof property === 'string' ? property : safeJson(property), inspect(property, { depth: 10, showHidden: true }));
    }
    current = (current as { cause?: unknown }).cause;
  }
  return texts;
}

/** Fails if any rendering of `value` contains a secret, or any 24-character piece of one. */
export function expectNoSecrets(value: unknown, secrets: readonly string[]): void {
  const pieces = secrets.flatMap((secret) => fragments(secret));
  for (const text of renderings(value)) {
    for (const piece of pieces) expect(text.includes(piece), `leaked a secret fragment: ${piece.slice(0, 6)}…`).toBe(false);
  }
}

function fragments(secret: string): string[] {
  if (secret.length <= FRAGMENT) return [secret];
  const pieces: string[] = [];
  for (let i = 0; i + FRAGMENT <= secret.length; i += FRAGMENT) pieces.push(secret.slice(i, i + FRAGMENT));
  return pieces;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
