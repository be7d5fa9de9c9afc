// The tick stream: batches from Go become, per connection, the newest rows
// (at most the batch's `rows`, newest first), each keyed so a flush re-renders only the
// rows it adds. It also samples Redis → screen latency and keeps each
// symbol's previous price (for the row's colour) only for the symbols that
// are on screen or on a connection, so the map stays bounded however many
// distinct symbols pass.
import { backend, onEvent } from '../lib/bridge';
import { EventTicks } from '../lib/events';
import { LatencyWindow } from '../lib/latency';
import type { Batch, Row } from '../lib/types';

/** Extra symbols the price map may hold before it is pruned (amortises the pruning). */
const PRICE_SLACK = 256;

/** A row as shown: direction against that symbol's previous price. */
export interface ShownRow extends Row {
  key: number;
  dir: 'up' | 'down' | 'flat';
  /**
   * Every other row of a column is shaded. The shade belongs to the row, not
   * to its position, so a batch that shifts the rows down does not restyle
   * and repaint the ones already shown.
   */
  stripe?: boolean;
}

/** Whether the page is hidden (a minimised window, a background tab). */
export function pageHidden(): boolean {
  return globalThis.document?.visibilityState === 'hidden';
}

export class TickStore {
  // Raw, not deep, state: rows are never changed in place, only replaced
  // (a new array per column that changed, a new record). Deep state would
  // wrap every row in a proxy and every column in a tracked array; the
  // window renders a batch cheaper without them (docs/perf-window.md).
  rows = $state.raw<Record<string, ShownRow[]>>({});
  unassigned = $state.raw<ShownRow[]>([]);
  /** Redis → screen p50/p99 per connection (ms), refreshed by refreshLatency. */
  screenLatency = $state.raw<Record<string, { p50: number; p99: number } | null>>({});
  /** The monitor's state, as its newest batch says: the filter its rows obey and whether they are paused. */
  filter = $state('');
  /** What the filter matched, in the monitor's words ("only T (a whole ticker)"). */
  filterSays = $state('');
  paused = $state(false);
  /**
   * The rows are not live: the window is hidden (it is sent no rows), or was
   * shown again and the monitor's newest rows have not arrived yet. The
   * columns dim them as they dim stale rows.
   */
  held = $state(false);

  #nextKey = 1;
  #lastPrice = new Map<string, number>();
  #known = new Set<string>();
  #latency = new Map<string, LatencyWindow>();

  /** The symbols of the connections' ticker lists: their prices are kept. */
  setKnown(symbols: Iterable<string>): void {
    this.#known = new Set(symbols);
  }

  /** How many symbols the previous-price map holds (bounded). */
  get priceMapSize(): number {
    return this.#lastPrice.size;
  }

  /** The rows to show, newest first; below is the newest row already shown (for the shade). */
  #shown(rows: Row[], below?: ShownRow): ShownRow[] {
    // Rows come newest first; direction is computed oldest first.
    const out: ShownRow[] = new Array(rows.length);
    let stripe = below ? !below.stripe : false;
    for (let i = rows.length - 1; i >= 0; i--) {
      const r = rows[i];
      const prev = this.#lastPrice.get(r.symbol);
      const dir = prev === undefined || prev === r.price ? 'flat' : r.price > prev ? 'up' : 'down';
      this.#lastPrice.set(r.symbol, r.price);
      out[i] = { ...r, key: this.#nextKey++, dir, stripe };
      stripe = !stripe;
    }
    return out;
  }

  #sample(id: string, rows: Row[], nowMs: number): void {
    for (const r of rows) {
      if (r.rd === undefined) continue;
      let w = this.#latency.get(id);
      if (!w) this.#latency.set(id, (w = new LatencyWindow()));
      w.add(nowMs, r.rd + Math.max(0, nowMs - r.recv * 1000));
    }
  }

  /** Drops the prices of symbols neither on screen nor on a connection. */
  #prune(): void {
    const onScreen = new Set<string>();
    for (const rows of Object.values(this.rows)) for (const r of rows) onScreen.add(r.symbol);
    for (const r of this.unassigned) onScreen.add(r.symbol);
    if (this.#lastPrice.size <= this.#known.size + onScreen.size + PRICE_SLACK) return;
    for (const sym of this.#lastPrice.keys())
      if (!onScreen.has(sym) && !this.#known.has(sym)) this.#lastPrice.delete(sym);
  }

  apply(b: Batch, nowMs = Date.now()): void {
    // Shown again, the first batch is the monitor's replacement (the
    // newest rows): every batch after the show is current.
    if (!pageHidden()) this.held = false;
    this.filter = b.filter;
    this.filterSays = b.filter_says ?? '';
    this.paused = b.paused;
    // A column that gets no rows keeps its array, so its rows are not looked at again.
    const rows = { ...this.rows };
    if (b.replace) {
      // A new filter or the end of a pause: columns absent here are emptied too.
      for (const id of Object.keys(rows)) if (!b.connections[id]) rows[id] = [];
    }
    for (const [id, cb] of Object.entries(b.connections)) {
      const ticks = cb.ticks ?? [];
      if (!b.replace && ticks.length === 0) continue;
      // Rows of a replacing batch were held back (pause, new filter): their delay is not Redis → screen.
      if (!b.replace) this.#sample(id, ticks, nowMs);
      const old = b.replace ? [] : (rows[id] ?? []);
      rows[id] = this.#shown(ticks, old[0]).concat(old).slice(0, b.rows);
    }
    this.rows = rows;
    if (b.unassigned) {
      const old = b.replace ? [] : this.unassigned;
      this.unassigned = this.#shown(b.unassigned.ticks ?? [], old[0])
        .concat(old)
        .slice(0, b.unassigned_rows);
    }
    this.#prune();
  }

  /** Recomputes Redis → screen over the last 10 s (called once a second). */
  refreshLatency(nowMs = Date.now()): void {
    const out: Record<string, { p50: number; p99: number } | null> = {};
    for (const [id, w] of this.#latency) out[id] = w.percentiles(nowMs);
    this.screenLatency = out;
  }

  #pending: Batch[] = [];
  #frame = 0;

  /**
   * Batches are applied on the next animation frame (several that arrive
   * within one frame are applied together), and in that frame Go is told,
   * so it sends the next batch at once instead of after its
   * flush interval: rows reach the screen within a frame or two of arriving.
   */
  connect(
    painted: (seq: number) => Promise<void> = backend.ticksPainted,
    hidden: (hidden: boolean) => Promise<void> = backend.windowHidden,
  ): () => void {
    const raf = globalThis.requestAnimationFrame;
    const off = onEvent<Batch>(EventTicks, (b) => {
      this.#pending.push(b);
      // A hidden page runs no animation frames: the few batches sent before
      // Go heard that it is hidden are applied now, not piled up for the show.
      if (!raf || pageHidden()) this.#applyPending();
      else if (!this.#frame) this.#frame = raf(() => this.#paint(painted));
    });
    const visibility = () => this.#visibility(hidden);
    globalThis.document?.addEventListener('visibilitychange', visibility);
    // Said at once either way: a page that replaces another (a reload, a
    // profile switch) follows one whose unload told Go it was hidden.
    if (pageHidden()) visibility();
    else hidden(false).catch(() => {});
    return () => {
      off();
      globalThis.document?.removeEventListener('visibilitychange', visibility);
      if (this.#frame) globalThis.cancelAnimationFrame?.(this.#frame);
      this.#frame = 0;
      this.#pending = [];
    };
  }

  /**
   * Hidden (minimised), the window tells Go, which sends it no rows (counts
   * and metrics go on); shown again, Go sends the newest rows at once.
   * Until they are here the rows shown are held: not live.
   */
  #visibility(tell: (hidden: boolean) => Promise<void>): void {
    const isHidden = pageHidden();
    if (isHidden) this.#applyPending();
    this.held = true;
    tell(isHidden).catch(() => (this.held = false)); // no one holds rows back: the next batch is live
  }

  #applyPending(): void {
    if (this.#frame) globalThis.cancelAnimationFrame?.(this.#frame);
    this.#frame = 0;
    const batches = this.#pending;
    this.#pending = [];
    const now = Date.now();
    for (const b of batches) this.apply(b, now);
  }

  #paint(painted: (seq: number) => Promise<void>): void {
    this.#frame = 0;
    const batches = this.#pending;
    this.#pending = [];
    const now = Date.now();
    for (const b of batches) this.apply(b, now);
    const seq = batches[batches.length - 1]?.seq;
    // Said now, in the frame that paints them: the next batch cannot be
    // applied before the next frame anyway, and the round trip to Go overlaps it.
    if (seq !== undefined) void painted(seq).catch(() => {});
  }
}
