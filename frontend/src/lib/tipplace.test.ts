import { describe, expect, it } from 'vitest';
import { TIP_MARGIN, tipPlace } from './tipplace';

// A tooltip must lie within the viewport, and no closer to its edges than the term itself.
function inside(left: number, right: number, vw: number) {
  const p = tipPlace(left, right, vw);
  const [from, to] = p.end ? [right - p.max, right] : [left, left + p.max];
  return from >= Math.min(TIP_MARGIN, left) - 0.001 && to <= Math.max(vw - TIP_MARGIN, right) + 0.001;
}

describe('tipPlace', () => {
  it('opens to the right when there is room, at the full width', () => {
    expect(tipPlace(20, 60, 1440)).toEqual({ end: false, max: 320 });
  });
  it('opens to the left from a term near the right edge (the row time at 390 px)', () => {
    expect(tipPlace(340, 380, 390)).toEqual({ end: true, max: 320 });
  });
  it('narrows on the roomier side when neither side has the full width', () => {
    expect(tipPlace(150, 200, 390)).toEqual({ end: false, max: 232 });
    expect(tipPlace(190, 240, 390)).toEqual({ end: true, max: 232 });
  });
  it('keeps every tooltip inside the viewport, at every phone and desktop width', () => {
    for (const vw of [320, 360, 390, 768, 1024, 1440])
      for (let left = 0; left < vw - 10; left += 7)
        expect(inside(left, left + 10, vw), `${vw} px at ${left}`).toBe(true);
  });
});
