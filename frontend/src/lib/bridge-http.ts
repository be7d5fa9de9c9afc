// The browser shell's bridge: the same calls and events as the window's
// (bridge.ts), over `tickstock-ingest serve`'s HTTP routes and its push
// stream /admin-ws?stream=dashboard. The session is the server's cookie;
// this tab's pause and filter live on the server with this tab's socket
// (the monitor is shared by every viewer), so they are sent again after a
// reconnect.
import type { Backend } from './bridge';
import { EventMetrics, EventReopened, EventRemote, EventSource, EventStatus, EventTicks, EventVerdict } from './events';
import type { AdminSession, AppInfo, Lookup, RemoteState, Snapshot, SourceState, Verdict } from './types';

type Listener = (data: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

function emit(name: string, data: unknown): void {
  for (const cb of listeners.get(name) ?? []) cb(data);
}

/** Subscribes to an event of the push stream (or of the sign-in state); returns the unsubscribe. */
export function onHttpEvent<T>(name: string, cb: (data: T) => void): () => void {
  let set = listeners.get(name);
  if (!set) listeners.set(name, (set = new Set()));
  const l = cb as Listener;
  set.add(l);
  return () => set.delete(l);
}

// The push stream's events, in the window's names.
const pushed: Record<string, string> = {
  connection_status_update: EventStatus,
  tick_batch: EventTicks,
  tick_metrics: EventMetrics,
  source_state: EventSource,
};

const NOT_HERE = 'is offered only in the desktop window: it changes the ingest (or this machine) for everyone';

/** The server's answer as an Error with its own message (JSON {"message"}), or the status. */
async function fail(r: Response): Promise<Error> {
  let msg = `${r.status} ${r.statusText}`;
  try {
    const b = await r.json();
    if (b?.message) msg = b.message;
  } catch {}
  return new Error(msg);
}

async function getJSON<T>(path: string): Promise<T> {
  const r = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!r.ok) throw await fail(r);
  return (await r.json()) as T;
}

async function post(path: string, body?: unknown): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

// ---- the sign-in state, shown by the same panel as the window's remote mode

const now = () => Date.now() / 1000;
let state: RemoteState = {
  state: 'signing_in',
  server: typeof location !== 'undefined' ? location.origin : '',
  email: '',
  kind: 'tickstock-ingest serve',
  detail: 'Checking the sign-in…',
  retry_at: 0,
  since: now(),
  push: true,
  feed: 'push',
  counts_only: false,
  // The tab's own server is never shown stale: a lost socket is said as unreachable.
  stale: false,
  last_data: 0,
  push_dropped: 0,
  session_only: true,
};

function setState(s: Partial<RemoteState>): void {
  const changed = s.state !== undefined && s.state !== state.state;
  state = { ...state, ...s, since: changed ? now() : state.since };
  emit(EventRemote, state);
  const v = accessVerdict(state);
  if (v) {
    firstVerdict.resolve(v);
    emit(EventVerdict, v);
  }
}

/**
 * The tab's verdict while the server's cannot reach it: not signed in or not
 * an admin is UNKNOWN (nothing can be judged), a server that does not answer
 * is DOWN — the words of the window's verdict for the same states
 * (backend/verdict). The last verdict the server sent is never left showing
 * as current once the session or the link has ended.
 */
function accessVerdict(s: RemoteState): Verdict | null {
  const base = { sentence: s.detail, since: s.since, at: now(), connected: 0, enabled: 0, queued: 0, connections: {} };
  switch (s.state) {
    case 'needs_password':
    case 'forbidden':
    case 'session_expired':
      return { ...base, level: 'unknown', cause: 'not_signed_in' };
    case 'unreachable':
      return { ...base, level: 'down', cause: 'server_unreachable' };
  }
  return null;
}

// The server's sentence for the last 401 of /api/admin/session (expired,
// signed out, the server's session key changed…).
let refusal = '';

/** Asks who is signed in: null when nobody is; throws when the server cannot be reached. */
async function whoami(): Promise<AdminSession | null> {
  const r = await fetch('/api/admin/session', { credentials: 'same-origin' });
  if (r.status === 401) {
    refusal = (await fail(r)).message.replace(/:\s*sign in again\.?$/, '');
    return null;
  }
  if (!r.ok) throw await fail(r);
  return (await r.json()) as AdminSession;
}

// ---- the push stream

// The stream's first status and source state answer snapshot() and
// source(): no request of their own (a tab keeps only its push stream open).
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
const firstStatus = deferred<Snapshot>();
const firstSource = deferred<SourceState>();
const firstVerdict = deferred<Verdict>();

let ws: WebSocket | null = null;
let live = false; // a message came since the stream (re)opened
let retryMs = 1000;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
const view = { paused: false, filter: '' };

function send(msg: Record<string, string | number>): void {
  if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
}

function openStream(): void {
  const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/admin-ws?stream=dashboard`;
  const sock = new WebSocket(url);
  ws = sock;
  sock.onopen = () => {
    retryMs = 1000;
    if (view.filter) send({ type: 'filter', filter: view.filter });
    if (view.paused) send({ type: 'pause' });
    if (document.hidden) send({ type: 'hidden' });
  };
  sock.onmessage = (e) => {
    let m: { event?: string; data?: unknown; verdict?: Verdict };
    try {
      m = JSON.parse(String(e.data));
    } catch {
      return;
    }
    const name = pushed[m.event ?? ''];
    if (!name) return; // an event this page does not know (a newer server)
    if (!live) {
      live = true;
      setState({
        state: 'observing',
        stale: false,
        retry_at: 0,
        detail: `Signed in to ${location.host} as ${state.email}: live figures through the server's push stream.`,
      });
    }
    if (name === EventStatus) {
      state.last_data = now();
      firstStatus.resolve(m.data as Snapshot);
      // The server's verdict comes beside its status (serve judges what it runs).
      if (m.verdict) {
        firstVerdict.resolve(m.verdict);
        emit(EventVerdict, m.verdict);
      }
    } else if (name === EventSource) {
      firstSource.resolve(m.data as SourceState);
    }
    emit(name, m.data);
    // Say which metrics this tab has taken in (just now, above): the server
    // holds back the rows of a tab that falls more than 2 s behind, so it
    // catches up instead of showing, as live, figures ever older.
    if (name === EventMetrics) send({ type: 'seen', at: (m.data as { at?: number })?.at ?? 0 });
  };
  sock.onclose = () => {
    if (ws !== sock) return;
    ws = null;
    live = false;
    void afterClose();
  };
}

/** Why the stream closed: the session ended (sign in again), or the link (retry). */
async function afterClose(): Promise<void> {
  try {
    const s = await whoami();
    if (!s) {
      // The server says why (expired, signed out, its key changed); a
      // restart alone does not end a session (the server signs them).
      const why = refusal ? ` (the server says: ${refusal})` : ' (it expired, or you signed out elsewhere)';
      setState({
        state: 'needs_password',
        stale: true,
        detail: `Your session ended${why}: sign in again. The figures below are the last ones received.`,
      });
      return;
    }
    if (!s.admin) {
      forbidden(s);
      return;
    }
  } catch {
    // unreachable: retried below
  }
  // At most 5 s apart: a wall screen is live again within seconds of its
  // server's restart (its session outlives the restart).
  const wait = retryMs;
  retryMs = Math.min(retryMs * 2, 5000);
  setState({
    state: 'unreachable',
    stale: true,
    retry_at: now() + wait / 1000,
    // The delay is retry_at's, which the header counts down: no second, frozen number here.
    detail: `The push stream from ${location.host} broke; reconnecting.`,
  });
  clearTimeout(retryTimer);
  retryTimer = setTimeout(openStream, wait);
}

function forbidden(s: AdminSession): void {
  setState({
    state: 'forbidden',
    email: s.email,
    detail: `Signed in as ${s.email} (role ${s.role}): this dashboard is for admins only. Sign in with an admin account.`,
  });
}

// A background tab paints nothing (no animation frames), so the batches it
// was sent would pile up in it: the server holds them back until it is
// shown again, then sends the newest rows. Status and metrics keep coming
// (the <title> carries the state to the tab strip).
if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => send({ type: document.hidden ? 'hidden' : 'visible' }));
}

let started: Promise<void> | null = null;

/** Once per page: finds out who is signed in, and opens the stream for an admin. */
function start(): Promise<void> {
  started ??= (async () => {
    try {
      const s = await whoami();
      if (!s) {
        setState({ state: 'needs_password', detail: `Sign in to ${location.host} with an admin account.` });
      } else if (!s.admin) {
        forbidden(s);
      } else {
        setState({
          state: 'observing',
          email: s.email,
          detail: `Signed in to ${location.host} as ${s.email}: connecting to the push stream…`,
        });
        openStream();
      }
    } catch (e) {
      setState({
        state: 'unreachable',
        detail: `${location.host} does not answer (${e instanceof Error ? e.message : String(e)}): reload the page to try again.`,
      });
    }
  })();
  return started;
}

function notHere(what: string): Promise<never> {
  return Promise.reject(new Error(`${what} ${NOT_HERE}.`));
}

export const httpBackend: Backend = {
  snapshot: async (): Promise<Snapshot> => {
    await start();
    // Not signed in as an admin: no figures, and the sign-in panel says why
    // (a second, red "could not read" would say it again). The page reloads
    // once signed in.
    if (state.state !== 'observing') return new Promise<Snapshot>(() => {});
    return firstStatus.promise;
  },
  info: async (): Promise<AppInfo> => getJSON<AppInfo>('/api/admin/info'),
  // The first verdict the push stream brings; none comes before sign-in (the line stays neutral).
  verdict: async (): Promise<Verdict> => firstVerdict.promise,
  source: async (): Promise<SourceState> => firstSource.promise,
  pause: async (): Promise<void> => {
    view.paused = true;
    send({ type: 'pause' });
  },
  resume: async (): Promise<void> => {
    view.paused = false;
    send({ type: 'resume' });
  },
  setFilter: async (symbol: string): Promise<void> => {
    view.filter = symbol.trim().toUpperCase();
    send({ type: 'filter', filter: view.filter });
  },
  lookupSymbol: async (symbol: string): Promise<Lookup> =>
    getJSON<Lookup>(`/api/admin/lookup?symbol=${encodeURIComponent(symbol)}`),
  dropConnection: async () => notHere('Drop'),
  stallConnection: async () => notHere('Stall'),
  dropConnectionFor: async () => notHere('Drop'),
  // An admin's POST (the session cookie; the browser's Origin is this server's).
  reconnectNow: async (id: string): Promise<void> => {
    const r = await post(`/api/admin/connections/${encodeURIComponent(id)}/reconnect`);
    if (!r.ok) throw await fail(r);
  },
  markPainted: async (): Promise<number> => 0,
  // The server paces batches itself (one per flush interval): nothing to say.
  ticksPainted: async (): Promise<void> => {},
  // The push stream says hidden / visible itself (below): the server holds
  // the rows back and sends the newest on show.
  windowHidden: async (): Promise<void> => {},
  remoteState: async (): Promise<RemoteState | null> => {
    await start();
    return state;
  },
  signIn: async (password: string, _remember: boolean, email?: string): Promise<void> => {
    const r = await post('/login', { email: email ?? state.email, password });
    if (!r.ok) throw await fail(r);
    emit(EventReopened, null); // the page starts afresh, signed in
  },
  forgetPassword: async (): Promise<void> => {
    const r = await post('/logout');
    if (!r.ok) throw await fail(r);
    emit(EventReopened, null);
  },
  listProfiles: async () => notHere('Saved profiles'),
  saveProfile: async () => notHere('Saved profiles'),
  deleteProfile: async () => notHere('Saved profiles'),
  useProfile: async () => notHere('Saved profiles'),
  timeline: async () => [],
  exportTimeline: async () => notHere('The incident timeline'),
  saveTimelineExport: async () => notHere('The incident timeline'),
  historyChart: async () => notHere('The 24 h history'),
  figuresAround: async () => [],
  historyStatus: async () => notHere('The history'),
  alertSettings: async () => notHere('Alerts'),
  setAlertSettings: async () => notHere('Alerts'),
};
