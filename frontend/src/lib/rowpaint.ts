// The stream's rows painted on a canvas (docs/perf-window.md, issue 26).
//
// The window paints in software, and a batch that puts new rows at the top
// of a column moves every row under them: painted as DOM, every moved row's
// text is laid out and rasterised again on each batch. Here the rows stay in
// the DOM (the screen reader's table, the tests' hooks, the hover text, text
// selection), drawn transparent, and a canvas under them shows them: a batch
// moves the painted rows down by copying the canvas onto itself and draws
// only the new ones.
import { LATE_TICK_SECONDS } from './definitions';
import { formatClock, formatInt } from './format';
import type { ShownRow } from '../stores/ticks.svelte';

/** Receive delay in seconds; null when the tick has no timestamp. */
export function delay(r: ShownRow): number | null {
  return r.ts > 0 ? r.recv - r.ts : null;
}

export function isLate(d: number | null): d is number {
  return d !== null && d > LATE_TICK_SECONDS;
}

export function formatDelay(s: number): string {
  const a = Math.abs(s);
  const v = a < 10 ? a.toFixed(1) : a < 100 ? a.toFixed(0) : Math.round(a).toLocaleString('en-US');
  return `${s < 0 ? '−' : '+'}${v} s`;
}

/** The row's time: the tick's own, or its receive time when it has none. */
export function rowTime(r: ShownRow): string {
  return formatClock(r.ts > 0 ? r.ts : r.recv);
}

/** The text shown on hover: receive time and delay. */
export function hoverText(r: ShownRow): string {
  const d = delay(r);
  const recv = `Received ${formatClock(r.recv)}`;
  if (d === null) return `${recv}; the tick carries no timestamp, so its receive time is shown.`;
  const late = isLate(d) ? ` — late: more than ${LATE_TICK_SECONDS} s` : '';
  return `Tick time ${formatClock(r.ts)} · ${recv} (${formatDelay(d)} after the tick time${late})`;
}

/**
 * How many rows are new at the top of rows, when the rest are the painted
 * rows (keys, top first) moved down; -1 when they are not (a replacing
 * batch, a first paint) and every row must be drawn.
 */
export function newAtTop(painted: readonly number[], rows: readonly ShownRow[]): number {
  if (painted.length === 0) return -1;
  let k = 0;
  while (k < rows.length && rows[k].key !== painted[0]) k++;
  if (k === rows.length) return -1;
  for (let i = k; i < rows.length; i++) if (rows[i].key !== painted[i - k]) return -1;
  return k;
}

/** Where the row's cells are, read from the DOM table it is drawn under (CSS pixels). */
export interface Layout {
  width: number;
  rowHeight: number;
  rows: number;
  /** Left and right edge of symbol, price, volume (0 wide when hidden) and time. */
  cells: { left: number; right: number }[];
  font: string;
  color: string;
}

/** The colours of Stream.svelte's DOM rows, which the canvas must match. */
const colour = {
  row: '#fff',
  stripe: '#f8f9fa',
  up: '#1e7e34',
  down: '#c82333',
  time: '#868e96',
  lateMark: '#f8d7da',
  lateText: '#842029',
};
const pad = 4;

/** Paints one column's rows on its canvas; keeps what it painted to move it on the next batch. */
export class RowPainter {
  #canvas: HTMLCanvasElement;
  #ctx: CanvasRenderingContext2D;
  #keys: number[] = [];
  #layout = '';
  /** Every batch redraws every row (the candidate measured against the copy). */
  #full: boolean;
  /** Experiment: rows written into a ring of fixed slots, nothing moved. */
  ring = false;
  #cursor = 0;

  private constructor(canvas: HTMLCanvasElement, ctx: CanvasRenderingContext2D, full: boolean) {
    this.#canvas = canvas;
    this.#ctx = ctx;
    this.#full = full;
  }

  /** A painter for canvas, or null where there is no 2D canvas (the DOM rows then show themselves). */
  static for(canvas: HTMLCanvasElement, full = false): RowPainter | null {
    let ctx: CanvasRenderingContext2D | null = null;
    try {
      ctx = canvas.getContext('2d', { alpha: false });
    } catch {
      ctx = null;
    }
    return ctx ? new RowPainter(canvas, ctx, full) : null;
  }

  /** Paints rows as laid out; returns how many rows it drew (the rest were moved). */
  paint(rows: readonly ShownRow[], l: Layout): number {
    const c = this.#canvas;
    const ctx = this.#ctx;
    const ratio = globalThis.devicePixelRatio || 1;
    const key = `${l.width}/${l.rowHeight}/${l.rows}/${ratio}/${l.cells.map((x) => `${x.left},${x.right}`).join(';')}/${l.font}`;
    const w = Math.round(l.width * ratio);
    const h = Math.round(l.rowHeight * l.rows * ratio);
    let k = this.#full || key !== this.#layout ? -1 : newAtTop(this.#keys, rows);
    if (c.width !== w || c.height !== h) {
      c.width = w; // clears the canvas
      c.height = h;
      k = -1;
    }
    this.#layout = key;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textBaseline = 'middle';
    if (this.ring && k >= 0 && k < rows.length) {
      for (let i = k - 1; i >= 0; i--) {
        this.#row(rows[i], this.#cursor * l.rowHeight, l);
        this.#cursor = (this.#cursor + 1) % l.rows;
      }
      ctx.fillStyle = '#007bff';
      if (k > 0) ctx.fillRect(0, this.#cursor * l.rowHeight - 2, l.width, 2);
      this.#keys = rows.map((r) => r.key);
      return k;
    }
    if (k < 0 || k >= rows.length) {
      k = rows.length;
      this.#cursor = 0;
    } else if (k > 0) {
      // The painted rows, moved down by k rows: a copy, not a repaint of their text.
      const dy = Math.round(k * l.rowHeight * ratio);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(c, 0, 0, w, h - dy, 0, dy, w, h - dy);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    }
    for (let i = 0; i < k; i++) this.#row(rows[i], i * l.rowHeight, l);
    if (rows.length < l.rows) {
      ctx.fillStyle = colour.row;
      ctx.fillRect(0, rows.length * l.rowHeight, l.width, (l.rows - rows.length) * l.rowHeight);
    }
    this.#keys = rows.map((r) => r.key);
    return k;
  }

  #row(r: ShownRow, y: number, l: Layout): void {
    const ctx = this.#ctx;
    const [sym, price, vol, time] = l.cells;
    const mid = y + l.rowHeight / 2;
    ctx.fillStyle = r.stripe ? colour.stripe : colour.row;
    ctx.fillRect(0, y, l.width, l.rowHeight);
    ctx.font = `600 ${l.font}`;
    ctx.textAlign = 'left';
    ctx.fillStyle = l.color;
    ctx.fillText(r.symbol, sym.left + pad, mid, Math.max(0, sym.right - sym.left - 2 * pad));
    ctx.font = l.font;
    ctx.textAlign = 'right';
    ctx.fillStyle = r.dir === 'up' ? colour.up : r.dir === 'down' ? colour.down : l.color;
    ctx.fillText(r.price.toFixed(2), price.right - pad, mid);
    if (vol.right > vol.left) {
      ctx.fillStyle = l.color;
      ctx.fillText(formatInt(r.volume), vol.right - pad, mid);
    }
    const d = delay(r);
    let x = time.right - pad;
    if (isLate(d)) {
      const mark = formatDelay(d);
      ctx.font = `600 ${l.font}`;
      const mw = ctx.measureText(mark).width + 10;
      ctx.fillStyle = colour.lateMark;
      ctx.beginPath();
      if (ctx.roundRect) ctx.roundRect(x - mw, y + 1, mw, l.rowHeight - 2, 7);
      else ctx.rect(x - mw, y + 1, mw, l.rowHeight - 2);
      ctx.fill();
      ctx.fillStyle = colour.lateText;
      ctx.textAlign = 'center';
      ctx.fillText(mark, x - mw / 2, mid);
      ctx.font = l.font;
      ctx.textAlign = 'right';
      x -= mw + 6;
    }
    ctx.fillStyle = isLate(d) ? colour.down : colour.time;
    ctx.fillText(rowTime(r), x, mid);
  }
}
