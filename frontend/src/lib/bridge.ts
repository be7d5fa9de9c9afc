// The Wails bridge: the bound Go methods and the runtime's events, both
// through the code Wails generates from Go (frontend/wailsjs, `make
// bindings`), so a method or a type that Go does not have fails svelte-check.
// This module is the one place that touches them, so tests can replace it
// (src/test-bridge.ts installs a fake window.go.app.App). In a browser tab
// served by `serve` the same shape is implemented over HTTP and /admin-ws
// (bridge-http.ts); which one is decided once at start-up (shell.ts).
import * as App from '../../wailsjs/go/app/App';
import { EventsOnMultiple } from '../../wailsjs/runtime/runtime';
import { httpBackend, onHttpEvent } from './bridge-http';
import { shell } from './shell';
import type { AlertSettings, Entry, TimelineQuery } from './incidents';
import type { ProfileList, RemoteState, SourceState, Verdict } from './types';

/** The bound methods, exactly as Go declares them (frontend/wailsjs/go/app/App.d.ts). */
export type BoundApp = typeof App;

/** The part of window.runtime this module uses (tests install a fake one). */
interface WailsRuntime {
  EventsOnMultiple(name: string, cb: (...data: unknown[]) => void, max: number): () => void;
}

declare global {
  interface Window {
    go?: { app?: { App?: BoundApp } };
    runtime?: WailsRuntime;
  }
}

function connected(): void {
  if (!window.go?.app?.App)
    throw new Error(
      'The Go backend is not connected (window.go is missing). Open the app through Wails, not the Vite URL.',
    );
}

/** Wraps a bound method so a missing backend is a rejected promise, never a throw. */
function call<A extends unknown[], R>(m: (...a: A) => Promise<R>): (...a: A) => Promise<R> {
  return async (...a: A) => {
    connected();
    return m(...a);
  };
}

// Where Go sends a plain string that the frontend narrows to the words it
// names (types.ts Narrow), the method's result is asserted to the narrowed
// type; Narrow keeps every such field tied to a field Go has.
const windowBackend = {
  snapshot: call(App.Snapshot),
  verdict: call(App.Verdict) as () => Promise<Verdict>,
  info: call(App.Info),
  source: call(App.Source) as () => Promise<SourceState>,
  pause: call(App.Pause),
  resume: call(App.Resume),
  setFilter: call(App.SetFilter),
  lookupSymbol: call(App.LookupSymbol),
  dropConnection: call(App.DropConnection),
  stallConnection: call(App.StallConnection),
  reconnectNow: call(App.ReconnectNow),
  markPainted: call(App.MarkPainted),
  ticksPainted: call(App.TicksPainted),
  windowHidden: call(App.WindowHidden),
  /** null outside remote mode (Go returns a nil *wire.RemoteState). */
  remoteState: call(App.RemoteState) as () => Promise<RemoteState | null>,
  // The email is asked only by the browser's sign-in; the window's comes from the profile.
  signIn: (password: string, remember: boolean, _email?: string): Promise<void> => call(App.SignIn)(password, remember),
  forgetPassword: call(App.ForgetPassword),
  listProfiles: call(App.ListProfiles) as () => Promise<ProfileList>,
  saveProfile: call(App.SaveProfile),
  deleteProfile: call(App.DeleteProfile),
  useProfile: call(App.UseProfile),
  timeline: call(App.Timeline) as (q: TimelineQuery) => Promise<Entry[]>,
  exportTimeline: call(App.ExportTimeline),
  saveTimelineExport: call(App.SaveTimelineExport),
  historyChart: call(App.HistoryChart),
  figuresAround: call(App.FiguresAround),
  historyStatus: call(App.HistoryStatus),
  alertSettings: call(App.AlertSettings) as () => Promise<AlertSettings>,
  setAlertSettings: call(App.SetAlertSettings),
  dropConnectionFor: call(App.DropConnectionFor),
};

export type Backend = typeof windowBackend;

/** The window's bound methods, or in a browser tab served by `serve` the HTTP bridge; chosen once (shell.ts). */
export const backend: Backend = shell.kind === 'browser' ? httpBackend : windowBackend;

/** Subscribes to a Go event; returns the function that unsubscribes. */
export function onEvent<T>(name: string, cb: (data: T) => void): () => void {
  if (shell.kind === 'browser') return onHttpEvent(name, cb);
  if (!window.runtime) return () => {};
  return EventsOnMultiple(name, (data: unknown) => cb(data as T), -1);
}
