import { REFRESH_AHEAD, REFRESH_JITTER } from '@aps-ssa/core/adapter';
import { UsageError } from './cli-error.js';
import { stringFlag } from './command.js';
import type { CommandContext, FlagSpec } from './command.js';

/**
 * How long a replaced key stays enabled by default, in ms: an APS token's hour, plus the longest a token provider
 * refreshes ahead of expiry (`REFRESH_AHEAD` and its jitter). An instance that has not picked up the new key yet keeps
 * refreshing with the old one meanwhile; past it, every instance that picks up keys has.
 */
export const DEFAULT_GRACE = 3600_000 + REFRESH_AHEAD + REFRESH_JITTER;

/** The `--grace` flag of `keys rotate` and `keys retire`. */
export const GRACE_FLAG: FlagSpec = {
  type: 'string',
  value: 'DURATION',
  description: 'how long a replaced key stays enabled, e.g. 70m, 2h, 90s (default 70m: a token\'s hour plus the refresh lead); 0 = none',
};

/** The `--grace` duration in ms (DEFAULT_GRACE when absent). */
export function graceFlag(context: CommandContext): number {
  const text = stringFlag(context, 'grace');
  if (text === undefined || text === '') return DEFAULT_GRACE;
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (match === null) throw new UsageError('--grace takes a duration: a whole number with ms, s, m, h or d (70m, 2h, 90s), or 0.', context.command);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 's']!;
  return Number(match[1]) * unit;
}
