/**
 * The two forms of APS's times (reference §1): S1's examples carry nanoseconds
 * (`2024-01-25 03:08:04.156576834 +0000 UTC`), newer pages whole seconds (`2025-03-26 04:58:26 +0000 UTC`).
 */
export type GoTimeForm = 'nanoseconds' | 'seconds';

/**
 * A time as Go's `time.Time.String()` prints it, the text APS's SSA examples show although the spec types the
 * fields `date-time` (reference §1). `nanoseconds` writes S1's nine fractional digits; the emulator's clock counts
 * milliseconds, so the last six are zeros.
 */
export function formatGoTime(ms: number, form: GoTimeForm = 'seconds'): string {
  const iso = new Date(ms).toISOString(); // 2025-03-26T04:58:26.123Z
  const fraction = form === 'nanoseconds' ? `.${iso.slice(20, 23)}000000` : '';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction} +0000 UTC`;
}

/**
 * Alternates the two forms, answer by answer, starting with S1's: APS's references show both, so a client's
 * parser meets both here (the emulator's choice).
 *
 * @example
 * ```ts
 * const next = alternateGoTimeForms();
 * next(); // 'nanoseconds'
 * next(); // 'seconds'
 * ```
 */
export function alternateGoTimeForms(): () => GoTimeForm {
  let answers = 0;
  return () => (answers++ % 2 === 0 ? 'nanoseconds' : 'seconds');
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
