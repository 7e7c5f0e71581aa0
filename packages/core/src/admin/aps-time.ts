// 2025-03-26 04:58:26 +0000 UTC, or 2024-01-25 03:08:04.156576834 +0000 UTC (Go's time.Time.String(), whose
// zone abbreviation and monotonic-clock reading ` m=+0.01` may follow the offset).
const GO_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? ([+-])(\d{2})(\d{2})(?: [A-Za-z0-9+-]+)?(?: m=[+-]\d+(?:\.\d+)?)?$/;
// RFC 3339 / ISO 8601 with a zone: 2025-03-26T04:58:26Z, 2025-03-26T04:58:26.123+02:00.
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Parses a time as APS's SSA API writes it. The spec (S1) types `createdAt`, `accessedAt` and `expiresAt` as
 * `date-time`, but every example prints Go's `time.Time.String()` text, so both forms are read: Go-style
 * (`2025-03-26 04:58:26 +0000 UTC`, with up to nanoseconds, truncated to milliseconds) and ISO 8601 / RFC 3339
 * with a zone. Returns `undefined` for anything else, impossible dates (February 30th) included.
 *
 * @example
 * ```ts
 * parseApsTime('2024-01-25 03:08:04.156576834 +0000 UTC'); // 2024-01-25T03:08:04.156Z
 * parseApsTime('2025-03-26T04:58:26Z');                    // 2025-03-26T04:58:26.000Z
 * parseApsTime('yesterday');                               // undefined
 * ```
 */
export function parseApsTime(text: string): Date | undefined {
  if (typeof text !== 'string') return undefined;
  const go = GO_TIME.exec(text);
  if (go) return build(go.slice(1, 8), go[8]!, go[9]!, go[10]!);
  const iso = ISO_TIME.exec(text);
  if (iso) return iso[8] ? build(iso.slice(1, 8), '+', '00', '00') : build(iso.slice(1, 8), iso[9]!, iso[10]!, iso[11]!);
  return undefined;
}

function build(fields: (string | undefined)[], sign: string, offsetHours: string, offsetMinutes: string): Date | undefined {
  const [year, month, day, hour, minute, second] = fields.slice(0, 6).map(Number) as [number, number, number, number, number, number];
  const millis = Number((fields[6] ?? '').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || Number(offsetMinutes) > 59) return undefined;
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  // Date.UTC also rolls years 0-99 into the 1900s; setUTCFullYear keeps them (Go's zero time is year 1).
  local.setUTCFullYear(year);
  if (local.getUTCDate() !== day || local.getUTCMonth() !== month - 1) return undefined;
  const offset = (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  return new Date(local.getTime() - offset);
}
