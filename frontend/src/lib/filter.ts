// What a column says when the symbol filter matches none of its tickers:
// where the symbol is instead ("AAPL is on Connection 1"), so an empty
// column never looks like a stalled one.
import { CONNECTIONS, type Snapshot } from './types';

/** Per connection id, the note for a column that does not carry the filter's symbol. */
export function filterNotes(filter: string, snapshot: Snapshot | null): Record<string, string> {
  const f = filter.trim().toUpperCase();
  if (!f || !snapshot) return {};
  const lists = CONNECTIONS.map((c) => ({ ...c, conn: snapshot.connections[c.id] }));
  // A server that reports counts only (TickStockAppV2) gives no lists: nothing can be said.
  if (!lists.some((c) => (c.conn?.tickers?.length ?? 0) > 0)) return {};
  const name = (c: (typeof lists)[number]) => (c.conn?.name ? `${c.label} (${c.conn.name})` : c.label);
  const exact = lists.find((c) => c.conn?.tickers?.includes(f));
  const carriers = lists.filter((c) => c.conn?.tickers?.some((t) => t.includes(f)));
  const out: Record<string, string> = {};
  for (const c of lists) {
    if (carriers.includes(c)) continue;
    if (exact) out[c.id] = `${f} is on ${name(exact)}.`;
    else if (carriers.length) out[c.id] = `No ticker here contains ${f}; ${carriers.map(name).join(' and ')} ${carriers.length > 1 ? 'carry' : 'carries'} matching tickers.`;
    else out[c.id] = `${f} is on no connection: its ticks, if any, go to Unassigned.`;
  }
  return out;
}
