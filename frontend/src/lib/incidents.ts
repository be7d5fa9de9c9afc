// Shapes of the alerts, timeline and history that the Go side sends: the
// types Wails generates from backend/alerts, backend/history and
// backend/service (frontend/wailsjs/go/models.ts), narrowed to the kinds the
// frontend names.
import type { alerts, history, service } from '../../wailsjs/go/models';
import type { Narrow } from './types';

export const ALERT_KINDS = ['outage', 'recovered', 'auth_failed', 'max_connections', 'silent', 'redis_gap', 'remote'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_LABELS: Record<AlertKind, string> = {
  outage: 'Connection out of “connected” longer than the threshold',
  recovered: 'Recovery after an alerted outage (with its length)',
  auth_failed: 'API key refused (auth_failed)',
  max_connections: 'Too many connections for the key (max_connections)',
  silent: 'Connected but no tick while the others receive ticks',
  redis_gap: 'Redis subscription down or a gap in it',
  remote: 'Remote server unreachable or sign-in lost',
};

export const ENTRY_KINDS = ['transition', 'alert', 'gap', 'silence', 'remote', 'session'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** One timeline entry (backend/alerts.Entry). */
export type Entry = Narrow<alerts.Entry, { kind: EntryKind; alert?: AlertKind }>;
export type TimelineQuery = history.Query;
export type Minute = history.Minute;
export type Span = history.Span;
export type Chart = history.Chart;
export type AlertSettings = Narrow<alerts.Settings, { off: AlertKind[] }>;

export type HistoryStatus = service.HistoryStatus;

/** "connection_2" → "Connection 2"; "redis" → "Redis"; "" → "Monitor". */
export function connectionLabel(id: string): string {
  if (id.startsWith('connection_')) return `Connection ${id.slice('connection_'.length)}`;
  return ({ redis: 'Redis', remote: 'Remote server', '': 'Monitor' } as Record<string, string>)[id] ?? id;
}

/** Seconds → "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min". */
export function formatSpan(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const pad = (x: number) => String(x).padStart(2, '0');
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${pad(Math.floor(seconds % 60))} s`;
  return `${Math.floor(seconds / 3600)} h ${pad(Math.floor((seconds % 3600) / 60))} min`;
}

/** Unix seconds → local "HH:MM:SS", with the date when not today. */
export function formatTime(at: number, nowMs = Date.now()): string {
  const d = new Date(at * 1000);
  const time = d.toLocaleTimeString('en-GB', { hour12: false });
  const today = new Date(nowMs).toDateString() === d.toDateString();
  return today ? time : `${d.toISOString().slice(0, 10)} ${time}`;
}

/** Bytes → "1.2 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Columns for uPlot: one point per minute from `from` to `to`, at the
 * minute's middle (its figures are about the whole minute), null where
 * nothing was recorded, so a gap is drawn as a gap rather than a line.
 */
export function chartColumns(c: Chart): [number[], (number | null)[], (number | null)[]] {
  const byStart = new Map(c.minutes.map((m) => [m.start, m]));
  const pts: [number, number | null, number | null][] = [];
  const first = Math.floor(c.from / 60) * 60;
  for (let t = first; t <= c.to; t += 60) {
    const m = byStart.get(t);
    pts.push([Math.min(t + 30, c.to), m ? m.rate_avg : null, m ? m.rate_max : null]); // the minute in progress: at now
  }
  // The line breaks where the monitor was not running, even inside a minute
  // that has figures from before and after a restart.
  for (const u of c.unobserved) {
    if (u.to > c.from && u.from < c.to) pts.push([u.from, null, null], [u.to, null, null]);
  }
  pts.sort((a, b) => a[0] - b[0]);
  return [pts.map((p) => p[0]), pts.map((p) => p[1]), pts.map((p) => p[2])];
}
