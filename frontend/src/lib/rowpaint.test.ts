import { describe, expect, it } from 'vitest';
import { RowPainter, hoverText, newAtTop, type Layout } from './rowpaint';
import type { ShownRow } from '../stores/ticks.svelte';

const row = (key: number, symbol = `S${key}`, extra: Partial<ShownRow> = {}): ShownRow => ({
  key,
  symbol,
  price: 10 + key,
  volume: 1000 * key,
  ts: 0,
  recv: new Date(2026, 0, 2, 9, 5, 7, 42).getTime() / 1000,
  dir: 'flat',
  ...extra,
});

/** A canvas whose 2D context records what is drawn on it. */
function recordingCanvas() {
  const calls: { op: string; args: unknown[]; fill: string }[] = [];
  const ctx: Record<string, unknown> = {
    fillStyle: '',
    font: '',
    textAlign: '',
    textBaseline: '',
    measureText: (t: string) => ({ width: t.length * 6 }),
  };
  for (const op of ['fillText', 'fillRect', 'drawImage', 'setTransform', 'beginPath', 'roundRect', 'fill'])
    ctx[op] = (...args: unknown[]) => calls.push({ op, args, fill: String(ctx.fillStyle) });
  const canvas = document.createElement('canvas');
  canvas.getContext = (() => ctx) as unknown as typeof canvas.getContext;
  const texts = () => calls.filter((c) => c.op === 'fillText').map((c) => c.args[0]);
  return { canvas, calls, texts, clear: () => (calls.length = 0) };
}

const layout = (rows: number, over: Partial<Layout> = {}): Layout => ({
  width: 400,
  rowHeight: 18,
  rows,
  cells: [
    { left: 0, right: 120 },
    { left: 120, right: 200 },
    { left: 200, right: 300 },
    { left: 300, right: 400 },
  ],
  font: '12px sans-serif',
  color: 'rgb(33, 37, 41)',
  ...over,
});

describe('newAtTop', () => {
  it('counts the rows above the painted ones when the rest are the painted rows moved down', () => {
    expect(newAtTop([3, 2, 1], [row(5), row(4), row(3), row(2), row(1)])).toBe(2);
    expect(newAtTop([3, 2, 1], [row(5), row(4), row(3), row(2)])).toBe(2); // the oldest fell off the end
    expect(newAtTop([3, 2, 1], [row(3), row(2), row(1)])).toBe(0);
  });

  it('asks for a full paint when the rows are not the painted ones moved (a replacing batch, a first paint)', () => {
    expect(newAtTop([], [row(1)])).toBe(-1);
    expect(newAtTop([3, 2, 1], [row(9), row(8)])).toBe(-1);
    expect(newAtTop([3, 2, 1], [row(4), row(3), row(1)])).toBe(-1);
  });
});

describe('RowPainter', () => {
  it('paints every row first, then only the new ones, moving the rest by one copy', () => {
    const c = recordingCanvas();
    const p = RowPainter.for(c.canvas)!;
    const first = [row(3), row(2), row(1)];
    expect(p.paint(first, layout(3))).toBe(3);
    expect(c.texts()).toEqual(expect.arrayContaining(['S3', 'S2', 'S1', '13.00', '3,000', '09:05:07.042']));
    expect(c.calls.filter((x) => x.op === 'drawImage')).toHaveLength(0);

    c.clear();
    const next = [row(5), row(4), row(3)];
    expect(p.paint(next, layout(3))).toBe(2);
    const copies = c.calls.filter((x) => x.op === 'drawImage');
    expect(copies).toHaveLength(1);
    expect(copies[0].args.slice(1)).toEqual([0, 0, 400, 54 - 36, 0, 36, 400, 54 - 36]); // down by two rows of 18 px
    expect(c.texts().filter((t) => String(t).startsWith('S'))).toEqual(['S5', 'S4']);
  });

  it('paints everything again when the layout changed, and in the full-paint candidate', () => {
    const c = recordingCanvas();
    const p = RowPainter.for(c.canvas)!;
    p.paint([row(2), row(1)], layout(2));
    c.clear();
    expect(p.paint([row(3), row(2)], layout(2, { width: 300 }))).toBe(2);
    expect(c.calls.some((x) => x.op === 'drawImage')).toBe(false);

    const f = recordingCanvas();
    const full = RowPainter.for(f.canvas, true)!;
    full.paint([row(2), row(1)], layout(2));
    f.clear();
    expect(full.paint([row(3), row(2)], layout(2))).toBe(2);
  });

  it('draws what the DOM rows show: price colours, stripes, the late mark, no volume when its cell is hidden', () => {
    const c = recordingCanvas();
    const p = RowPainter.for(c.canvas)!;
    const now = new Date(2026, 0, 2, 9, 5, 7, 42).getTime() / 1000;
    const rows = [
      row(3, 'UP', { dir: 'up', stripe: true }),
      row(2, 'DN', { dir: 'down' }),
      row(1, 'LATE', { ts: now - 42, recv: now }),
    ];
    const l = layout(3);
    l.cells[2] = { left: 200, right: 200 };
    p.paint(rows, l);
    const fillOf = (t: string) => c.calls.find((x) => x.op === 'fillText' && x.args[0] === t)?.fill;
    expect(fillOf('13.00')).toBe('#1e7e34');
    expect(fillOf('12.00')).toBe('#c82333');
    expect(c.calls.filter((x) => x.op === 'fillRect')[0].fill).toBe('#f8f9fa');
    expect(fillOf('+42 s')).toBe('#842029');
    expect(c.texts()).not.toContain('3,000');
    expect(hoverText(rows[2])).toMatch(/\(\+42 s after the tick time — late: more than 2 s\)$/);
  });

  it('is none where the browser has no 2D canvas, so the table shows its rows itself', () => {
    expect(RowPainter.for(document.createElement('canvas'))).toBeNull();
  });
});
