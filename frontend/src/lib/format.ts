// Number and time formatting shared by the components.

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567". */
export function formatInt(n: number): string {
  return intFmt.format(n);
}

/** Whole seconds → "1h 02m 03s" / "2m 03s" / "7s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const pad = (x: number) => String(x).padStart(2, '0');
  if (h > 0) return `${h}h ${pad(m)}m ${pad(r)}s`;
  if (m > 0) return `${m}m ${pad(r)}s`;
  return `${r}s`;
}

/** Uptime since a Unix-seconds stamp, or "—" when not connected (0). */
export function formatUptime(connectedSince: number, nowMs: number): string {
  if (!connectedSince) return '—';
  return formatDuration(nowMs / 1000 - connectedSince);
}
