import { describe, expect, it } from 'vitest';
import { filterNotes } from './filter';
import type { ConnectionSnapshot, Snapshot } from './types';

const conn = (name: string, tickers: string[]) => ({ name, tickers }) as ConnectionSnapshot;
const snap = (c1: string[], c2: string[], c3: string[]): Snapshot =>
  ({
    connections: {
      connection_1: conn('primary', c1),
      connection_2: conn('secondary', c2),
      connection_3: conn('tertiary', c3),
    },
  }) as unknown as Snapshot;

describe('filterNotes', () => {
  const s = snap(['AAPL', 'AAL'], ['PLTR'], ['IBM', 'AAON']);

  it('names the connection of an exact symbol in the other columns', () => {
    expect(filterNotes('aapl', s)).toEqual({
      connection_2: 'AAPL is on Connection 1 (primary).',
      connection_3: 'AAPL is on Connection 1 (primary).',
    });
  });

  it('names every connection with matching tickers for a partial filter', () => {
    expect(filterNotes('AA', s)).toEqual({
      connection_2:
        'No ticker here matches AA; Connection 1 (primary) and Connection 3 (tertiary) carry matching tickers.',
    });
  });

  it('follows the monitor: a whole ticker only itself, other text as a prefix, several terms', () => {
    const t = snap(['T', 'TSLA'], ['MSFT'], ['F', 'INTU']);
    // T is a ticker: only connection 1 carries it (MSFT and INTU contain a T, they are not T).
    expect(filterNotes('t', t)).toEqual({
      connection_2: 'T is on Connection 1 (primary).',
      connection_3: 'T is on Connection 1 (primary).',
    });
    // "IN" is a prefix: INTU (connection 3), not MSFT... nor TSLA.
    expect(Object.keys(filterNotes('in', t))).toEqual(['connection_1', 'connection_2']);
    expect(filterNotes('t, f', t)).toEqual({
      connection_2:
        'No ticker here matches T, F; Connection 1 (primary) and Connection 3 (tertiary) carry matching tickers.',
    });
  });

  it('says when no connection carries the symbol', () => {
    expect(filterNotes('ZZZ', s).connection_1).toBe('ZZZ is on no connection: its ticks, if any, go to Unassigned.');
  });

  it('says nothing without a filter, or when the server gives no ticker lists', () => {
    expect(filterNotes('', s)).toEqual({});
    expect(filterNotes('AAPL', snap([], [], []))).toEqual({});
    expect(filterNotes('AAPL', null)).toEqual({});
  });
});
