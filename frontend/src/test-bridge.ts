// A fake Wails bridge for component and store tests.
import { vi } from 'vitest';
import type { wire } from '../wailsjs/go/models';
import type { BoundApp } from './lib/bridge';

/** Installs window.go.app.App with vi.fn() methods, overridden by `over`. */
export function fakeApp(over: Partial<BoundApp> = {}): BoundApp {
  const app: BoundApp = {
    Snapshot: vi.fn(),
    Info: vi.fn(),
    Source: vi.fn(),
    Pause: vi.fn(async () => {}),
    Resume: vi.fn(async () => {}),
    SetFilter: vi.fn(async () => {}),
    LookupSymbol: vi.fn(),
    DropConnection: vi.fn(async () => {}),
    StallConnection: vi.fn(async () => {}),
    ReconnectNow: vi.fn(async () => {}),
    MarkPainted: vi.fn(async () => 0),
    TicksPainted: vi.fn(async () => {}),
    WindowHidden: vi.fn(async () => {}),
    // Go returns a nil *wire.RemoteState outside remote mode; the generated type cannot say so.
    RemoteState: vi.fn(async () => null as unknown as wire.RemoteState),
    SignIn: vi.fn(async () => {}),
    ForgetPassword: vi.fn(async () => {}),
    ListProfiles: vi.fn(async () => ({ profiles: [], last: '', path: '/tmp/profiles.json' })),
    SaveProfile: vi.fn(async () => {}),
    DeleteProfile: vi.fn(async () => {}),
    UseProfile: vi.fn(async () => {}),
    Timeline: vi.fn(async () => []),
    ExportTimeline: vi.fn(async () => ''),
    SaveTimelineExport: vi.fn(async () => ''),
    HistoryChart: vi.fn(),
    FiguresAround: vi.fn(async () => []),
    HistoryStatus: vi.fn(async () => ({ path: '', problem: '', bytes: 0, dropped: 0, session: '' })),
    AlertSettings: vi.fn(async () => ({ off: [], outage_after_s: 10, silent_after_s: 30, quiet: false })),
    SetAlertSettings: vi.fn(async () => {}),
    DropConnectionFor: vi.fn(async () => {}),
    Verdict: vi.fn(),
    ...over,
  };
  window.go = { app: { App: app } };
  return app;
}
