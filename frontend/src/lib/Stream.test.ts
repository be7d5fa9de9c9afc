import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Stream from './Stream.svelte';
import type { ShownRow } from '../stores/ticks.svelte';

const r = (key: number, symbol: string, price: number, dir: ShownRow['dir'] = 'flat'): ShownRow => ({
  key, symbol, price, volume: 1234567, ts: 0, recv: new Date(2026, 0, 2, 9, 5, 7, 42).getTime() / 1000, dir,
});

describe('Stream', () => {
  it('says it waits until the first tick', () => {
    render(Stream, { id: 'connection_1', rows: [] });
    expect(screen.getByTestId('stream-connection_1')).toHaveTextContent('Waiting for ticks…');
  });

  it('shows symbol, price with 2 decimals, volume with separators and local time with ms', () => {
    render(Stream, { id: 'connection_2', rows: [r(2, 'MSFT', 401.5, 'up'), r(1, 'AAPL', 178.234, 'down')] });
    const rows = screen.getAllByTestId('tick-row');
    expect(rows).toHaveLength(2);
    expect(screen.getAllByTestId('tick-symbol').map((e) => e.textContent)).toEqual(['MSFT', 'AAPL']);
    expect(rows[0]).toHaveTextContent('401.50');
    expect(rows[1]).toHaveTextContent('178.23');
    expect(rows[0]).toHaveTextContent('1,234,567');
    expect(rows[0]).toHaveTextContent('09:05:07.042');
    expect(rows[0]).toHaveClass('up');
    expect(rows[1]).toHaveClass('down');
  });

  it('filters by symbol', () => {
    render(Stream, { id: 'connection_1', rows: [r(2, 'MSFT', 1), r(1, 'AAPL', 1)], filter: 'AAPL' });
    expect(screen.getAllByTestId('tick-symbol').map((e) => e.textContent)).toEqual(['AAPL']);
  });
});
