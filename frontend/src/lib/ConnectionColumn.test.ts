import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import ConnectionColumn from './ConnectionColumn.svelte';
import { fakeApp } from '../test-bridge';
import type { ConnectionSnapshot } from './types';

function conn(over: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot {
  return {
    name: 'primary',
    enabled: true,
    status: 'connected',
    universe_key: 'sp500',
    assigned_tickers: 3,
    tickers: ['AAPL', 'MSFT', 'NVDA'],
    message_count: 12345,
    error_count: 2,
    reconnect_count: 1,
    last_message_time: 0,
    connected_since: 1000,
    last_error: '',
    status_since: 1000,
    retry_at: 0,
    publish_dropped: 0,
    subscribed_channels: 1,
    ...over,
  };
}

describe('ConnectionColumn', () => {
  it('shows configuration and metrics of an enabled connection', () => {
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      conn: conn(),
      now: 1_000_000 + 65_000,
    });
    expect(screen.getByTestId('status-connection_1')).toHaveTextContent('connected');
    expect(screen.getByTestId('universe-connection_1')).toHaveTextContent('sp500');
    expect(screen.getByTestId('ticker-count-connection_1')).toHaveTextContent('3');
    expect(screen.getByTestId('message-count-connection_1')).toHaveTextContent(/^12345$/);
    expect(screen.getByTestId('error-count-connection_1')).toHaveTextContent('2');
    expect(screen.getByTestId('uptime-connection_1')).toHaveTextContent('1m 05s');
    expect(screen.getByTestId('column-connection_1').getAttribute('style')).toContain('#007bff');
  });

  it('greys a disabled connection and says why', () => {
    render(ConnectionColumn, {
      id: 'connection_3',
      label: 'Connection 3',
      colour: '#fd7e14',
      conn: conn({ enabled: false, status: 'disabled' }),
      now: 0,
    });
    expect(screen.getByTestId('column-connection_3')).toHaveClass('off');
    expect(screen.getByText('Disabled in configuration')).toBeInTheDocument();
    expect(screen.queryByTestId('message-count-connection_3')).toBeNull();
  });

  it('shows a dash for uptime when not connected', () => {
    render(ConnectionColumn, {
      id: 'connection_2',
      label: 'Connection 2',
      colour: '#28a745',
      conn: conn({ status: 'disconnected', connected_since: 0 }),
      now: 5000,
    });
    expect(screen.getByTestId('uptime-connection_2')).toHaveTextContent('—');
  });

  it('shows the configuration warning of a connection without tickers', () => {
    render(ConnectionColumn, {
      id: 'connection_2',
      label: 'Connection 2',
      colour: '#28a745',
      conn: conn({ assigned_tickers: 0, tickers: [], warning: 'enabled but no tickers' }),
      now: 0,
    });
    expect(screen.getByRole('note')).toHaveTextContent('enabled but no tickers');
  });
});

describe('ConnectionColumn errors', () => {
  it('says what went wrong and when it retries', () => {
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      now: 100_000,
      conn: conn({
        status: 'auth_failed',
        last_error: 'the provider rejected the API key (auth_failed): check MASSIVE_API_KEY',
        retry_at: 160,
      }),
    });
    expect(screen.getByTestId('error-connection_1')).toHaveTextContent('check MASSIVE_API_KEY. Retrying in 60 s.');
    expect(screen.getByTestId('status-connection_1')).toHaveTextContent('auth_failed');
  });
});

describe('ConnectionColumn reconnect now', () => {
  it('offers "Reconnect now" while the connection waits for its retry, and says the answer', async () => {
    const app = fakeApp({
      ReconnectNow: vi.fn(async () => Promise.reject(new Error('Connection 1 is not waiting for a retry'))),
    });
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      now: 100_000,
      conn: conn({
        status: 'disconnected',
        last_error: 'cannot connect to the provider: connection refused',
        retry_at: 130,
      }),
    });
    await fireEvent.click(screen.getByTestId('reconnect-now-connection_1'));
    expect(app.ReconnectNow).toHaveBeenCalledWith('connection_1');
    await vi.waitFor(() =>
      expect(screen.getByTestId('reconnect-message-connection_1')).toHaveTextContent('not waiting for a retry'),
    );
    delete window.go;
  });

  it('offers nothing when no retry is waiting, or when the figures are stale (the server is what is down)', () => {
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      now: 100_000,
      conn: conn({ status: 'disconnected', last_error: 'x', retry_at: 0 }),
    });
    expect(screen.queryByTestId('reconnect-now-connection_1')).toBeNull();
  });

  it('while its server is down: no countdown of its own, no Reconnect now, no silent tickers (the server panel has the one countdown)', () => {
    const observed = {
      neutral: false,
      stale: true,
      since: 90,
      why: 'the server is unreachable',
      label: 'unreachable',
    } as unknown as import('./observed').Observed;
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      now: 100_000,
      observed,
      conn: conn({ status: 'auth_failed', last_error: 'the provider rejected the API key', retry_at: 130 }),
      metrics: { silent: 1, silent_sample: ['AAPL'] } as unknown as import('./types').ConnMetrics,
    });
    expect(screen.getByTestId('error-connection_1')).not.toHaveTextContent('Retrying in');
    expect(screen.queryByTestId('reconnect-now-connection_1')).toBeNull();
    expect(screen.queryByTestId('silent-connection_1')).toBeNull();
  });
});

describe('ConnectionColumn stale rows', () => {
  const rows = [{ key: 1, symbol: 'AAPL', price: 1, volume: 1, ts: 0, recv: 0, dir: 'flat' as const }];
  it('says the rows of a connection that is down are the last ones received', () => {
    render(ConnectionColumn, {
      id: 'connection_2',
      label: 'Connection 2',
      colour: '#28a745',
      conn: conn({ status: 'disconnected', status_since: 1000 }),
      rows,
      now: 0,
    });
    expect(screen.getByTestId('stale-connection_2')).toHaveTextContent('these rows are the last ones received');
  });
  it('says nothing while connected', () => {
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      conn: conn(),
      rows,
      now: 0,
    });
    expect(screen.queryByTestId('stale-connection_1')).toBeNull();
  });
  it('says since when it is down from the first drop, not the last retry', async () => {
    const at = (s: number) => new Date(s * 1000).toTimeString().slice(0, 8);
    const props = { id: 'connection_2', label: 'Connection 2', colour: '#28a745', rows, now: 0 };
    const { rerender } = render(ConnectionColumn, {
      ...props,
      conn: conn({ status: 'disconnected', status_since: 1000 }),
    });
    await rerender({ ...props, conn: conn({ status: 'connecting', status_since: 1012 }) });
    await rerender({ ...props, now: 1_013_500, conn: conn({ status: 'connected', status_since: 1013 }) }); // for a moment
    await rerender({ ...props, now: 1_014_000, conn: conn({ status: 'auth_failed', status_since: 1014 }) });
    expect(screen.getByTestId('stale-connection_2')).toHaveTextContent(`Not connected since ${at(1000)}`);
  });
});

describe('ConnectionColumn with the verdict', () => {
  const verdict = {
    level: 'down' as const,
    status: 'connected',
    label: 'connected · not publishing',
    streaming: true,
    publishing: false,
    cause: 'not_publishing',
    sentence: 'Redis does not answer.',
    lost: 945,
  };
  it('shows the verdict on the badge and the ticks lost as lost', () => {
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      conn: conn({ publish_dropped: 900 }),
      now: 0,
      verdict,
    });
    expect(screen.getByTestId('status-connection_1')).toHaveTextContent(/^connected · not publishing$/);
    expect(screen.getByTestId('lost-connection_1')).toHaveTextContent(/^945$/);
    expect(screen.getByTestId('column-connection_1')).toHaveTextContent('Lost');
    expect(screen.getByTestId('column-connection_1')).not.toHaveTextContent('not seen');
  });
  it('says the rows are the last that reached Redis while its ticks are not published', () => {
    const rows = [{ key: 1, symbol: 'AAPL', price: 1, volume: 1, ts: 0, recv: 0, dir: 'flat' as const }];
    render(ConnectionColumn, {
      id: 'connection_2',
      label: 'Connection 2',
      colour: '#28a745',
      conn: conn(),
      rows,
      now: 0,
      verdict,
    });
    expect(screen.getByTestId('unpublished-connection_2')).toHaveTextContent('last ones that reached Redis');
  });
});

describe('ConnectionColumn uptime', () => {
  it('ticks with the clock it is given', async () => {
    const { rerender } = render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      conn: conn({ connected_since: 100 }),
      now: 105_000,
    });
    expect(screen.getByTestId('uptime-connection_1')).toHaveTextContent('5s');
    await rerender({
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      conn: conn({ connected_since: 100 }),
      now: 106_000,
    });
    expect(screen.getByTestId('uptime-connection_1')).toHaveTextContent('6s');
  });

  it('shows silent tickers and the demo fault controls only in the demo', () => {
    const metrics = {
      received: 1,
      rate_1s: 20,
      rate_10s: 19.5,
      last_tick: 0,
      latency_p50_ms: 1,
      latency_p99_ms: 3,
      provider_p50_ms: -1,
      provider_p99_ms: -1,
      spark: [],
      silent: 2,
      silent_sample: ['HUSH', 'QUIET'],
    };
    render(ConnectionColumn, {
      id: 'connection_2',
      label: 'Connection 2',
      colour: '#28a745',
      conn: conn(),
      metrics,
      now: 0,
      demo: true,
    });
    expect(screen.getByTestId('silent-connection_2')).toHaveTextContent(
      '2 silent tickers (no tick for 60 s): HUSH, QUIET',
    );
    expect(screen.getByTestId('msgs-per-sec-connection_2')).toHaveTextContent(/^20$/);
    expect(screen.getByTestId('drop-connection_2')).toBeInTheDocument();
  });
});

describe('ConnectionColumn latency', () => {
  const base = { received: 1, rate_1s: 1, rate_10s: 1, last_tick: 0, spark: [], silent: 0, silent_sample: [] };

  it('splits provider → Redis and Redis → screen when the publisher stamps its ticks', () => {
    const metrics = { ...base, latency_p50_ms: 9, latency_p99_ms: 30, provider_p50_ms: 4, provider_p99_ms: 20 };
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      conn: conn(),
      metrics,
      screen: { p50: 80, p99: 1200 },
      now: 0,
    });
    expect(screen.getByText('Provider → Redis p50 / p99')).toBeInTheDocument();
    expect(screen.getByTestId('provider-latency-connection_1')).toHaveTextContent('4 / 20 ms');
    expect(screen.getByTestId('screen-latency-connection_1')).toHaveTextContent('80 ms / 1.2 s');
  });

  it('names the one figure there is when the ticks carry no publish stamp (TickStockAppV2)', () => {
    const metrics = { ...base, latency_p50_ms: 9, latency_p99_ms: 30, provider_p50_ms: -1, provider_p99_ms: -1 };
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      conn: conn(),
      metrics,
      now: 0,
    });
    expect(screen.queryByText('Provider → Redis p50 / p99')).toBeNull();
    expect(screen.getByText('Tick → monitor p50 / p99')).toBeInTheDocument();
    expect(screen.getByTestId('provider-latency-connection_1')).toHaveTextContent('9 / 30 ms');
    expect(screen.getByTestId('screen-latency-connection_1')).toHaveTextContent('—');
  });
});

describe('ConnectionColumn status help', () => {
  it('the badge says what its status word means and what to do', () => {
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      conn: conn({ status: 'max_connections', last_error: 'the provider closed the connection: max_connections' }),
      now: 0,
    });
    const title = screen.getByTestId('status-connection_1').getAttribute('title') ?? '';
    expect(title).toMatch(/^The provider closed the connection: max_connections \(since /);
    expect(title).toContain('another process uses the same key');
    expect(title).toContain('What to do: Find and stop the other process');
  });
});

describe('ConnectionColumn observing a remote server', () => {
  it('is neutral, not an outage, before sign-in', () => {
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      conn: conn({ status: '', connected_since: 0 }),
      now: 0,
      observed: { neutral: true, label: 'not signed in', stale: false, since: 0, why: 'Enter the admin password.' },
    });
    const badge = screen.getByTestId('status-connection_1');
    expect(badge).toHaveTextContent('not signed in');
    expect(badge).toHaveClass('neutral');
    expect(badge).not.toHaveClass('disconnected');
    expect(screen.getByTestId('neutral-connection_1')).toHaveTextContent('No figures yet (not signed in)');
    expect(screen.getByTestId('column-connection_1')).not.toHaveClass('off');
  });

  it('says stale figures are the last known and since when; uptime stops and the badge dims', () => {
    const since = 1000 + 30; // last data 30 s after connecting
    render(ConnectionColumn, {
      id: 'connection_2',
      label: 'Connection 2',
      colour: '#28a745',
      conn: conn(),
      now: 1_000_000 + 600_000,
      observed: { neutral: false, label: '', stale: true, since, why: 'Cannot reach the server' },
    });
    expect(screen.getByTestId('stale-note-connection_2')).toHaveTextContent('Last known figures, from');
    expect(screen.getByTestId('uptime-connection_2')).toHaveTextContent(/^30s$/);
    expect(screen.getByTestId('status-connection_2')).toHaveClass('dim');
    expect(screen.getByTestId('status-connection_2')).toHaveTextContent(/^connected · last known$/);
  });

  // TickStockAppV2 started as `python src/app.py`: its monitor is not
  // available, so the server's figures are last known, but its connections
  // still publish and this monitor's Redis subscription still brings them.
  const tick = [{ key: 1, symbol: 'RIVN', price: 150, volume: 100, ts: 0, recv: 0, dir: 'flat' as const }];
  const lastKnown = { neutral: false, label: '', stale: true, since: 1000, why: 'monitor not available' };
  function ownFigures(lastTick: number) {
    return {
      received: 5,
      rate_1s: 9,
      rate_10s: 9,
      last_tick: lastTick,
      latency_p50_ms: 1,
      latency_p99_ms: 17,
      provider_p50_ms: -1,
      provider_p99_ms: -1,
      spark: [],
      silent: 0,
      silent_sample: [],
    };
  }

  // A column with the server's figures last known since 1000, at 1060.
  function lastKnownColumn(id: string, lastTick: number, over: Record<string, unknown> = {}) {
    render(ConnectionColumn, {
      id,
      label: id,
      colour: '#007bff',
      conn: conn(),
      now: 1_060_000,
      rows: tick,
      metrics: ownFigures(lastTick),
      observed: lastKnown,
      ...over,
    });
  }

  it('with the server stale but its ticks arriving, only the server figures are last known; the rows are live', () => {
    lastKnownColumn('connection_3', 1059, { conn: conn({ status: 'error', last_error: '' }), ownTicks: true });
    expect(screen.getByTestId('stale-note-connection_3')).toHaveTextContent(
      /Last known figures of the server \(status, uptime, messages, errors, reconnects\), from \d\d:\d\d:\d\d: .* Ticks\/s, last tick and the rows are live, from Redis\./,
    );
    expect(screen.getByTestId('status-connection_3')).toHaveTextContent(/^error · last known$/);
    // The server's last word is not news of now: no "Not connected" over live rows.
    expect(screen.queryByTestId('stale-connection_3')).toBeNull();
    expect(screen.getByTestId('stream-connection_3').parentElement).not.toHaveClass('stale-rows');
    expect(screen.getByTestId('column-connection_3')).toHaveClass('ticks-live');
    // The monitor's own figures are marked as its own, the server's are not.
    expect(screen.getByTestId('msgs-per-sec-connection_3')).toHaveClass('own');
    expect(screen.getByTestId('last-tick-connection_3')).toHaveClass('own');
    expect(screen.getByTestId('message-count-connection_3')).not.toHaveClass('own');
    expect(screen.getByTestId('error-count-connection_3')).not.toHaveClass('own');
  });

  it('with the server stale and no tick for 5 s, everything is last known, the rows too', () => {
    lastKnownColumn('connection_1', 1050, { ownTicks: true });
    expect(screen.getByTestId('stale-note-connection_1')).toHaveTextContent(
      /^Last known figures, from \d\d:\d\d:\d\d: nothing current comes from the server\.$/,
    );
    expect(screen.getByTestId('column-connection_1')).not.toHaveClass('ticks-live');
    expect(screen.getByTestId('stream-connection_1').parentElement).toHaveClass('stale-rows');
    // Its last word was connected: not "Not connected since" the time it connected.
    expect(screen.queryByTestId('stale-connection_1')).toBeNull();
  });

  it('with the server stale, rows that came from the server (a browser tab) are last known however new', () => {
    lastKnownColumn('connection_1', 1059);
    expect(screen.getByTestId('stale-note-connection_1')).toHaveTextContent(/^Last known figures, from/);
    expect(screen.getByTestId('stream-connection_1').parentElement).toHaveClass('stale-rows');
  });

  it('says figures of a page behind its stream are seconds old, not live', () => {
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      conn: conn(),
      now: 1_000_000,
      metrics: {
        received: 5,
        rate_1s: 0,
        rate_10s: 2,
        last_tick: 1,
        latency_p50_ms: 5,
        latency_p99_ms: 9,
        provider_p50_ms: 4,
        provider_p99_ms: 8,
        spark: [],
        silent: 0,
        silent_sample: [],
      },
      observed: {
        neutral: false,
        label: '',
        stale: true,
        since: 990,
        behind: 10.2,
        why: '10 s old: this page is behind its stream and catching up.',
      },
    });
    expect(screen.getByTestId('stale-note-connection_1')).toHaveTextContent(/10 s old: this page is behind its stream/);
    expect(screen.getByTestId('column-connection_1')).toHaveClass('stale-col');
  });

  it('shows a status word outside the contract as sent, neutral', () => {
    render(ConnectionColumn, {
      id: 'connection_3',
      label: 'Connection 3',
      colour: '#fd7e14',
      conn: conn({ status: 'reconnect_pending' }),
      now: 0,
    });
    expect(screen.getByTestId('status-connection_3')).toHaveTextContent('reconnect_pending');
    expect(screen.getByTestId('status-connection_3')).toHaveClass('neutral');
    expect(screen.queryByText('Disabled in configuration')).toBeNull();
  });

  it('says an error the server did not count is one, beside its 0', () => {
    render(ConnectionColumn, {
      id: 'connection_2',
      label: 'Connection 2',
      colour: '#28a745',
      conn: conn({ status: 'error', error_count: 0 }),
      now: 0,
    });
    expect(screen.getByTestId('error-count-connection_2')).toHaveTextContent(/^0$/);
    expect(screen.getByTestId('error-uncounted-connection_2')).toHaveTextContent('not counted by the server');
  });

  it('has no such note when the error is counted, or there is none', () => {
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      conn: conn({ status: 'error', error_count: 1 }),
      now: 0,
    });
    render(ConnectionColumn, {
      id: 'connection_2',
      label: 'Connection 2',
      colour: '#28a745',
      conn: conn({ error_count: 0 }),
      now: 0,
    });
    expect(screen.queryByTestId('error-uncounted-connection_1')).toBeNull();
    expect(screen.queryByTestId('error-uncounted-connection_2')).toBeNull();
  });

  it('shows a ticker that moved here, from where and when; not on the column it left', () => {
    const moves = [{ symbol: 'TSLA', from: 'connection_2', to: 'connection_1', at: 1_700_000_000 }];
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      conn: conn(),
      now: 0,
      moves,
    });
    render(ConnectionColumn, {
      id: 'connection_2',
      label: 'Connection 2',
      colour: '#28a745',
      conn: conn(),
      now: 0,
      moves,
    });
    const moved = screen.getByTestId('moved-connection_1');
    expect(moved).toHaveTextContent(/TSLA moved here from Connection 2 at \d\d:\d\d:\d\d/);
    expect(screen.queryByTestId('moved-connection_2')).toBeNull();
  });

  it("judges a word of the server's own by evidence: ticks in the last 5 s keep its rows live", () => {
    const rows = [
      {
        seq: 1,
        symbol: 'AAPL',
        price: 1,
        volume: 1,
        timestamp: 1000,
        received_at: 1000,
        direction: 0,
        late: false,
      } as never,
    ];
    const metrics = { last_tick: 1000 } as never;
    render(ConnectionColumn, {
      id: 'connection_1',
      label: 'Connection 1',
      colour: '#007bff',
      conn: conn({ status: 'status_update' }),
      now: 1_002_000,
      rows,
      metrics,
    });
    render(ConnectionColumn, {
      id: 'connection_2',
      label: 'Connection 2',
      colour: '#28a745',
      conn: conn({ status: 'status_update' }),
      now: 1_060_000,
      rows,
      metrics,
    });
    render(ConnectionColumn, {
      id: 'connection_3',
      label: 'Connection 3',
      colour: '#fd7e14',
      conn: conn({ status: 'disconnected' }),
      now: 1_002_000,
      rows,
      metrics,
    });
    expect(screen.queryByTestId('stale-connection_1')).toBeNull();
    expect(screen.getByTestId('stale-connection_2')).toBeInTheDocument();
    expect(screen.getByTestId('stale-connection_3')).toBeInTheDocument();
  });

  it('dims rows that are held (the window hidden, or just shown and not yet given the newest)', () => {
    const rows = [{ key: 1, symbol: 'AAPL', price: 1, volume: 1, ts: 0, recv: 0, dir: 'flat' as const }];
    const props = { label: 'Connection 1', colour: '#007bff', conn: conn(), now: 1_002_000, rows };
    render(ConnectionColumn, { ...props, id: 'connection_1', held: true });
    render(ConnectionColumn, { ...props, id: 'connection_2' });
    const rowsOf = (id: string) => screen.getByTestId(`stream-${id}`).parentElement!;
    expect(rowsOf('connection_1')).toHaveClass('stale-rows');
    expect(rowsOf('connection_2')).not.toHaveClass('stale-rows');
  });
});
