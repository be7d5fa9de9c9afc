import { describe, expect, it } from 'vitest';
import type { Batch, Row } from '../lib/types';
import { MAX_ROWS, TickStore } from './ticks.svelte';

const row = (symbol: string, price: number, recv = 1): Row => ({ symbol, price, volume: 100, ts: recv, recv });

function batch(rows: Row[], over: Partial<Batch> = {}): Batch {
  return { seq: 1, connections: { connection_1: { ticks: rows, more: 0 } }, replace: false, resumed: false, filter: '', ...over };
}

describe('TickStore', () => {
  it('keeps the newest first and caps the stream', () => {
    const s = new TickStore();
    for (let i = 0; i < 30; i++) {
      // Each batch: two rows, newest first.
      s.apply(batch([row('B', i + 0.5), row('A', i)]));
    }
    const rows = s.rows.connection_1;
    expect(rows).toHaveLength(MAX_ROWS);
    expect(rows[0]).toMatchObject({ symbol: 'B', price: 29.5 });
    expect(rows[1]).toMatchObject({ symbol: 'A', price: 29 });
    expect(new Set(rows.map((r) => r.key)).size).toBe(MAX_ROWS);
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
    s.apply({ seq: 1, replace: false, resumed: false, filter: '', connections: { connection_2: { ticks: [row('PLTR', 1)], more: 0 } } });
    expect(s.rows.connection_1).toBeUndefined();
    expect(s.rows.connection_2[0].symbol).toBe('PLTR');
  });

  it('replaces the rows on resume and reports what arrived', () => {
    const s = new TickStore();
    s.apply(batch([row('OLD', 1)]));
    s.apply({
      seq: 2,
      replace: true,
      resumed: true,
      filter: '',
      connections: { connection_1: { ticks: [row('NEW', 2)], more: 0, arrived_while_paused: 700 }, connection_2: { ticks: [], more: 0, arrived_while_paused: 5 } },
    });
    expect(s.rows.connection_1.map((r) => r.symbol)).toEqual(['NEW']);
    expect(s.lastResume?.arrived).toBe(705);
  });

  it('empties every column when a new filter replaces the rows', () => {
    const s = new TickStore();
    s.apply({ seq: 1, replace: false, resumed: false, filter: '', connections: { connection_1: { ticks: [row('MSFT', 1)], more: 0 }, connection_2: { ticks: [row('PLTR', 1)], more: 0 } } });
    s.apply({ seq: 2, replace: true, resumed: false, filter: 'AAPL', connections: { connection_1: { ticks: [row('AAPL', 2)], more: 0 } } });
    expect(s.rows.connection_1.map((r) => r.symbol)).toEqual(['AAPL']);
    expect(s.rows.connection_2).toEqual([]);
    expect(s.lastResume).toBeNull();
  });

  it('keeps a short unassigned strip', () => {
    const s = new TickStore();
    s.apply({ seq: 1, replace: false, resumed: false, filter: '', connections: {}, unassigned: { ticks: Array.from({ length: 5 }, (_, i) => row('U' + i, i)), more: 0 } });
    s.apply({ seq: 2, replace: false, resumed: false, filter: '', connections: {}, unassigned: { ticks: Array.from({ length: 8 }, (_, i) => row('V' + i, i)), more: 0 } });
    expect(s.unassigned).toHaveLength(10);
    expect(s.unassigned[0].symbol).toBe('V0');
  });
});
