import { describe, expect, it } from 'vitest';
import { Lag, NOT_CURRENT_AFTER } from './lag';

describe('Lag', () => {
  it('is about zero while metrics arrive as they are made, whatever the clocks’ offset', () => {
    const l = new Lag();
    // The server's clock is 40 s ahead of this machine's.
    for (let t = 0; t < 10; t++) l.arrived(1040 + t, 1000 + t + 0.05);
    expect(l.behind(1049, 1009.5)).toBeCloseTo(0.45, 5);
    expect(l.local(1049)).toBeCloseTo(1009.05, 5); // when it arrived, at the freshest delivery
  });

  it('grows when the page falls behind its stream, and when the stream stops', () => {
    const l = new Lag();
    for (let t = 0; t < 5; t++) l.arrived(100 + t, 100 + t);
    // Then each metrics arrives later than the one before: a renderer behind its socket.
    l.arrived(105, 107);
    l.arrived(106, 110);
    expect(l.behind(106, 110)).toBe(4);
    expect(l.behind(106, 110)).toBeGreaterThan(NOT_CURRENT_AFTER);
    // Nothing more arrives: the figures of 106 keep ageing.
    expect(l.behind(106, 120)).toBe(14);
  });

  it('forgets an old offset after a few minutes (a corrected clock)', () => {
    const l = new Lag();
    l.arrived(100, 90); // once, the local clock was 10 s behind
    for (let t = 1; t <= 400; t++) l.arrived(100 + t, 100 + t);
    expect(l.behind(500, 500)).toBe(0);
  });

  it('is zero before anything arrived', () => {
    expect(new Lag().behind(5, 100)).toBe(0);
  });
});
