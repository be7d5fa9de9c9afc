// The whole window, fed by a fake Go side: every figure it shows carries a
// definition, the header's controls behave as people expect, and the filter
// says where a symbol is.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import { METRICS, type TermKey } from './lib/definitions';
import { EventMetrics, EventTicks, EventVerdict } from './lib/events';
import { fakeApp } from './test-bridge';
import type { Batch, ConnectionSnapshot, Metrics, Snapshot } from './lib/types';

function conn(name: string, tickers: string[], over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot {
  return {
    name,
    enabled: true,
    status: 'connected',
    universe_key: 'demo',
    assigned_tickers: tickers.length,
    tickers,
    message_count: 100,
    error_count: 1,
    reconnect_count: 1,
    last_message_time: 1,
    connected_since: 1,
    last_error: '',
    status_since: 1,
    retry_at: 0,
    publish_dropped: 3,
    subscribed_channels: 1,
    ...over,
  };
}

const snapshot: Snapshot = {
  total_connections: 3,
  enabled_connections: 3,
  connected_count: 3,
  total_ticks_received: 300,
  total_errors: 3,
  connections: {
    connection_1: conn('primary', ['AAPL', 'MSFT']),
    connection_2: conn('secondary', ['PLTR']),
    connection_3: conn('tertiary', ['IBM']),
  },
};

const cm = {
  received: 5,
  rate_1s: 2,
  rate_10s: 2,
  last_tick: 1,
  latency_p50_ms: 5,
  latency_p99_ms: 9,
  provider_p50_ms: 4,
  provider_p99_ms: 8,
  spark: [1, 2],
  silent: 1,
  silent_sample: ['MSFT'],
};
const metrics: Metrics = {
  at: 1,
  connections: { connection_1: cm, connection_2: cm, connection_3: cm },
  unassigned: { count: 4, top: [{ symbol: 'ZZZ', count: 4 }], other: 0 },
  invalid: { count: 2, last_error: 'not JSON', sample: 'x', at: 1 },
  total: 15,
  rate_1s: 6,
  rate_10s: 6,
  paused: false,
  paused_since: 0,
  arrived_while_paused: 0,
};

let handlers: Record<string, (d: unknown) => void>;

// The monitor's side of the pause and the filter, as backend/monitor does
// it: each call is answered with a batch that states the new state (and,
// for a filter or a resume, replaces the rows). The window keeps no copy.
let live: Batch['connections'] = {};
let goFilter = '';
let goPaused = false;
let seq = 1;
function matching(f: string): Batch['connections'] {
  const out: Batch['connections'] = {};
  for (const [id, cb] of Object.entries(live))
    out[id] = { ticks: cb.ticks.filter((r) => r.symbol.includes(f)), more: 0 };
  return out;
}
function send(over: Partial<Batch>) {
  handlers[EventTicks]({
    seq: ++seq,
    replace: false,
    resumed: false,
    filter: goFilter,
    paused: goPaused,
    rows: 50,
    unassigned_rows: 10,
    connections: {},
    ...over,
  });
}

beforeEach(() => {
  handlers = {};
  [live, goFilter, goPaused, seq] = [{}, '', false, 1];
  window.runtime = { EventsOnMultiple: (name, cb) => ((handlers[name] = cb), () => delete handlers[name]) };
  fakeApp({
    Snapshot: vi.fn(async () => snapshot),
    Info: vi.fn(async () => ({
      product: 'TickStock Connections Monitor',
      version: '1.2.3',
      mode: 'demo',
      warnings: [],
      problem: '',
      profile: '',
      remote: '',
      keyring_problem: '',
    })),
    Source: vi.fn(async () => ({
      state: 'subscribed' as const,
      kind: 'standalone' as const,
      node: 'localhost:6379',
      where: 'localhost:6379 db 0',
      channel: 'c',
      pattern: false,
      detail: 'Subscribed.',
      since: 1,
      gaps: 1,
      last_gap: { from: 1, to: 2, seconds: 1, reason: 'x' },
      feed: 'redis' as const,
      feed_detail: '',
      skipped: 0,
    })),
    Pause: vi.fn(async () => {
      goPaused = true;
      send({});
    }),
    Resume: vi.fn(async () => {
      goPaused = false;
      send({ replace: true, resumed: true, connections: matching(goFilter) });
    }),
    SetFilter: vi.fn(async (f: string) => {
      goFilter = f;
      send({ replace: true, connections: matching(f) });
    }),
    LookupSymbol: vi.fn(async (s: string) => ({
      symbol: s,
      found: true,
      connection_id: 'connection_1',
      name: 'primary',
      message: `${s} is on Connection 1 (primary).`,
    })),
  });
});

afterEach(() => {
  delete window.go;
  delete window.runtime;
});

async function started() {
  render(App);
  await vi.waitFor(() => expect(screen.getByTestId('total-connected')).toHaveTextContent('3'));
  handlers[EventMetrics](metrics);
  const now = Date.now() / 1000;
  const b: Batch = {
    seq: 1,
    replace: false,
    resumed: false,
    filter: '',
    paused: false,
    rows: 50,
    unassigned_rows: 10,
    connections: {
      connection_1: {
        ticks: [
          { symbol: 'AAPL', price: 1, volume: 1, ts: now - 5, recv: now, rd: 2 },
          { symbol: 'MSFT', price: 2, volume: 1, ts: now, recv: now },
        ],
        more: 0,
      },
      connection_2: { ticks: [{ symbol: 'PLTR', price: 1, volume: 1, ts: now, recv: now }], more: 0 },
    },
    unassigned: { ticks: [{ symbol: 'ZZZ', price: 1, volume: 1, ts: now, recv: now }], more: 0 },
  };
  live = b.connections;
  handlers[EventTicks](b);
  await tick();
}

/** The definition a term points to, as a screen reader reads it. */
function description(term: Element): string {
  const id = term.getAttribute('aria-describedby') ?? '';
  return document.getElementById(id)?.textContent ?? '';
}

describe('every figure in the window carries its definition', () => {
  it('each label of a figure is a term whose description is its definition', async () => {
    await started();
    const terms = [...document.querySelectorAll('[data-term]')];
    expect(terms.length).toBeGreaterThan(20);
    for (const t of terms) {
      const key = t.getAttribute('data-term') as TermKey;
      expect(METRICS[key], `unknown term ${key}`).toBeDefined();
      expect(description(t), key).toBe(METRICS[key].text);
      expect(t.getAttribute('data-def'), key).toBe(METRICS[key].text);
    }
  });

  it('no figure is shown without a labelled definition', async () => {
    await started();
    // Figures: every value of a column's lists, every total, the gap chip, the silent tickers, the strip.
    const figures = [
      ...document.querySelectorAll('dl dd'),
      ...document.querySelectorAll('.totals b'),
      ...screen.getAllByTestId(/^silent-/),
      ...screen.queryAllByTestId('paused-banner'),
      screen.getByTestId('unassigned-strip').querySelector('h3')!,
    ];
    expect(figures.length).toBeGreaterThan(30);
    for (const f of figures) {
      const holder = f.tagName === 'DD' ? f.previousElementSibling! : f.tagName === 'B' ? f.parentElement! : f;
      const term = holder.querySelector('[data-term]');
      expect(term, `no definition for ${holder.textContent} ${f.outerHTML.slice(0, 80)}`).not.toBeNull();
      expect(description(term!)).not.toBe('');
    }
    // Every metric hook of the contract is among them.
    for (const id of ['msgs-per-sec', 'message-count', 'error-count', 'uptime', 'ticker-count', 'universe'])
      for (const c of ['connection_1', 'connection_2', 'connection_3'])
        expect(figures).toContain(screen.getByTestId(`${id}-${c}`));
    for (const id of [
      'total-ticks',
      'total-connected',
      'total-errors',
      'total-invalid',
      'total-unassigned',
      'total-dropped',
    ])
      expect(figures).toContain(screen.getByTestId(id));
    expect(within(screen.getByTestId('source-status')).getByText(/1 gap/).closest('[data-term]')).not.toBeNull();
  });

  it('the paused banner’s count has its definition', async () => {
    await started();
    await fireEvent.click(screen.getByTestId('pause-button'));
    await vi.waitFor(() => expect(screen.getByTestId('paused-banner')).toBeInTheDocument());
    expect(screen.getByTestId('paused-banner').querySelector('[data-term="arrived_while_paused"]')).not.toBeNull();
  });

  it('the split latency is labelled, and the row time is the tick’s own', async () => {
    await started();
    expect(screen.getByTestId('provider-latency-connection_1')).toHaveTextContent('4 / 8 ms');
    expect(screen.getByTestId('column-connection_1')).toHaveTextContent('Provider → Redis p50 / p99');
    expect(screen.getByTestId('column-connection_1')).toHaveTextContent('Redis → screen p50 / p99');
    // Batches are applied on the next animation frame.
    const rows = await within(screen.getByTestId('stream-connection_1')).findAllByTestId('tick-row');
    expect(rows[0]).toHaveClass('late');
    expect(within(rows[0]).getByTestId('tick-late')).toHaveTextContent('+5.0 s');
    expect(rows[1]).not.toHaveClass('late');
  });
});

describe('header controls', () => {
  it('opens one popover at a time; Escape closes it and gives the focus back', async () => {
    await started();
    await fireEvent.click(screen.getByTestId('profile-button'));
    expect(screen.getByTestId('profile-panel')).toBeInTheDocument();
    await vi.waitFor(() => expect(screen.getByTestId('profile-panel').contains(document.activeElement)).toBe(true));
    await fireEvent.click(screen.getByTestId('about-button'));
    expect(screen.queryByTestId('profile-panel')).toBeNull();
    expect(screen.getByTestId('about-panel')).toBeInTheDocument();
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByTestId('about-panel')).toBeNull();
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('about-button')));
  });

  it('a press outside closes the popover; its own button closes it too', async () => {
    await started();
    await fireEvent.click(screen.getByTestId('about-button'));
    await fireEvent.pointerDown(screen.getByTestId('column-connection_2'));
    expect(screen.queryByTestId('about-panel')).toBeNull();
    await fireEvent.click(screen.getByTestId('about-button'));
    expect(screen.getByTestId('about-panel')).toBeInTheDocument();
    await fireEvent.pointerDown(screen.getByTestId('about-button'));
    await fireEvent.click(screen.getByTestId('about-button'));
    expect(screen.queryByTestId('about-panel')).toBeNull();
  });

  it('? lists the keyboard shortcuts and / goes to the filter', async () => {
    await started();
    await fireEvent.keyDown(document.body, { key: '?' });
    expect(screen.getByTestId('shortcuts-panel')).toHaveTextContent('Pause or resume');
    await fireEvent.keyDown(document.body, { key: '?' });
    expect(screen.queryByTestId('shortcuts-panel')).toBeNull();
    await fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(screen.getByTestId('filter-input'));
    // Typing ? in the filter is text, not the shortcut.
    await fireEvent.keyDown(screen.getByTestId('filter-input'), { key: '?' });
    expect(screen.queryByTestId('shortcuts-panel')).toBeNull();
  });

  it('About leads to the operator’s guide, which closes on Escape', async () => {
    await started();
    await fireEvent.click(screen.getByTestId('about-button'));
    await fireEvent.click(screen.getByTestId('about-guide'));
    const guide = screen.getByTestId('guide');
    expect(guide).toHaveTextContent('Troubleshooting');
    expect(guide).toHaveTextContent(METRICS.provider_latency.text);
    await fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByTestId('guide')).toBeNull();
  });
});

describe('the filter', () => {
  it('keeps the matching rows and says, in the other columns, where the symbol is', async () => {
    await started();
    await fireEvent.input(screen.getByTestId('filter-input'), { target: { value: 'aapl' } });
    await vi.waitFor(() =>
      expect(screen.getByTestId('filter-elsewhere-connection_2')).toHaveTextContent(
        'AAPL is on Connection 1 (primary).',
      ),
    );
    expect(screen.getByTestId('filter-elsewhere-connection_3')).toHaveTextContent('AAPL is on Connection 1');
    expect(
      within(screen.getByTestId('stream-connection_1'))
        .getAllByTestId('tick-symbol')
        .map((e) => e.textContent),
    ).toEqual(['AAPL']);
    // Escape in the filter clears it: every row is back.
    await fireEvent.keyDown(screen.getByTestId('filter-input'), { key: 'Escape' });
    await vi.waitFor(() =>
      expect(within(screen.getByTestId('stream-connection_1')).getAllByTestId('tick-row')).toHaveLength(2),
    );
    expect(screen.queryByTestId('filter-elsewhere-connection_2')).toBeNull();
  });
});

describe('a narrow window', () => {
  beforeEach(() => {
    window.matchMedia = ((q: string) => ({
      matches: q.includes('max-width'),
      addEventListener() {},
      removeEventListener() {},
    })) as unknown as typeof window.matchMedia;
  });
  afterEach(() => {
    delete (window as { matchMedia?: unknown }).matchMedia;
  });

  it('puts Profile and About in the ☰ menu, whose panels open inside it one at a time', async () => {
    await started();
    expect(screen.queryByTestId('profile-button')).toBeNull();
    expect(screen.getByTestId('shortcuts-button')).toBeInTheDocument();
    await fireEvent.click(screen.getByTestId('header-menu-button'));
    const menu = screen.getByTestId('header-menu');
    await fireEvent.click(within(menu).getByTestId('profile-button'));
    expect(within(menu).getByTestId('profile-panel')).toBeInTheDocument(); // the menu stays open around it
    await fireEvent.click(within(menu).getByTestId('about-button'));
    expect(screen.queryByTestId('profile-panel')).toBeNull();
    expect(within(menu).getByTestId('about-panel')).toBeInTheDocument();
    // Escape closes the innermost first, then the menu, and the focus goes back each time.
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByTestId('about-panel')).toBeNull();
    expect(screen.getByTestId('header-menu')).toBeInTheDocument();
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('about-button')));
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByTestId('header-menu')).toBeNull();
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('header-menu-button')));
  });
  it('at one column, shows one connection at a time behind tabs that carry each status word', async () => {
    await started();
    await vi.waitFor(() => expect(screen.getByTestId('column-tabs')).toBeInTheDocument());
    expect(screen.getByTestId('column-connection_1')).toBeInTheDocument();
    expect(screen.queryByTestId('column-connection_2')).toBeNull();
    await vi.waitFor(() =>
      expect(screen.getByTestId('column-tab-connection_2')).toHaveTextContent(/Connection 2\s*\w+/),
    );
    await fireEvent.click(screen.getByTestId('column-tab-connection_2'));
    expect(screen.getByTestId('column-connection_2')).toBeInTheDocument();
    expect(screen.queryByTestId('column-connection_1')).toBeNull();
    expect(screen.getByTestId('column-tab-connection_2')).toHaveAttribute('aria-selected', 'true');
  });
});

describe('the verdict', () => {
  const frozen = {
    level: 'down',
    cause: 'not_publishing',
    since: Date.now() / 1000 - 12,
    at: Date.now() / 1000,
    connected: 0,
    enabled: 3,
    sentence:
      'Ticks are not published: Redis does not answer, so every consumer misses them. Check redis-server at REDIS_URL.',
    connections: Object.fromEntries(
      ['connection_1', 'connection_2', 'connection_3'].map((id) => [
        id,
        {
          level: 'down',
          status: 'connected',
          label: 'connected · not publishing',
          streaming: true,
          publishing: false,
          cause: 'not_publishing',
          sentence: 'Its ticks are not published.',
          lost: 945,
        },
      ]),
    ),
  };

  it('is the header line, the title, the badges and the totals, whatever the server counts', async () => {
    await started();
    handlers[EventVerdict](frozen);
    await vi.waitFor(() => expect(screen.getByTestId('verdict')).toHaveTextContent('DOWN'));
    expect(screen.getByTestId('verdict')).toHaveTextContent(frozen.sentence);
    await vi.waitFor(() => expect(document.title).toBe('DOWN · not publishing — TickStock Monitor'));
    for (const id of ['connection_1', 'connection_2', 'connection_3']) {
      expect(screen.getByTestId(`status-${id}`)).toHaveTextContent(/^connected · not publishing$/);
      expect(screen.getByTestId(`lost-${id}`)).toHaveTextContent('945');
    }
    expect(screen.getByTestId('total-connected')).toHaveTextContent(/^0$/); // the snapshot says 3
  });
});

describe('the demo’s notice', () => {
  it('is shown as information, not in the warning yellow', async () => {
    const notice =
      'Demo: simulated ticks ("source":"demo") are being published to the Redis at localhost:6379, channel c, because TICKSTOCK_MODE=demo and REDIS_URL are both set.';
    const app = window.go!.app!.App!;
    const info = await app.Info();
    app.Info = vi.fn(async () => ({ ...info, warnings: [notice] }));
    await started();
    const banner = await screen.findByText(notice);
    expect(banner).toHaveClass('info');
    expect(banner).not.toHaveClass('warn');
  });
});
