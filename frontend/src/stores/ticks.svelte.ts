// The tick stream: batches from Go become, per connection, the newest rows
// (at most MAX_ROWS, newest first), each keyed so a flush re-renders only the
// rows it adds.
import { onEvent } from '../lib/bridge';
import { EventTicks } from '../lib/events';
import type { Batch, Row } from '../lib/types';

export const MAX_ROWS = 50;

/** A row as shown: direction against that symbol's previous price. */
export interface ShownRow extends Row {
  key: number;
  dir: 'up' | 'down' | 'flat';
}

export class TickStore {
  rows = $state<Record<string, ShownRow[]>>({});
  unassigned = $state<ShownRow[]>([]);
  /** Set by the batch that ends a pause: ticks that arrived meanwhile. */
  lastResume = $state<{ at: number; arrived: number } | null>(null);

  #nextKey = 1;
  #lastPrice = new Map<string, number>();

  #shown(rows: Row[]): ShownRow[] {
    // Rows come newest first; direction is computed oldest first.
    const out: ShownRow[] = new Array(rows.length);
    for (let i = rows.length - 1; i >= 0; i--) {
      const r = rows[i];
      const prev = this.#lastPrice.get(r.symbol);
      const dir = prev === undefined || prev === r.price ? 'flat' : r.price > prev ? 'up' : 'down';
      this.#lastPrice.set(r.symbol, r.price);
      out[i] = { ...r, key: this.#nextKey++, dir };
    }
    return out;
  }

  apply(b: Batch): void {
    let arrived = 0;
    if (b.replace) {
      // A new filter or the end of a pause: columns absent here are emptied too.
      for (const id of Object.keys(this.rows)) if (!b.connections[id]) this.rows[id] = [];
    }
    for (const [id, cb] of Object.entries(b.connections)) {
      const fresh = this.#shown(cb.ticks ?? []);
      const old = b.replace ? [] : (this.rows[id] ?? []);
      this.rows[id] = fresh.concat(old).slice(0, MAX_ROWS);
      arrived += cb.arrived_while_paused ?? 0;
    }
    if (b.unassigned) {
      const fresh = this.#shown(b.unassigned.ticks ?? []);
      this.unassigned = fresh.concat(b.replace ? [] : this.unassigned).slice(0, 10);
    }
    if (b.resumed) this.lastResume = { at: Date.now(), arrived };
  }

  connect(): () => void {
    return onEvent<Batch>(EventTicks, (b) => this.apply(b));
  }
}
