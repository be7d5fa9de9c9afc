// The Wails bridge: bound Go methods under window.go.app.App and the runtime's
// event functions under window.runtime. Wails injects both into the page; this
// module is the one place that touches them, so tests can replace it.
import type { AppInfo, Lookup, Profile, ProfileList, RemoteState, Snapshot, SourceState } from './types';
import type { AlertSettings, Chart, Entry, HistoryStatus, Minute, TimelineQuery } from './incidents';
import { httpBackend, onHttpEvent } from './bridge-http';
import { shell } from './shell';

export interface BoundApp {
  Snapshot(): Promise<Snapshot>;
  Info(): Promise<AppInfo>;
  Source(): Promise<SourceState>;
  Pause(): Promise<void>;
  Resume(): Promise<void>;
  SetFilter(symbol: string): Promise<void>;
  LookupSymbol(symbol: string): Promise<Lookup>;
  DropConnection(id: string): Promise<void>;
  StallConnection(id: string, seconds: number): Promise<void>;
  MarkPainted(): Promise<number>;
  TicksPainted(seq: number): Promise<void>;
  RemoteState(): Promise<RemoteState | null>;
  SignIn(password: string, remember: boolean): Promise<void>;
  ForgetPassword(): Promise<void>;
  ListProfiles(): Promise<ProfileList>;
  SaveProfile(p: Profile): Promise<void>;
  DeleteProfile(name: string): Promise<void>;
  UseProfile(name: string): Promise<void>;
  Timeline(q: TimelineQuery): Promise<Entry[]>;
  ExportTimeline(q: TimelineQuery, format: string): Promise<string>;
  SaveTimelineExport(q: TimelineQuery, format: string): Promise<string>;
  HistoryChart(connection: string, hours: number): Promise<Chart>;
  FiguresAround(connection: string, at: number): Promise<Minute[]>;
  HistoryStatus(): Promise<HistoryStatus>;
  AlertSettings(): Promise<AlertSettings>;
  SetAlertSettings(s: AlertSettings): Promise<void>;
  DropConnectionFor(id: string, seconds: number): Promise<void>;
}

interface WailsRuntime {
  EventsOnMultiple(name: string, cb: (...data: unknown[]) => void, max: number): () => void;
}

declare global {
  interface Window {
    go?: { app?: { App?: BoundApp } };
    runtime?: WailsRuntime;
  }
}

function bound(): BoundApp {
  const a = window.go?.app?.App;
  if (!a) throw new Error('The Go backend is not connected (window.go is missing). Open the app through Wails, not the Vite URL.');
  return a;
}

// Each call is async so a missing backend is a rejected promise, never a throw.
const windowBackend = {
  snapshot: async (): Promise<Snapshot> => bound().Snapshot(),
  info: async (): Promise<AppInfo> => bound().Info(),
  source: async (): Promise<SourceState> => bound().Source(),
  pause: async (): Promise<void> => bound().Pause(),
  resume: async (): Promise<void> => bound().Resume(),
  setFilter: async (symbol: string): Promise<void> => bound().SetFilter(symbol),
  lookupSymbol: async (symbol: string): Promise<Lookup> => bound().LookupSymbol(symbol),
  dropConnection: async (id: string): Promise<void> => bound().DropConnection(id),
  stallConnection: async (id: string, seconds: number): Promise<void> => bound().StallConnection(id, seconds),
  markPainted: async (): Promise<number> => bound().MarkPainted(),
  ticksPainted: async (seq: number): Promise<void> => bound().TicksPainted(seq),
  remoteState: async (): Promise<RemoteState | null> => bound().RemoteState(),
  // The email is asked only by the browser's sign-in; the window's comes from the profile.
  signIn: async (password: string, remember: boolean, _email?: string): Promise<void> => bound().SignIn(password, remember),
  forgetPassword: async (): Promise<void> => bound().ForgetPassword(),
  listProfiles: async (): Promise<ProfileList> => bound().ListProfiles(),
  saveProfile: async (p: Profile): Promise<void> => bound().SaveProfile(p),
  deleteProfile: async (name: string): Promise<void> => bound().DeleteProfile(name),
  useProfile: async (name: string): Promise<void> => bound().UseProfile(name),
  timeline: async (q: TimelineQuery): Promise<Entry[]> => bound().Timeline(q),
  exportTimeline: async (q: TimelineQuery, format: string): Promise<string> => bound().ExportTimeline(q, format),
  saveTimelineExport: async (q: TimelineQuery, format: string): Promise<string> => bound().SaveTimelineExport(q, format),
  historyChart: async (connection: string, hours: number): Promise<Chart> => bound().HistoryChart(connection, hours),
  figuresAround: async (connection: string, at: number): Promise<Minute[]> => bound().FiguresAround(connection, at),
  historyStatus: async (): Promise<HistoryStatus> => bound().HistoryStatus(),
  alertSettings: async (): Promise<AlertSettings> => bound().AlertSettings(),
  setAlertSettings: async (s: AlertSettings): Promise<void> => bound().SetAlertSettings(s),
  dropConnectionFor: async (id: string, seconds: number): Promise<void> => bound().DropConnectionFor(id, seconds),
};

export type Backend = typeof windowBackend;

/** The window's bound methods, or in a browser tab served by `serve` the HTTP bridge (bridge-http.ts); chosen once (shell.ts). */
export const backend: Backend = shell.kind === 'browser' ? httpBackend : windowBackend;

/** Subscribes to a Go event; returns the function that unsubscribes. */
export function onEvent<T>(name: string, cb: (data: T) => void): () => void {
  if (shell.kind === 'browser') return onHttpEvent(name, cb);
  const rt = window.runtime;
  if (!rt) return () => {};
  return rt.EventsOnMultiple(name, (data: unknown) => cb(data as T), -1);
}
