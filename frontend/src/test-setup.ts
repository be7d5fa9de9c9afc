import '@testing-library/jest-dom/vitest';

// jsdom has no matchMedia; uPlot (the 24 h chart) asks it for the pixel ratio
// when it loads.
if (typeof window !== 'undefined' && !window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

// jsdom has no 2D canvas (it logs "not implemented" and returns null): say
// so quietly, as a browser without one would. Tests that paint give their
// canvas a recording context of their own (rowpaint.test.ts).
if (typeof HTMLCanvasElement !== 'undefined') {
  HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
}
