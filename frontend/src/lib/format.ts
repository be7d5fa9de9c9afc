// Number and time formatting shared by the components.

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567" (stream volumes). */
export function formatInt(n: number): string {
  return intFmt.format(n);
}

/** A rate as a plain number: 1 decimal below 10, whole above. */
export function formatRate(n: number): string {
  if (!Number.isFinite(n)) return '0';
  return n < 10 ? String(Math.round(n * 10) / 10) : String(Math.round(n));
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

/** Unix seconds → local "HH:MM:SS.mmm". */
export function formatClock(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const pad = (x: number, n = 2) => String(x).padStart(n, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Milliseconds as "0.8 ms" / "12 ms" / "1.3 s"; "—" for none (-1). */
export function formatLatency(ms: number): string {
  if (ms < 0) return '—';
  if (ms < 10) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${Math.round(ms / 100) / 10} s`;
}

/** A p50 / p99 pair: "1.7 / 65 ms" when both are in ms, else each with its unit. */
export function formatLatencyPair(p50: number, p99: number): string {
  if (p50 < 0 && p99 < 0) return '—';
  if (p50 >= 0 && p99 >= 0 && p99 < 1000) return `${formatLatency(p50).replace(' ms', '')} / ${formatLatency(p99)}`;
  return `${formatLatency(p50)} / ${formatLatency(p99)}`;
}

/** Age of a Unix-seconds stamp: "—" for never, "0.4 s", "12 s", "3m 05s". */
export function formatAge(unixSeconds: number, nowMs: number): string {
  if (!unixSeconds) return '—';
  const age = Math.max(0, nowMs / 1000 - unixSeconds);
  if (age < 10) return `${Math.round(age * 10) / 10} s`;
  return formatDuration(age);
}

/** An error message from Go as a sentence: capital first letter. */
export function sentence(msg: string): string {
  return msg ? msg[0].toUpperCase() + msg.slice(1) : msg;
}
