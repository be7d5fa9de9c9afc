// The header at the widths people use (390, 768, 1024, 1440 px), on a bad
// day: the remote server down, Redis reconnecting to a long address after
// gaps. Nothing that matters is cut: each chip's word is whole in its own
// element (the part the CSS never lets give way, see Chip.svelte and
// SourceStatus.svelte), the chip's text is whole for screen readers and
// copy-paste, its hover says the whole sentence, and the verdict line says
// the verdict whole. jsdom draws nothing, so what the browser draws at each
// width is measured in e2e/operator.e2e.mjs ("the header at …").
import { render, screen, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { EventVerdict } from './lib/events';
import { fakeApp } from './test-bridge';
import type { ConnectionSnapshot, RemoteState, Snapshot, SourceState, Verdict } from './lib/types';

const WIDTHS = [390, 768, 1024, 1440];

function conn(name: string): ConnectionSnapshot {
  return {
    name,
    enabled: true,
    status: 'connected',
    universe_key: 'demo',
    assigned_tickers: 1,
    tickers: ['AAPL'],
    message_count: 100,
    error_count: 0,
    reconnect_count: 0,
    last_message_time: 1,
    connected_since: 1,
    last_error: '',
    status_since: 1,
    retry_at: 0,
    publish_dropped: 0,
    subscribed_channels: 1,
  };
}

const snapshot: Snapshot = {
  total_connections: 3,
  enabled_connections: 3,
  connected_count: 3,
  total_ticks_received: 300,
  total_errors: 0,
  connections: { connection_1: conn('primary'), connection_2: conn('secondary'), connection_3: conn('tertiary') },
};

const nowS = () => Date.now() / 1000;

const down = (): RemoteState => ({
  state: 'unreachable',
  server: 'http://ops-monitor.example.internal:8765',
  email: 'admin@example.com',
  detail:
    'Cannot reach the server: dial tcp 10.20.30.40:8765: connect: connection refused. Retrying, with a longer pause after each failure.',
  retry_at: nowS() + 19.4,
  since: nowS() - 30,
  push: true,
  counts_only: false,
  kind: 'tickstock-ingest serve',
  feed: 'push',
  stale: true,
  last_data: nowS() - 31,
  push_dropped: 0,
});

const reconnecting: SourceState = {
  state: 'reconnecting',
  kind: 'sentinel',
  node: 'redis-sentinel-a.example.internal:26379',
  where: 'sentinel redis-sentinel-a.example.internal:26379 master tickstock-primary db 0 · channel tickstock:ticks',
  channel: 'tickstock:ticks',
  pattern: false,
  detail: 'dial tcp 10.20.30.41:6379: connect: connection refused',
  since: 1,
  gaps: 2,
  last_gap: { from: 1, to: 4.2, seconds: 3.2, reason: 'the Sentinel failed over to a new master' },
  feed: 'redis',
  feed_detail: '',
  skipped: 0,
};

const verdictDown: Verdict = {
  level: 'down',
  cause: 'server_unreachable',
  since: nowS() - 30,
  at: nowS(),
  connected: 0,
  enabled: 3,
  sentence: 'The server does not answer: check that it runs and that this machine can reach it.',
  connections: {},
} as unknown as Verdict;

/** matchMedia as a browser of this width answers it (min-/max-width in px). */
function atWidth(width: number) {
  window.innerWidth = width;
  window.matchMedia = ((q: string) => {
    const max = /max-width:\s*(\d+)px/.exec(q);
    const min = /min-width:\s*(\d+)px/.exec(q);
    const matches = (!max || width <= Number(max[1])) && (!min || width >= Number(min[1]));
    return { matches, media: q, addEventListener() {}, removeEventListener() {} };
  }) as unknown as typeof window.matchMedia;
}

let handlers: Record<string, (d: unknown) => void>;
const innerWidth = window.innerWidth;

beforeEach(() => {
  handlers = {};
  window.runtime = { EventsOnMultiple: (name, cb) => ((handlers[name] = cb), () => delete handlers[name]) };
  fakeApp({
    Snapshot: vi.fn(async () => snapshot),
    Info: vi.fn(async () => ({
      product: 'TickStock Connections Monitor',
      version: '1.2.3',
      mode: 'remote',
      warnings: [],
      problem: '',
      profile: '',
      remote: 'http://ops-monitor.example.internal:8765',
      keyring_problem: '',
    })),
    Source: vi.fn(async () => reconnecting),
    RemoteState: vi.fn(async () => down()),
    Verdict: vi.fn(async () => verdictDown),
  });
});

afterEach(() => {
  delete window.go;
  delete window.runtime;
  delete (window as { matchMedia?: unknown }).matchMedia;
  window.innerWidth = innerWidth;
});

/** The chip's word, which the CSS never lets give way. */
const word = (id: string) => screen.getByTestId(id).querySelector('.word')?.textContent;

describe.each(WIDTHS)('the header at %i px', (width) => {
  beforeEach(() => atWidth(width));

  it('cuts nothing that matters: whole words, whole text, the whole sentence on hover and in the verdict line', async () => {
    render(App);
    const slow = { timeout: 5000 }; // a loaded machine: the fake bridge answers late
    await vi.waitFor(() => expect(screen.getByTestId('remote-link')).toHaveTextContent('Server unreachable'), slow);
    handlers[EventVerdict]?.(verdictDown);
    await vi.waitFor(() => expect(screen.getByTestId('source-status')).toHaveTextContent('Redis reconnecting'), slow);

    // The server's link: the state word whole; the one countdown beside it; the whole sentence on hover.
    const link = screen.getByTestId('remote-link');
    expect(word('remote-link')).toBe('Server unreachable');
    expect(link.textContent).toMatch(/^Server unreachable · next try in \d+ s$/);
    expect(link.title).toContain(down().detail);

    // Redis: the state word and the gap chip whole; where and why in the text and on hover.
    const source = screen.getByTestId('source-status');
    expect(word('source-status')).toBe('Redis reconnecting');
    expect(within(source).getByText('2 gaps; last 3.2 s')).toBeInTheDocument();
    expect(source.textContent).toContain(reconnecting.where);
    expect(source.textContent).toContain(reconnecting.detail);
    for (const part of [reconnecting.where, reconnecting.detail, reconnecting.last_gap!.reason])
      expect(source.title).toContain(part);

    // The mode: its word whole, the host in the text and on hover.
    expect(word('mode')).toBe('Remote');
    expect(screen.getByTestId('mode')).toHaveTextContent('Remote: ops-monitor.example.internal:8765');
    expect(screen.getByTestId('mode').title).toBe('Remote: ops-monitor.example.internal:8765');

    // The verdict line says the verdict whole (it wraps; nothing in it gives way).
    await vi.waitFor(() => expect(screen.getByTestId('verdict')).toHaveTextContent(verdictDown.sentence), slow);
    expect(screen.getByTestId('verdict')).toHaveTextContent('DOWN');

    // One countdown for the server's retry, in the whole page: no frozen second number in the panel.
    const countdowns = document.body.textContent!.match(/next try in \d+ s|[Rr]etrying in|reconnecting in \d/g);
    expect(countdowns).toHaveLength(1);
    expect(countdowns![0]).toMatch(/^next try in \d+ s$/);

    // The controls are all there, Profile and About in the ☰ menu below 1100 px.
    expect(screen.getByTestId('pause-button')).toBeInTheDocument();
    expect(screen.getByTestId('filter-input')).toBeInTheDocument();
    if (width < 1100) expect(screen.getByTestId('header-menu-button')).toBeInTheDocument();
    else expect(screen.getByTestId('about-button')).toBeInTheDocument();
  });
});
