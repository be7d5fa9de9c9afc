// Shapes of the alerts, timeline and history that the Go side sends: the
// types Wails generates from backend/alerts, backend/history and
// backend/service (frontend/wailsjs/go/models.ts), narrowed to the kinds the
// frontend names.
import type { alerts, history, service, wire } from '../../wailsjs/go/models';
import type { Narrow } from './types';
import { causeTitle, levelWord } from './verdict';

export const ALERT_KINDS = [
  'outage',
  'recovered',
  'auth_failed',
  'max_connections',
  'silent',
  'redis_gap',
  'remote',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

// A notification opens an incident (the verdict not OK), named by its root
// cause; these are the kinds of those causes, turned on and off.
export const ALERT_LABELS: Record<AlertKind, string> = {
  outage: 'Connections down (the provider) longer than the threshold',
  recovered:
    'Recovery: the incident is over (with its length; always sent after a notified incident unless turned off)',
  auth_failed: 'API key refused (auth_failed), at once',
  max_connections: 'Too many connections for the key (max_connections), at once',
  silent: 'Connected but no tick (silent) longer than the no-tick threshold',
  redis_gap: 'Ticks not published to Redis, or this monitor’s Redis subscription lost',
  remote: 'Remote server unreachable, its monitor unavailable, or the sign-in lost',
};

export const ENTRY_KINDS = ['incident', 'transition', 'alert', 'gap', 'silence', 'remote', 'session'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** One timeline entry (backend/wire.Entry). */
export type Entry = Narrow<wire.Entry, { kind: EntryKind; alert?: AlertKind }>;
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

/** An incident as one timeline row: the verdict not OK from `start` until `end`. */
export interface IncidentSummary {
  start: number;
  /** When it was OK again; null while it is open, or when the monitor stopped first (`unobserved`). */
  end: number | null;
  /** The monitor stopped (or this window closed) while it was open: its end was not seen. */
  unobserved: number | null;
  level: string;
  cause: string;
  /** The root causes it had, oldest first ("provider_down", "key_refused"). */
  causes: string[];
  sentence: string;
  where: string;
  notified: boolean;
}

export type TimelineRow =
  | { type: 'entry'; key: string; entry: Entry }
  | { type: 'loop'; key: string; items: Entry[] }
  | { type: 'incident'; key: string; incident: IncidentSummary; items: Entry[] };

const keyOf = (e: Entry) => (e.id ? `id${e.id}` : `n${e.at}${e.connection}${e.kind}${e.to}`);

/**
 * The timeline's rows, newest first: one per incident (its entries are its
 * details), quick runs of one connection's transitions outside an incident
 * (a reconnect loop: each within `flapS` of the next, at least `minRun`) as
 * one row, and every other entry as its own.
 */
export function timelineRows(entries: Entry[], flapS = 3, minRun = 4): TimelineRow[] {
  const groups = new Map<number, Entry[]>();
  for (const e of entries) {
    if (!e.incident) continue;
    const g = groups.get(e.incident);
    if (g) g.push(e);
    else groups.set(e.incident, [e]);
  }
  // Only a group that has its incident's own entries is shown as one (a filter may have left them out).
  for (const [k, g] of groups) if (!g.some((e) => e.kind === 'incident')) groups.delete(k);

  const out: TimelineRow[] = [];
  let run: Entry[] = [];
  const flush = () => {
    if (run.length >= minRun) out.push({ type: 'loop', key: `g${keyOf(run[run.length - 1])}`, items: run });
    else for (const e of run) out.push({ type: 'entry', key: keyOf(e), entry: e });
    run = [];
  };
  const shown = new Set<number>();
  let sessionAfter: number | null = null; // the oldest session entry seen so far (newer than what follows)
  for (const e of entries) {
    const g = e.incident ? groups.get(e.incident) : undefined;
    if (g) {
      if (!shown.has(e.incident)) {
        flush();
        shown.add(e.incident);
        out.push({
          type: 'incident',
          key: `i${e.incident}`,
          incident: summarise(e.incident, g, sessionAfter),
          items: g,
        });
      }
      continue;
    }
    if (e.kind === 'session') sessionAfter = e.at;
    const last = run[run.length - 1];
    if (e.kind === 'transition' && (!last || (last.connection === e.connection && last.at - e.at <= flapS))) {
      run.push(e);
      continue;
    }
    flush();
    if (e.kind === 'transition') run.push(e);
    else out.push({ type: 'entry', key: keyOf(e), entry: e });
  }
  flush();
  return out;
}

function summarise(start: number, items: Entry[], sessionAfter: number | null): IncidentSummary {
  const own = items.filter((e) => e.kind === 'incident'); // newest first
  const closed = own.find((e) => e.to === 'healthy');
  const current = own.find((e) => e.to !== 'healthy') ?? own[0];
  const causes: string[] = [];
  for (const e of [...own].reverse()) {
    const c = e.to === 'healthy' ? e.from : e.to;
    if (c && causes[causes.length - 1] !== c) causes.push(c);
  }
  return {
    start,
    end: closed ? closed.at : null,
    unobserved: !closed && sessionAfter !== null && sessionAfter > start ? sessionAfter : null,
    level: current?.level ?? '',
    cause: closed?.cause || current?.cause || '',
    causes,
    sentence: current?.message ?? '',
    where: current?.connection ?? '',
    notified: items.some((e) => e.kind === 'alert' && e.notified),
  };
}

/** "DOWN · not publishing" for an incident; its length, or "ongoing". */
export function incidentWhat(i: IncidentSummary): string {
  return `${levelWord(i.level)} · ${causeTitle(i.cause)}`;
}

/**
 * An incident's length; for one still open, "ongoing", or "recovering" when
 * the verdict is OK again (okNow): the incident closes once OK has held for
 * 3 s (backend/alerts.Settle), and until then the header already
 * says OK, so the timeline must not say the opposite.
 */
export function incidentLength(i: IncidentSummary, okNow = false): string {
  if (i.end !== null) return formatSpan(i.end - i.start);
  if (i.unobserved !== null) return `≥ ${formatSpan(i.unobserved - i.start)}`;
  return okNow ? 'recovering' : 'ongoing';
}

/** An entry's short "what": a transition's words, never "undefined". */
export function entryWhat(e: Entry): string {
  // An incident's alert names its cause word; an older alert (before incidents) its kind.
  if (e.kind === 'alert') return `alert: ${e.incident && e.alert !== 'recovered' ? causeTitle(e.cause) : e.alert}`;
  if (e.kind === 'incident')
    return e.to === 'healthy' ? 'OK again' : `${levelWord(e.level ?? '')} · ${causeTitle(e.to ?? '')}`;
  if ((e.kind === 'transition' || e.kind === 'remote' || e.kind === 'silence') && e.to && e.from !== e.to) {
    return e.from ? `${e.from} → ${e.to}` : `→ ${e.to}`;
  }
  return e.kind;
}
