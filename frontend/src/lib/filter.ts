// What a column says when the symbol filter matches none of its tickers:
// where the symbol is instead ("AAPL is on Connection 1"), so an empty
// column never looks like a stalled one.
import { CONNECTIONS, type Snapshot } from './types';

/**
 * Whether ticker t is picked by the filter's terms, as the monitor picks rows
 * (backend/monitor/filter.go): a term that is a whole ticker on a connection
 * matches only itself; another term, the tickers starting with it.
 */
function picks(terms: string[], all: Set<string>, t: string): boolean {
  return terms.some((f) => t === f || (!all.has(f) && t.startsWith(f)));
}

/** Per connection id, the note for a column that does not carry the filter's symbol. */
export function filterNotes(filter: string, snapshot: Snapshot | null): Record<string, string> {
  const terms = filter
    .toUpperCase()
    .split(/[\s,;]+/)
    .filter(Boolean);
  if (!terms.length || !snapshot) return {};
  const f = terms.join(', ');
  const lists = CONNECTIONS.map((c) => ({ ...c, conn: snapshot.connections[c.id] }));
  // A server that reports counts only (TickStockAppV2) gives no lists: nothing can be said.
  if (!lists.some((c) => (c.conn?.tickers?.length ?? 0) > 0)) return {};
  const all = new Set(lists.flatMap((c) => c.conn?.tickers ?? []));
  const name = (c: (typeof lists)[number]) => (c.conn?.name ? `${c.label} (${c.conn.name})` : c.label);
  const exact = terms.length === 1 ? lists.find((c) => c.conn?.tickers?.includes(f)) : undefined;
  const carriers = lists.filter((c) => c.conn?.tickers?.some((t) => picks(terms, all, t)));
  const out: Record<string, string> = {};
  for (const c of lists) {
    if (carriers.includes(c)) continue;
    if (exact) out[c.id] = `${f} is on ${name(exact)}.`;
    else if (carriers.length)
      out[c.id] =
        `No ticker here matches ${f}; ${carriers.map(name).join(' and ')} ${carriers.length > 1 ? 'carry' : 'carries'} matching tickers.`;
    else out[c.id] = `${f} is on no connection: its ticks, if any, go to Unassigned.`;
  }
  return out;
}
