// Which shell the dashboard runs in, decided once at start-up: the desktop
// window (Wails runtime, bound Go methods and events) or a browser tab served
// by `tickstock-ingest serve` (HTTP calls and the /admin-ws push stream).
// The server says so in the page it serves (a <meta name="tickstock-shell">
// it adds); a page with the Wails runtime is always the window. Components
// read only the capabilities below, never the kind.

export type ShellKind = 'window' | 'browser';

function detect(): ShellKind {
  if (typeof window === 'undefined' || typeof document === 'undefined') return 'window';
  const w = window as unknown as Record<string, unknown>;
  if (w.go || w.runtime || w.WailsInvoke) return 'window';
  const meta = document.querySelector<HTMLMetaElement>('meta[name="tickstock-shell"]');
  return meta?.content === 'browser' ? 'browser' : 'window';
}

const kind = detect();

export const shell = {
  kind,
  /** Drop/Stall change the ingest for everyone: only the window's operator may use them. */
  ingestControls: kind === 'window',
  /** Saved profiles, the incident timeline and alerts live with the desktop app. */
  profiles: kind === 'window',
  incidents: kind === 'window',
  /**
   * The Redis subscription's state is the server's, sent on the push stream
   * to admins only: without an admin session it does not come (the window
   * subscribes to Redis itself, signed in or not).
   */
  sourceFromServer: kind === 'browser',
} as const;
