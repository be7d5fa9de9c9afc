import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Stream from './Stream.svelte';
import type { ShownRow } from '../stores/ticks.svelte';

const r = (key: number, symbol: string, price: number, dir: ShownRow['dir'] = 'flat'): ShownRow => ({
  key,
  symbol,
  price,
  volume: 1234567,
  ts: 0,
  recv: new Date(2026, 0, 2, 9, 5, 7, 42).getTime() / 1000,
  dir,
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

  it('shades the rows the store marks, whatever their position', () => {
    render(Stream, {
      id: 'connection_1',
      rows: [{ ...r(3, 'C', 1), stripe: true }, r(2, 'B', 1), { ...r(1, 'A', 1), stripe: true }],
    });
    expect(screen.getAllByTestId('tick-row').map((e) => e.classList.contains('stripe'))).toEqual([true, false, true]);
  });

  it('shows the rows it is given: the monitor has filtered them, the column does not again', () => {
    render(Stream, { id: 'connection_1', rows: [r(2, 'MSFT', 1), r(1, 'AAPL', 1)], filter: 'AAPL' });
    expect(screen.getAllByTestId('tick-symbol').map((e) => e.textContent)).toEqual(['MSFT', 'AAPL']);
  });

  it('shows the tick’s own time, the receive time on hover, and flags a late tick', async () => {
    const t = new Date(2026, 0, 2, 9, 5, 7, 0).getTime() / 1000;
    const onTime: ShownRow = { key: 2, symbol: 'MSFT', price: 1, volume: 1, ts: t, recv: t + 0.25, dir: 'flat' };
    const late: ShownRow = { key: 1, symbol: 'AAPL', price: 1, volume: 1, ts: t - 30, recv: t + 0.5, dir: 'flat' };
    render(Stream, { id: 'connection_1', rows: [onTime, late] });
    const [a, b] = screen.getAllByTestId('tick-row');
    expect(within(a).getByTestId('tick-time')).toHaveTextContent(/^09:05:07\.000$/);
    expect(a).not.toHaveClass('late');
    // The hover text is made when the pointer reaches the row (not for every row of every batch).
    expect(a.title).toBe('');
    await fireEvent.pointerOver(within(a).getByTestId('tick-time'));
    expect(a.title).toBe('Tick time 09:05:07.000 · Received 09:05:07.250 (+0.3 s after the tick time)');
    expect(within(b).getByTestId('tick-time')).toHaveTextContent('09:04:37.000');
    expect(b).toHaveClass('late');
    expect(within(b).getByTestId('tick-late')).toHaveTextContent('late, received +31 s');
    await fireEvent.pointerOver(b);
    expect(b.title).toContain('late: more than 2 s');
  });

  it('says where the filter’s symbol is when this column does not carry it', () => {
    render(Stream, { id: 'connection_2', rows: [], filter: 'AAPL', elsewhere: 'AAPL is on Connection 1 (primary).' });
    expect(screen.getByTestId('filter-elsewhere-connection_2')).toHaveTextContent('AAPL is on Connection 1 (primary).');
    expect(screen.queryByText(/Waiting for ticks/)).toBeNull();
  });

  it('waits for the filtered symbol in a column that carries it', () => {
    render(Stream, { id: 'connection_1', rows: [], filter: 'AAPL' });
    expect(screen.getByTestId('stream-connection_1')).toHaveTextContent('Waiting for AAPL ticks…');
  });
});
