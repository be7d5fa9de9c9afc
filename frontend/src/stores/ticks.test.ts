import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Batch, Row } from '../lib/types';
import { TickStore } from './ticks.svelte';

/** What every batch of the monitor says besides its rows: not paused, and its row limits. */
const LIMITS = { paused: false, rows: 50, unassigned_rows: 10 };

const row = (symbol: string, price: number, recv = 1): Row => ({ symbol, price, volume: 100, ts: recv, recv });

function batch(rows: Row[], over: Partial<Batch> = {}): Batch {
  return {
    ...LIMITS,
    seq: 1,
    connections: { connection_1: { ticks: rows, more: 0 } },
    replace: false,
    resumed: false,
    filter: '',
    ...over,
  };
}

describe('TickStore', () => {
  it('keeps the newest first and caps the stream', () => {
    const s = new TickStore();
    for (let i = 0; i < 30; i++) {
      // Each batch: two rows, newest first.
      s.apply(batch([row('B', i + 0.5), row('A', i)]));
    }
    const rows = s.rows.connection_1;
    expect(rows).toHaveLength(LIMITS.rows);
    expect(rows[0]).toMatchObject({ symbol: 'B', price: 29.5 });
    expect(rows[1]).toMatchObject({ symbol: 'A', price: 29 });
    expect(new Set(rows.map((r) => r.key)).size).toBe(LIMITS.rows);
  });

  it('colours a price against the same symbol’s previous price', () => {
    const s = new TickStore();
    s.apply(batch([row('AAPL', 10)]));
    s.apply(batch([row('AAPL', 9), row('MSFT', 50), row('AAPL', 11)]));
    const [a9, m50, a11, a10] = s.rows.connection_1;
    expect(a10.dir).toBe('flat'); // first seen
    expect(a11.dir).toBe('up');
    expect(m50.dir).toBe('flat');
    expect(a9.dir).toBe('down');
  });

  it('keeps rows of one connection out of the others', () => {
    const s = new TickStore();
    s.apply({
      ...LIMITS,
      seq: 1,
      replace: false,
      resumed: false,
      filter: '',
      connections: { connection_2: { ticks: [row('PLTR', 1)], more: 0 } },
    });
    expect(s.rows.connection_1).toBeUndefined();
    expect(s.rows.connection_2[0].symbol).toBe('PLTR');
  });

  it('replaces the rows on resume', () => {
    const s = new TickStore();
    s.apply(batch([row('OLD', 1)]));
    s.apply({
      ...LIMITS,
      seq: 2,
      replace: true,
      resumed: true,
      filter: '',
      connections: {
        connection_1: { ticks: [row('NEW', 2)], more: 0, arrived_while_paused: 700 },
        connection_2: { ticks: [], more: 0, arrived_while_paused: 5 },
      },
    });
    expect(s.rows.connection_1.map((r) => r.symbol)).toEqual(['NEW']);
  });

  it('empties every column when a new filter replaces the rows', () => {
    const s = new TickStore();
    s.apply({
      ...LIMITS,
      seq: 1,
      replace: false,
      resumed: false,
      filter: '',
      connections: {
        connection_1: { ticks: [row('MSFT', 1)], more: 0 },
        connection_2: { ticks: [row('PLTR', 1)], more: 0 },
      },
    });
    s.apply({
      ...LIMITS,
      seq: 2,
      replace: true,
      resumed: false,
      filter: 'AAPL',
      connections: { connection_1: { ticks: [row('AAPL', 2)], more: 0 } },
    });
    expect(s.rows.connection_1.map((r) => r.symbol)).toEqual(['AAPL']);
    expect(s.rows.connection_2).toEqual([]);
  });

  it('takes the row limits, the filter and the pause from the monitor’s batches', () => {
    const s = new TickStore();
    s.apply(batch([row('A', 1), row('B', 2), row('C', 3)], { rows: 2 }));
    expect(s.rows.connection_1.map((r) => r.symbol)).toEqual(['A', 'B']);
    expect([s.filter, s.paused]).toEqual(['', false]);
    // Pause: a batch without rows that says so; the rows stay as they were.
    s.apply({ ...LIMITS, seq: 2, replace: false, resumed: false, filter: 'A', paused: true, connections: {} });
    expect([s.filter, s.paused]).toEqual(['A', true]);
    expect(s.rows.connection_1.map((r) => r.symbol)).toEqual(['A', 'B']);
    s.apply({
      ...LIMITS,
      seq: 3,
      replace: true,
      resumed: true,
      filter: 'A',
      connections: { connection_1: { ticks: [row('A', 4)], more: 0 } },
    });
    expect(s.paused).toBe(false);
    expect(s.rows.connection_1.map((r) => r.price)).toEqual([4]);
  });

  it('keeps a short unassigned strip', () => {
    const s = new TickStore();
    s.apply({
      ...LIMITS,
      seq: 1,
      replace: false,
      resumed: false,
      filter: '',
      connections: {},
      unassigned: { ticks: Array.from({ length: 5 }, (_, i) => row('U' + i, i)), more: 0 },
    });
    s.apply({
      ...LIMITS,
      seq: 2,
      replace: false,
      resumed: false,
      filter: '',
      connections: {},
      unassigned: { ticks: Array.from({ length: 8 }, (_, i) => row('V' + i, i)), more: 0 },
    });
    expect(s.unassigned).toHaveLength(10);
    expect(s.unassigned[0].symbol).toBe('V0');
  });

  it('keeps previous prices only for symbols on screen or on a connection, over 100,000 distinct symbols', () => {
    const s = new TickStore();
    const known = Array.from({ length: 500 }, (_, i) => `K${i}`);
    s.setKnown(known);
    s.apply(batch([row('K7', 10)]));
    let peak = 0;
    for (let i = 0; i < 100_000; i += 20) {
      const rows = Array.from({ length: 20 }, (_, j) => row(`S${i + j}`, 1));
      // Half the batches go to the unassigned strip, as remote counts-only ticks do.
      if ((i / 20) % 2)
        s.apply({
          ...LIMITS,
          seq: i,
          replace: false,
          resumed: false,
          filter: '',
          connections: {},
          unassigned: { ticks: rows, more: 0 },
        });
      else s.apply(batch(rows));
      peak = Math.max(peak, s.priceMapSize);
    }
    // Rows on screen (50 + 10), the ticker lists (500) and the pruning slack.
    expect(peak).toBeLessThanOrEqual(LIMITS.rows + 10 + known.length + 256 + 20);
    // A ticker-list symbol keeps its price even after leaving the screen: its next tick is coloured.
    s.apply(batch([row('K7', 11)]));
    expect(s.rows.connection_1[0].dir).toBe('up');
    // A symbol still on screen keeps its price too.
    const last = s.rows.connection_1[1].symbol;
    s.apply(batch([row(last, 0.5)]));
    expect(s.rows.connection_1[0].dir).toBe('down');
  });

  it('shades every other row, and a row keeps its shade as newer rows push it down', () => {
    const s = new TickStore();
    s.apply(batch([row('B', 2), row('A', 1)]));
    const first = s.rows.connection_1.map((r) => [r.symbol, r.stripe]);
    s.apply(batch([row('C', 3)]));
    s.apply(batch([row('E', 5), row('D', 4)]));
    const rows = s.rows.connection_1;
    expect(rows.map((r) => r.symbol)).toEqual(['E', 'D', 'C', 'B', 'A']);
    // Alternating top to bottom, across batches of odd and even size…
    for (let i = 1; i < rows.length; i++) expect(rows[i].stripe).toBe(!rows[i - 1].stripe);
    // …and the rows already shown keep theirs (so they are not restyled).
    expect(rows.slice(3).map((r) => [r.symbol, r.stripe])).toEqual(first);
    // A replacing batch (new filter, end of a pause) starts again unshaded at the bottom.
    s.apply(batch([row('G', 7), row('F', 6)], { replace: true }));
    expect(s.rows.connection_1.map((r) => r.stripe)).toEqual([true, false]);
  });

  it('samples Redis → screen from the rows that carry their publish → receive delay', () => {
    const s = new TickStore();
    const t0 = 1_700_000_000_000;
    // Received by the monitor 40 ms before the batch is applied; 3 ms from publish to receive.
    const sampled = (n: number): Row[] =>
      Array.from({ length: n }, () => ({ ...row('AAPL', 1, (t0 - 40) / 1000), rd: 3 }));
    s.apply(batch([...sampled(5), row('AAPL', 1, (t0 - 40) / 1000)]), t0);
    s.refreshLatency(t0 + 500);
    expect(s.screenLatency.connection_1).toEqual({ p50: 43, p99: 43 });
    expect(s.screenLatency.connection_2).toBeUndefined();
    // Rows held back by a pause or a new filter are not a measure of Redis → screen.
    s.apply(batch([{ ...row('AAPL', 1, (t0 - 60_000) / 1000), rd: 3 }], { replace: true, resumed: true }), t0 + 100);
    s.refreshLatency(t0 + 500);
    expect(s.screenLatency.connection_1).toEqual({ p50: 43, p99: 43 });
    // Ten seconds later the samples have aged out.
    s.refreshLatency(t0 + 10_001);
    expect(s.screenLatency.connection_1).toBeNull();
  });
});

describe('TickStore.connect', () => {
  afterEach(() => {
    delete window.runtime;
    vi.unstubAllGlobals();
  });

  it('applies the batches of a frame together and says which it painted', async () => {
    let handler: ((d: unknown) => void) | undefined;
    window.runtime = {
      EventsOnMultiple: (_name, cb) => {
        handler = cb;
        return () => {};
      },
    };
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => frames.push(cb));
    const painted = vi.fn(async (_seq: number) => {});
    const s = new TickStore();
    s.connect(painted);
    const row = (symbol: string) => ({ symbol, price: 1, volume: 1, ts: 1, recv: 1 });
    handler!({ ...LIMITS, seq: 1, connections: { connection_1: { ticks: [row('A')], more: 0 } } });
    handler!({ ...LIMITS, seq: 2, connections: { connection_1: { ticks: [row('B')], more: 0 } } });
    expect(s.rows.connection_1).toBeUndefined(); // not before the frame
    expect(frames).toHaveLength(1); // one frame for both
    frames[0](0);
    expect(s.rows.connection_1.map((r) => r.symbol)).toEqual(['B', 'A']);
    await vi.waitFor(() => expect(painted).toHaveBeenCalledWith(2));
    expect(painted).toHaveBeenCalledTimes(1);
  });
});

describe('TickStore in a window that is hidden and shown again', () => {
  let visibility: DocumentVisibilityState = 'visible';
  let frames = new Map<number, FrameRequestCallback>();
  let nextFrame = 1;
  let emit: (b: Batch) => void = () => {};

  beforeEach(() => {
    visibility = 'visible';
    frames = new Map();
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => (frames.set(nextFrame, cb), nextFrame++));
    vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id));
    window.runtime = {
      EventsOnMultiple: (_name: string, cb: (d: unknown) => void) => {
        emit = cb as (b: Batch) => void;
        return () => {};
      },
    };
  });
  afterEach(() => {
    delete (document as { visibilityState?: unknown }).visibilityState;
    vi.unstubAllGlobals();
    delete window.runtime;
  });

  const show = (v: DocumentVisibilityState) => {
    visibility = v;
    document.dispatchEvent(new Event('visibilitychange'));
  };
  const paint = () => {
    const due = [...frames.values()];
    frames.clear();
    due.forEach((f) => f(0));
  };
  const symbols = (s: TickStore) => s.rows.connection_1?.map((r) => r.symbol);

  it('tells Go, paints nothing while hidden, and holds its rows until the newest arrive on show', async () => {
    const s = new TickStore();
    const painted = vi.fn(async () => {});
    const hidden = vi.fn(async () => {});
    const stop = s.connect(painted, hidden);
    emit(batch([row('LIVE', 1)], { seq: 1 }));
    paint();
    expect(symbols(s)).toEqual(['LIVE']);
    expect(s.held).toBe(false);

    emit(batch([row('INFLIGHT', 2)], { seq: 2 })); // waiting for a frame when the window is minimised
    show('hidden');
    expect(hidden).toHaveBeenLastCalledWith(true);
    // A hidden page runs no frames: what was on its way is applied now, not piled up.
    expect(symbols(s)).toEqual(['INFLIGHT', 'LIVE']);
    emit(batch([row('LATE', 3)], { seq: 3 })); // sent before Go heard it
    expect(symbols(s)).toEqual(['LATE', 'INFLIGHT', 'LIVE']);
    expect(frames.size).toBe(0); // no frame waits to paint in the hidden window
    expect(s.held).toBe(true);

    show('visible');
    expect(hidden).toHaveBeenLastCalledWith(false);
    expect(s.held).toBe(true); // the rows from before are not shown as live
    emit(batch([row('NEWEST', 4)], { seq: 4, replace: true }));
    paint();
    expect(symbols(s)).toEqual(['NEWEST']);
    expect(s.held).toBe(false);
    expect(painted).toHaveBeenLastCalledWith(4);
    stop();
  });

  it('says so at once when it starts hidden', () => {
    visibility = 'hidden';
    const hidden = vi.fn(async () => {});
    new TickStore().connect(async () => {}, hidden);
    expect(hidden).toHaveBeenCalledWith(true);
  });

  it('says it is shown when it starts shown, after a page whose unload said hidden, and holds nothing', () => {
    const hidden = vi.fn(async () => {});
    const s = new TickStore();
    s.connect(async () => {}, hidden);
    expect(hidden).toHaveBeenCalledWith(false);
    expect(s.held).toBe(false); // paused, no batch may come: its rows are not dimmed for that
  });

  it('does not hold its rows when Go cannot be told (the next batch is live)', async () => {
    const s = new TickStore();
    s.connect(
      async () => {},
      async () => Promise.reject(new Error('still starting')),
    );
    show('hidden');
    await vi.waitFor(() => expect(s.held).toBe(false));
  });
});
