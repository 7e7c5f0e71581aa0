/** `12,345`, `123`, `1.23`, `0.0123`: three significant digits below 1,000, whole numbers above. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude === 0) return '0';
  return Number(value.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** `0.93×` */
export function formatRatio(value: number): string {
  return `${value.toFixed(value >= 10 ? 1 : 2)}×`;
}

/** How a throughput ratio "ours / other" reads before the other's name: `7 % slower than`, `within 2 % of`, `1.8× as fast as`. */
export function compareThroughput(value: number): string {
  const percent = Math.round(Math.abs(1 - value) * 100);
  if (percent <= 2) return `within ${Math.max(percent, 1)} % of`;
  if (value >= 1.5) return `${formatRatio(value)} as fast as`;
  return value < 1 ? `${percent} % slower than` : `${percent} % faster than`;
}
