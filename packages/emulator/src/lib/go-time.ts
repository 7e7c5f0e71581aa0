/**
 * APS's SSA examples print times as Go's `time.Time.String()` does, e.g. `2025-03-26 04:58:26 +0000 UTC`
 * (reference §1), although the spec types them `date-time`; the emulator emits that observed text.
 */
export function formatGoTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2025-03-26T04:58:26.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

/**
 * One calendar year later, as Go's `t.AddDate(1, 0, 0)` computes it (29 February becomes 1 March): every S1 example
 * has `expiresAt` on the same date and time as `createdAt`, one year on (`2024-01-25 03:08:04…` → `2025-01-25
 * 03:08:04…`), which a fixed 365 days would miss after a leap day.
 */
export function addCalendarYear(ms: number): number {
  const date = new Date(ms);
  date.setUTCFullYear(date.getUTCFullYear() + 1);
  return date.getTime();
}
