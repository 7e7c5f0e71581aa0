/**
 * APS's SSA examples print times as Go's `time.Time.String()` does, e.g. `2025-03-26 04:58:26 +0000 UTC`
 * (reference §1), although the spec types them `date-time`; the emulator emits that observed text.
 */
export function formatGoTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2025-03-26T04:58:26.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}
