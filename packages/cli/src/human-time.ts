const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365.25 * DAY;
const MONTH = YEAR / 12;

/** A length of time for people: `59s`, `3m 59s`, `2h 5m`, `3 days`, `4 months`, `2 years`. */
export function formatDuration(seconds: number): string {
  const s = Math.floor(Math.abs(seconds));
  if (s < MINUTE) return `${s}s`;
  if (s < HOUR) return `${Math.floor(s / MINUTE)}m ${s % MINUTE}s`;
  if (s < 2 * DAY) return `${Math.floor(s / HOUR)}h ${Math.floor((s % HOUR) / MINUTE)}m`;
  if (s < 2 * MONTH) return plural(Math.floor(s / DAY), 'day');
  if (s < YEAR) return plural(Math.floor(s / MONTH), 'month');
  return plural(Math.floor(s / YEAR), 'year');
}

/**
 * An instant relative to now: `in 3m 59s`, `3m 59s ago`, or with `pastPrefix` `expired 2 years ago`.
 * Both times are in ms since the epoch.
 */
export function formatRelative(at: number, now: number, pastPrefix?: string): string {
  const seconds = Math.trunc((at - now) / 1000);
  if (seconds === 0) return pastPrefix === undefined ? 'now' : `${pastPrefix} just now`;
  if (seconds > 0) return `in ${formatDuration(seconds)}`;
  return `${pastPrefix === undefined ? '' : `${pastPrefix} `}${formatDuration(seconds)} ago`;
}

/** An instant in ms as ISO 8601 UTC without the `.000` of whole seconds: `2024-03-20T03:58:20Z`. */
export function formatIso(at: number): string {
  return new Date(at).toISOString().replace('.000Z', 'Z');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** `2024-03-20T03:58:20Z (3 days ago)`, or `never` for no date. */
export function formatWhen(date: Date | undefined, now: number): string {
  return date === undefined ? 'never' : `${formatIso(date.getTime())} (${formatRelative(date.getTime(), now)})`;
}

/** `3 days ago`, or `never`, for a "last used" column. */
export function lastUsed(date: Date | undefined, now: number): string {
  return date === undefined ? 'never' : formatRelative(date.getTime(), now);
}
