import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Term from './Term.svelte';

/** The term as if drawn at [left, right] in a viewport `vw` px wide. */
async function hoveredAt(left: number, right: number, vw: number) {
  Object.defineProperty(document.documentElement, 'clientWidth', { value: vw, configurable: true });
  render(Term, { term: 'row_time' });
  const term = screen.getByText(/./, { selector: '[data-term="row_time"]' });
  term.getBoundingClientRect = () => ({ left, right, top: 0, bottom: 14, width: right - left, height: 14 }) as DOMRect;
  await fireEvent.pointerEnter(term);
  return term;
}

describe('a term’s tooltip', () => {
  it('opens towards the left from a term at the right edge of a phone (the row time at 390 px)', async () => {
    const term = await hoveredAt(340, 382, 390);
    expect(term).toHaveClass('end');
    expect(term.style.getPropertyValue('--tip-max')).toBe('320px');
  });
  it('opens to the right, at its full width, where there is room', async () => {
    const term = await hoveredAt(20, 60, 1440);
    expect(term).not.toHaveClass('end');
    expect(term.style.getPropertyValue('--tip-max')).toBe('320px');
  });
});
