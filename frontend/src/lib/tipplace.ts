// Where a term's tooltip opens so that it stays inside the viewport: from
// the term's left edge when there is room to the right, else from its right
// edge towards the left, else on the roomier side, narrower (its text wraps).
// Measured when the tooltip is about to show, from the term's own box: the
// tooltip is drawn from an attribute (Term.svelte), so it has no box to measure.

/** The widest a tooltip is drawn, in px (Term.svelte's max-width). */
export const TIP_MAX = 320;
/** Kept free between a tooltip and the viewport's edge, in px. */
export const TIP_MARGIN = 8;

export interface TipPlace {
  /** Open from the term's right edge towards the left. */
  end: boolean;
  /** The tooltip's max-width in px. */
  max: number;
}

export function tipPlace(left: number, right: number, viewport: number): TipPlace {
  const want = Math.min(TIP_MAX, viewport - 2 * TIP_MARGIN);
  const toRight = viewport - TIP_MARGIN - left;
  const toLeft = right - TIP_MARGIN;
  if (toRight >= want) return { end: false, max: want };
  if (toLeft >= want) return { end: true, max: want };
  return toLeft > toRight ? { end: true, max: Math.max(0, toLeft) } : { end: false, max: Math.max(0, toRight) };
}
